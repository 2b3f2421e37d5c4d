"""What the accountability pages need to know about transfers (agreements/transfer_models.py
and transfers/): counts per agreement, a child's transfers for an access request
with who opened them (by function title and organisation, never by name), the received
copies due for removal, and the erasure services: the sender's (art. 17 and 19) and the
receiver's own (a copy received on consent).

Set-based reads (a fixed number of queries). Nothing here changes a transfer: erasure goes
through the transfers' own service.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from agreements.rules import bases
from transfers import selectors as transfer_selectors
from transfers import services as transfer_services
from transfers.choices import ReceivedTransferRemoval

if TYPE_CHECKING:
    from ikc_share.models import Child, Organisation
    from transfers.models import ReceivedTransfer, Transfer

SENT_STATES = ("sent", "recorded", "erased")


@dataclass
class MonthRow:
    agreement_id: int
    title: str
    sent: int = 0
    received: int = 0


def monthly_by_agreement(*, organisation: Organisation, since: datetime.datetime) -> list[MonthRow]:
    """Transfers sent (or three-way meetings recorded) and received since `since`, per
    agreement. Two aggregate queries."""
    rows: dict[int, MonthRow] = {}
    sent = (
        transfer_selectors.transfers()
        .filter(sending_organisation=organisation, state__in=SENT_STATES)
        .filter(Q(shared_at__gte=since) | Q(shared_at__isnull=True, created_at__gte=since))
        .values("version__agreement_id", "version__agreement__title")
        .annotate(n=Count("pk"))
    )
    for r in sent:
        row = rows.setdefault(
            r["version__agreement_id"], MonthRow(r["version__agreement_id"], r["version__agreement__title"])
        )
        row.sent = r["n"]
    received = (
        transfer_selectors.received_transfers()
        .filter(organisation=organisation, received_at__gte=since)
        .values("transfer__version__agreement_id", "transfer__version__agreement__title")
        .annotate(n=Count("pk"))
    )
    for r in received:
        key = r["transfer__version__agreement_id"]
        row = rows.setdefault(key, MonthRow(key, r["transfer__version__agreement__title"]))
        row.received = r["n"]
    return sorted(rows.values(), key=lambda r: r.title)


@dataclass
class Opening:
    at: datetime.datetime
    role: str  # function title at that moment
    organisation: str


@dataclass
class ChildTransfer:
    id: int
    direction: str  # sent | received
    agreement: str
    version: int
    purpose: str
    legal_basis: str
    other_organisation: str
    categories: list[str]
    state: str
    at: datetime.datetime | None
    content: dict[str, Any]
    parents_view: str
    content_sha256: str
    retention_until: datetime.date | None
    removed_at: datetime.datetime | None
    openings: list[Opening] = field(default_factory=list)


def _openings(received_ids: list[int]) -> dict[int, list[Opening]]:
    out: dict[int, list[Opening]] = defaultdict(list)
    if not received_ids:
        return out
    for a in (
        transfer_selectors.transfer_accesses()
        .filter(received_id__in=received_ids)
        .select_related("organisation")
        .order_by("at")
    ):
        out[a.received_id].append(Opening(at=a.at, role=a.function_title or "—", organisation=a.organisation.name))
    return out


def _version_facts(version) -> dict[str, Any]:
    """The agreement version's facts a child's transfer row shows."""
    return {
        "agreement": version.agreement.title,
        "version": version.number,
        "purpose": version.get_purpose_display(),
        "legal_basis": version.get_legal_basis_display(),
    }


def for_child(*, child: Child) -> list[ChildTransfer]:
    """Every transfer the child's organisation sent about this child, and every copy it
    received and linked to this child: four queries. Content is what THIS organisation
    holds: a sent transfer keeps only its hash once sent (the content then lives in the
    receiver's copy, the receiver's own record)."""
    sent = list(
        transfer_selectors.transfers()
        .filter(child=child, sending_organisation_id=child.organisation_id)
        .select_related("version__agreement", "receiving_organisation")
        .order_by("created_at", "pk")
    )
    received = list(
        transfer_selectors.received_transfers()
        .filter(child=child, organisation_id=child.organisation_id)
        .select_related("transfer__version__agreement", "transfer__sending_organisation")
        .order_by("received_at", "pk")
    )
    sent_copies = dict(
        transfer_selectors.received_transfers()
        .filter(transfer__in=[t.pk for t in sent])
        .values_list("transfer_id", "pk")
    )
    openings = _openings(list(sent_copies.values()) + [r.pk for r in received])
    rows: list[ChildTransfer] = []
    for t in sent:
        v = t.version
        rows.append(
            ChildTransfer(
                id=t.pk,
                direction="sent",
                **_version_facts(v),
                other_organisation=t.receiving_organisation.name,
                categories=list(t.category_codes),
                state=t.get_state_display(),
                at=t.shared_at or t.created_at,
                content=dict(t.content or {}),
                parents_view=t.parents_view,
                content_sha256=t.content_sha256 or t.removed_content_sha256,
                retention_until=None,
                removed_at=t.erased_at or t.stopped_at,
                openings=openings.get(sent_copies.get(t.pk), []),
            )
        )
    for r in received:
        v = r.transfer.version
        rows.append(
            ChildTransfer(
                id=r.transfer_id,
                direction="received",
                **_version_facts(v),
                other_organisation=r.transfer.sending_organisation.name,
                categories=list(r.category_codes),
                state=r.get_removal_display() if r.removed_at else "",
                at=r.received_at,
                content=dict(r.content or {}),
                parents_view=r.parents_view,
                content_sha256=r.content_sha256 or r.removed_content_sha256,
                retention_until=r.retention_until,
                removed_at=r.removed_at,
                openings=openings.get(r.pk, []),
            )
        )
    return rows


# --- Retention and erasure ------------------------------------------------------------------


def received_due(*, organisation: Organisation, today: datetime.date) -> int:
    return (
        transfer_selectors.received_transfers()
        .filter(organisation=organisation, removed_at__isnull=True, retention_until__lt=today)
        .count()
    )


def received_removed(*, organisation: Organisation, since: datetime.datetime) -> int:
    return (
        transfer_selectors.received_transfers()
        .filter(organisation=organisation, removed_at__gte=since, removal=ReceivedTransferRemoval.RETENTION)
        .count()
    )


@dataclass
class ErasableTransfer:
    transfer: Transfer
    erasable: bool
    basis: str


def sent_for_erasure(*, child: Child) -> list[ErasableTransfer]:
    """Sent transfers about the child that still have a copy at the receiver. Under consent
    (a) the copy can be erased on request; under a legal duty (c) or a public task (e) the
    receiver keeps it (art. 17(3)(b)); under the other bases the director weighs it."""
    transfers = (
        transfer_selectors.transfers()
        .filter(child=child, sending_organisation_id=child.organisation_id, state="sent")
        .select_related("version__agreement", "receiving_organisation")
        .order_by("shared_at", "pk")
    )
    return [
        ErasableTransfer(
            transfer=t,
            erasable=bases.allows_erasure_of_received(t.version),
            basis=t.version.legal_basis,
        )
        for t in transfers
    ]


def erase_sent(*, transfer: Transfer, actor) -> None:
    transfer_services.transfer_erase(transfer=transfer, reason="erasure_request", actor=actor)


def received_on_consent(received: ReceivedTransfer) -> bool:
    """Received on the parents' consent (a): on their request for erasure the receiver erases
    its copy (art. 17(1)(b)); copies under another basis follow the agreement's retention."""
    return bases.asks_consent(received.transfer.version)


def erase_received(*, received: ReceivedTransfer, actor) -> None:
    """The receiver's own erasure of its copy (transfers/services/erasure.py), on request."""
    transfer_services.received_erase(received=received, reason="erasure_request", actor=actor)


def received_for_child(*, child: Child) -> list[ReceivedTransfer]:
    return list(
        transfer_selectors.received_transfers()
        .filter(child=child, organisation_id=child.organisation_id, removed_at__isnull=True)
        .select_related("transfer__version__agreement")
        .order_by("received_at")
    )
