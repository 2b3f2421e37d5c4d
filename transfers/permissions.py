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
- Parents: a guardian WITH parental authority (their own Guardian record at the child's
  organisation) sees the child's transfers that left the sender's desk (not drafts).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from agreements.models import AgreementVersion
from ikc_share import permissions as core
from ikc_share.models import Child, Guardian, Membership, Organisation
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment, TransferRemark

READ, ACT, MANAGE, AUDIT = core.READ, core.ACT, core.MANAGE, core.AUDIT
MAX_PK = 2**63 - 1


def _require_pk(*pks: int) -> None:
    for pk in pks:
        if not 0 < pk <= MAX_PK:
            raise Http404


# --- Sender side -------------------------------------------------------------------------------------


def get_child_for_transfer(user, child_pk: int, *, need: str = READ) -> Child:
    _require_pk(child_pk)
    child = core.get_child(user, child_pk)
    if need != READ and not core.has_org_perm(user, child.organisation, need):
        raise PermissionDenied
    return child


def get_sending_version(user, child: Child, version_pk: int) -> AgreementVersion:
    """An ACTIVE version under which the child's own organisation sends (404 otherwise)."""
    _require_pk(version_pk)
    version = (
        AgreementVersion.objects.filter(
            pk=version_pk,
            status=AgreementVersion.Status.ACTIVE,
            agreement__sending_organisation_id=child.organisation_id,
        )
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .first()
    )
    if version is None:
        raise Http404
    return version


def transfers_for(user) -> QuerySet[Transfer]:
    """Sender-side records the user may see: the children they may read, of their own
    organisation (children_for is already limited to the user's organisations)."""
    return Transfer.objects.filter(child__in=core.children_for(user)).filter(
        sending_organisation__in=core.organisations_for(user, READ)
    )


def get_transfer(user, pk: int, *, need: str = READ) -> Transfer:
    _require_pk(pk)
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
    return transfer


def get_remark(transfer: Transfer, remark_pk: int) -> TransferRemark:
    _require_pk(remark_pk)
    remark = TransferRemark.objects.filter(pk=remark_pk, transfer=transfer).first()
    if remark is None:
        raise Http404
    return remark


def may(user, organisation: Organisation, need: str) -> bool:
    return core.has_org_perm(user, organisation, need)


def sender_organisation(user, org_pk: int) -> Organisation:
    """A member's own organisation (404 otherwise)."""
    _require_pk(org_pk)
    return core.get_organisation(user, org_pk)


def register_organisation(user, org_pk: int) -> Organisation:
    """The transfer register: director and privacy officer (AUDIT)."""
    _require_pk(org_pk)
    return core.get_organisation(user, org_pk, need=AUDIT)


def get_sender_attachment(user, transfer: Transfer, attachment_pk: int) -> TransferAttachment:
    _require_pk(attachment_pk)
    attachment = TransferAttachment.objects.filter(pk=attachment_pk, transfer=transfer).first()
    if attachment is None:
        raise Http404
    return attachment


# --- Receiving side ---------------------------------------------------------------------------------------


def receiving_memberships(user) -> list[Membership]:
    """Active staff/director memberships that hold a function title (a receiving role
    is a function title). Privacy officers never receive."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Membership.objects.filter(
            user=user,
            is_active=True,
            role__in=[Membership.Role.STAFF, Membership.Role.DIRECTOR],
            function_title__isnull=False,
        ).prefetch_related("locations")
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
    _require_pk(org_pk)
    return core.get_organisation(user, org_pk)


def get_received(user, pk: int) -> ReceivedTransfer:
    _require_pk(pk)
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
    _require_pk(attachment_pk)
    attachment = TransferAttachment.objects.filter(pk=attachment_pk, received=received).first()
    if attachment is None:
        raise Http404
    return attachment


def receiver_children(user, received: ReceivedTransfer) -> QuerySet[Child]:
    """The receiver's own children this user may read (to link the copy to)."""
    return core.children_for(user).filter(organisation_id=received.organisation_id, left_on__isnull=True)


# --- Parents -------------------------------------------------------------------------------------------


def parent_children(user) -> QuerySet[Child]:
    """Children of whom the user is a guardian WITH parental authority, through their own
    Guardian record at the child's organisation."""
    own = core.children_of_parent(user, with_authority_only=True).filter(
        guardianships__guardian__user=user,
        guardianships__has_parental_authority=True,
        guardianships__guardian__organisation=F("organisation"),
    )
    return Child.objects.filter(pk__in=own.values("pk")).select_related("organisation", "location")


def get_parent_child(user, child_pk: int) -> Child:
    _require_pk(child_pk)
    child = parent_children(user).filter(pk=child_pk).first()
    if child is None:
        raise Http404
    return child


def parent_guardian(user, child: Child) -> Guardian:
    guardian = (
        Guardian.objects.filter(
            user=user,
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
    return Transfer.objects.filter(child__in=parent_children(user)).exclude(state=Transfer.State.DRAFT)


def get_parent_transfer(user, pk: int) -> tuple[Transfer, Guardian]:
    _require_pk(pk)
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


def get_parent_attachment(transfer: Transfer, attachment_pk: int) -> TransferAttachment:
    _require_pk(attachment_pk)
    received = getattr(transfer, "received", None) if transfer.state == Transfer.State.SENT else None
    condition = Q(transfer=transfer)
    if received is not None:
        condition |= Q(received=received)
    attachment = TransferAttachment.objects.filter(condition, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment
