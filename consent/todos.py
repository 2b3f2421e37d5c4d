"""The consent app's part of the home page's to-do list (registered in ConsentConfig.ready):
for a director, the parents' objections (bases e and f) waiting for their decision. One
query. (A parent's own open questions are on the parent portal's start page.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consent.models import Objection
from ikc_share.choices import MembershipRole
from ikc_share.todos import Todo


def consent_todos(*, user, memberships) -> list[Todo]:
    directed = {m.organisation_id: m.organisation for m in memberships if m.role == MembershipRole.DIRECTOR}
    if not directed:
        return []
    pending = list(
        Objection.objects.filter(
            version__agreement__sending_organisation_id__in=directed, status=Objection.Status.PENDING
        )
        .select_related("version__agreement")
        .only(
            "pk",
            "created_at",
            "version__number",
            "version__agreement__title",
            "version__agreement__sending_organisation_id",
        )
        .order_by("created_at", "pk")
    )
    by_org: dict[int, list[Objection]] = {}
    for o in pending:
        by_org.setdefault(o.version.agreement.sending_organisation_id, []).append(o)
    out = []
    for org_id, objections in by_org.items():
        if len(objections) == 1:
            (o,) = objections
            text = _("Een bezwaar tegen ‘%(title)s’ wacht op uw beslissing") % {"title": o.version.agreement.title}
            url = reverse("consent:objection-detail", kwargs={"pk": o.pk})
        else:
            text = ngettext(
                "%(n)s bezwaar wacht op uw beslissing", "%(n)s bezwaren wachten op uw beslissing", len(objections)
            ) % {"n": len(objections)}
            url = reverse("consent:overview", kwargs={"org_pk": org_id})
        out.append(Todo(text=text, url=url, organisation=directed[org_id].name, order=15))
    return out
