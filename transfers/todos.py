"""The transfers' part of the home page's to-do list (registered in TransfersConfig.ready):
received copies addressed to this person that nobody confirmed yet, and the person's own
transfers that wait for them (parents want to talk first, or agreed and it can be sent).
A fixed number of queries."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ikc_share.todos import Todo
from transfers import permissions as perms
from transfers.choices import TransferState
from transfers.models import Transfer


def transfer_todos(*, user, memberships) -> list[Todo]:
    names = {m.organisation_id: m.organisation.name for m in memberships}
    out = []
    unread = (
        perms.received_for(user)
        .filter(confirmed_at__isnull=True, removed_at__isnull=True)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by("organisation_id")
    )
    for row in unread:
        n = row["n"]
        text = ngettext(
            "%(n)s ontvangen overdracht om te lezen en te bevestigen",
            "%(n)s ontvangen overdrachten om te lezen en te bevestigen",
            n,
        ) % {"n": n}
        url = reverse("transfers:inbox", kwargs={"org_pk": row["organisation_id"]})
        out.append(Todo(text=text, url=url, organisation=names.get(row["organisation_id"], ""), order=30))
    waiting = (
        Transfer.objects.filter(created_by=user, state__in=(TransferState.PARENTS_TALK, TransferState.CONFIRMED))
        .select_related("sending_organisation")
        .only("pk", "state", "sending_organisation__name")
        .order_by("pk")
    )
    for t in waiting:
        url = reverse("transfers:transfer-detail", kwargs={"pk": t.pk})
        if t.state == TransferState.PARENTS_TALK:
            text = _("De ouders willen eerst praten over overdracht %(n)s") % {"n": t.pk}
        else:
            text = _("De ouders gingen akkoord: overdracht %(n)s kan worden verzonden") % {"n": t.pk}
        out.append(Todo(text=text, url=url, organisation=t.sending_organisation.name, order=35))
    return out
