"""The accountability part of the home page's to-do list (registered in
AccountabilityConfig.ready), for whoever handles the parents' rights (a director, or a staff
member marked as privacy contact): open rights requests with their deadline (the assignee's
only, once one is assigned), and open data breaches not yet reported to the Autoriteit
Persoonsgegevens. A fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability.deadlines import BREACH_REPORT_HOURS, deadline_state
from accountability.models import Incident
from accountability.rights.models import RightsRequest
from consent.choices import ObjectionStatus
from ikc_share.choices import MembershipRole
from ikc_share.todos import Todo

SHOWN = 5  # requests one by one; more: one line to the list


def _handled(memberships) -> dict[int, object]:
    return {
        m.organisation_id: m.organisation
        for m in memberships
        if m.role == MembershipRole.DIRECTOR or (m.role == MembershipRole.STAFF and m.is_privacy_contact)
    }


def accountability_todos(*, user, memberships) -> list[Todo]:
    handled = _handled(memberships)
    if not handled:
        return []
    today = timezone.localdate()
    requests = list(
        RightsRequest.objects.filter(
            Q(assignee__isnull=True) | Q(assignee=user),
            organisation_id__in=handled,
            status__in=RightsRequest.OPEN_STATUSES,
        )
        .filter(Q(objection__isnull=True) | Q(objection__status=ObjectionStatus.PENDING))
        .only("pk", "kind", "due_on", "organisation_id")
        .order_by("due_on", "pk")
    )
    out = []
    by_org: dict[int, list[RightsRequest]] = {}
    for r in requests:
        by_org.setdefault(r.organisation_id, []).append(r)
    for org_id, rows in by_org.items():
        for r in rows[:SHOWN]:
            state = deadline_state(r.due_on, today)
            values = {"id": r.pk, "kind": r.get_kind_display(), "date": formats.date_format(r.due_on, "j F Y")}
            if state.overdue:
                text = _("Verzoek #%(id)s (%(kind)s) had uiterlijk %(date)s beantwoord moeten zijn") % values
            else:
                text = _("Verzoek #%(id)s (%(kind)s): antwoord uiterlijk %(date)s") % values
            url = reverse("consent:rights-detail", kwargs={"pk": r.pk})
            out.append(Todo(text=text, url=url, organisation=handled[org_id].name, urgent=state.level != "ok", order=5))
        if len(rows) > SHOWN:
            more = len(rows) - SHOWN
            text = ngettext("Nog %(n)s open verzoek", "Nog %(n)s open verzoeken", more) % {"n": more}
            url = reverse("consent:rights-list", kwargs={"org_pk": org_id})
            out.append(Todo(text=text, url=url, organisation=handled[org_id].name, order=6))
    now = timezone.now()
    breaches = (
        Incident.objects.filter(organisation_id__in=handled, status=Incident.Status.OPEN, ap_reported=False)
        .exclude(risk=Incident.Risk.NONE)
        .only("pk", "number", "discovered_at", "organisation_id")
        .order_by("discovered_at", "pk")
    )
    for i in breaches:
        deadline = i.discovered_at + datetime.timedelta(hours=BREACH_REPORT_HOURS)
        values = {"number": i.number, "date": formats.date_format(timezone.localtime(deadline), "j F Y H:i")}
        if now > deadline:
            text = _("Datalek #%(number)s: de meldtermijn van 72 uur verliep op %(date)s") % values
        else:
            text = _("Datalek #%(number)s: beoordeel het risico en meld het uiterlijk %(date)s") % values
        url = reverse("ikc_share:incident-detail", kwargs={"pk": i.pk})
        out.append(Todo(text=text, url=url, organisation=handled[i.organisation_id].name, urgent=True, order=1))
    return out
