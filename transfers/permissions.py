"""Who may see and do what with transfers. Builds on ikc_share.permissions; no view or
template decides access on its own. Pattern: a queryset of what the user may see (absent
→ 404, no leak that it exists), then the change permission (→ 403).

- Sender side: a transfer is visible to members of the SENDING organisation who may read
  the child's record (staff at the child's location, the director, the privacy officer).
  Preparing, sharing, answering parents, recording a meeting and correcting need ACT
  (director, staff); the rules of check_transfer then decide whether this person may send
  this child's data (a privacy officer never sends). Erasing after sending needs MANAGE.
- Receiving side: a received copy is visible ONLY to active members of the receiving
  organisation whose function title is one of the version's receiving roles and who work
  at the addressed location (no locations = all). Everyone else there gets 404, the
  director and the privacy officer included (need-to-know); the privacy officer sees the
  register (metadata, who opened what) through AUDIT.
- Erasing a received copy (art. 17, e.g. after a withdrawal): the receiving organisation's
  director or privacy contact (`handles_rights`), who see only the copy's metadata; the
  receiving staff who open it get 403 on the erase page, everyone else 404.
- Parents: a guardian WITH parental authority (their own Guardian record at the child's
  organisation) sees the child's transfers that left the sender's desk (not drafts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from ikc_share import permissions as core
from ikc_share import selectors as core_selectors
from transfers import selectors
from transfers.choices import TransferState
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment, TransferRemark
from transfers.records import PENDING

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Membership, Organisation

READ, ACT, MANAGE, AUDIT = core.READ, core.ACT, core.MANAGE, core.AUDIT


# --- Sender side -------------------------------------------------------------------------------------


def get_child_for_transfer(user, child_pk: int, *, need: str = READ) -> Child:
    child = core.get_child(user, child_pk)
    if need != READ and not core.has_org_perm(user, child.organisation, need):
        raise PermissionDenied
    return child


def get_sending_version(user, child: Child, version_pk: int) -> AgreementVersion:
    """An ACTIVE version under which the child's own organisation sends (404 otherwise)."""
    version = selectors.sending_versions(child).filter(pk=version_pk).first()
    if version is None:
        raise Http404
    return version


def transfers_for(user) -> QuerySet[Transfer]:
    """Sender-side records the user may see: the children they may read, of their own
    organisation (children_for is already limited to the user's organisations)."""
    return Transfer.objects.filter(child__in=core.children_for(user)).filter(
        sending_organisation__in=core.organisations_for(user, READ)
    )


def get_transfer(user, pk: int, *, need: str = READ, states: tuple[str, ...] | None = None) -> Transfer:
    """A transfer the user may see (404), with `need` at the sending organisation (403);
    with `states`, 404 unless it is in one of them (the page does not apply to it)."""
    transfer = (
        transfers_for(user)
        .select_related(
            "child__location",
            "child__organisation",
            "version__agreement",
            "sending_organisation",
            "receiving_organisation",
            "receiving_location",
            "created_by",
            "shared_by",
        )
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        raise Http404
    if need != READ and not core.has_org_perm(user, transfer.sending_organisation, need):
        raise PermissionDenied
    if states is not None and transfer.state not in states:
        raise Http404
    return transfer


def get_pending_transfer(user, pk: int) -> Transfer:
    """A transfer not yet sent or stopped (concept, with the parents), for ACT."""
    return get_transfer(user, pk, need=ACT, states=PENDING)


def get_sent_transfer(user, pk: int, *, need: str) -> Transfer:
    """A sent transfer (its copy is at the receiver)."""
    return get_transfer(user, pk, need=need, states=(TransferState.SENT,))


def get_correctable_transfer(user, pk: int) -> tuple[Transfer, ReceivedTransfer]:
    """A sent transfer whose copy the receiver still holds, and that copy (for ACT)."""
    transfer = get_sent_transfer(user, pk, need=ACT)
    received = selectors.received_of(transfer)
    if received is None or received.is_removed:
        raise Http404
    return transfer, received


def get_remark(transfer: Transfer, remark_pk: int) -> TransferRemark:
    remark = TransferRemark.objects.filter(pk=remark_pk, transfer=transfer).first()
    if remark is None:
        raise Http404
    return remark


def may(user, organisation: Organisation, need: str) -> bool:
    return core.has_org_perm(user, organisation, need)


def sender_organisation(user, org_pk: int) -> Organisation:
    """A member's own organisation (404 otherwise)."""
    return core.get_organisation(user, org_pk)


def register_organisation(user, org_pk: int) -> Organisation:
    """The transfer register: director and privacy officer (AUDIT)."""
    return core.get_organisation(user, org_pk, need=AUDIT)


def _attachment(attachment_pk: int, condition: Q) -> TransferAttachment:
    attachment = TransferAttachment.objects.filter(condition, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def get_sender_attachment(user, transfer: Transfer, attachment_pk: int) -> TransferAttachment:
    """An attachment of a concept the user may see (fetched with get_transfer)."""
    return _attachment(attachment_pk, Q(transfer=transfer))


# --- Receiving side ---------------------------------------------------------------------------------------


def receiving_memberships(user) -> list[Membership]:
    """Active staff/director memberships that hold a function title (a receiving role
    is a function title). Privacy officers never receive."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        core_selectors.staff_memberships().filter(user=user, function_title__isnull=False).prefetch_related("locations")
    )


def received_for(user) -> QuerySet[ReceivedTransfer]:
    """Received copies addressed to a location where the user works, under a version whose
    receiving roles include the user's function title at that organisation."""
    condition = Q(pk__in=[])
    for m in receiving_memberships(user):
        part = Q(organisation_id=m.organisation_id, transfer__version__receiving_roles=m.function_title_id)
        location_ids = [loc.pk for loc in m.locations.all()]
        if location_ids:
            part &= Q(location_id__in=location_ids)
        condition |= part
    return ReceivedTransfer.objects.filter(pk__in=ReceivedTransfer.objects.filter(condition).values("pk"))


def receiving_organisation(user, org_pk: int) -> Organisation:
    """The inbox of an organisation the user is a member of (404 otherwise); it lists only
    what the user may open."""
    return core.get_organisation(user, org_pk)


def get_received(user, pk: int) -> ReceivedTransfer:
    received = (
        received_for(user)
        .select_related(
            "transfer__version__agreement",
            "transfer__sending_organisation",
            "organisation",
            "location",
            "child",
            "confirmed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if received is None:
        raise Http404
    return received


def receiver_membership(user, received: ReceivedTransfer) -> Membership | None:
    return next((m for m in receiving_memberships(user) if m.organisation_id == received.organisation_id), None)


def get_received_attachment(user, received: ReceivedTransfer, attachment_pk: int) -> TransferAttachment:
    """An attachment of a received copy the user may open (fetched with get_received)."""
    return _attachment(attachment_pk, Q(received=received))


def receiver_children(user, received: ReceivedTransfer) -> QuerySet[Child]:
    """The receiver's own children this user may read (to link the copy to)."""
    return core.children_for(user).filter(organisation_id=received.organisation_id, left_on__isnull=True)


# --- Erasure of a received copy by the receiver (art. 17) ----------------------------------------------


def handles_rights(user, organisation: Organisation) -> bool:
    """The organisation's director or a staff member marked privacy contact: they see the
    copies to erase (metadata, no content) and erase them. Never the privacy officer."""
    return core.handles_rights(user, organisation)


def get_received_for_erasure(user, pk: int) -> ReceivedTransfer:
    """A received copy for the erase page: the receiving organisation's director or privacy
    contact; a receiver who may open the copy but does not handle rights gets 403; anyone
    else 404 (the copy's existence is not shown)."""
    received = (
        ReceivedTransfer.objects.select_related(
            "transfer__version__agreement", "transfer__sending_organisation", "organisation", "location", "removed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if received is None:
        raise Http404
    if core.handles_rights(user, received.organisation):
        return received
    if received_for(user).filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


# --- Parents -------------------------------------------------------------------------------------------


def parent_children(user) -> QuerySet[Child]:
    """Children of whom the user is a guardian WITH parental authority, through their own
    Guardian record at the child's organisation."""
    own = core.children_of_parent(user, with_authority_only=True).filter(
        guardianships__guardian__user=user,
        guardianships__has_parental_authority=True,
        guardianships__guardian__organisation=F("organisation"),
    )
    return core_selectors.children_among(ids=own.values("pk"))


def get_parent_child(user, child_pk: int) -> Child:
    child = parent_children(user).filter(pk=child_pk).first()
    if child is None:
        raise Http404
    return child


def parent_guardian(user, child: Child) -> Guardian:
    guardian = (
        core.guardian_records(user)
        .filter(
            organisation_id=child.organisation_id,
            guardianships__child=child,
            guardianships__has_parental_authority=True,
        )
        .order_by("pk")
        .first()
    )
    if guardian is None:
        raise Http404
    return guardian


def parent_transfers(user) -> QuerySet[Transfer]:
    return Transfer.objects.filter(child__in=parent_children(user)).exclude(state=TransferState.DRAFT)


def get_parent_transfer(user, pk: int) -> tuple[Transfer, Guardian]:
    transfer = (
        parent_transfers(user)
        .select_related(
            "child__organisation",
            "version__agreement",
            "sending_organisation",
            "receiving_organisation",
            "receiving_location",
        )
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer, parent_guardian(user, transfer.child)


def require_with_parents(transfer: Transfer) -> None:
    """The parents' answer pages exist only while they read first (404 otherwise)."""
    if not transfer.with_parents:
        raise Http404


def get_parent_pdf_transfer(user, pk: int) -> Transfer:
    """The parents' transfer that holds the PDF copy they asked for (404 when there is none)."""
    transfer, _guardian = get_parent_transfer(user, pk)
    if not transfer.parent_pdf:
        raise Http404
    return transfer


def get_parent_attachment(transfer: Transfer, attachment_pk: int) -> TransferAttachment:
    received = getattr(transfer, "received", None) if transfer.state == TransferState.SENT else None
    condition = Q(transfer=transfer)
    if received is not None:
        condition |= Q(received=received)
    return _attachment(attachment_pk, condition)
