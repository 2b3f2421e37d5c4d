"""The receiving side: every opening is recorded, receipt confirmed, and the copy linked to
the receiver's own child record (or that record created from the envelope)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import services as core_services
from ikc_share.audit import audit_record
from transfers.models import ReceivedTransfer, TransferAccess

if TYPE_CHECKING:
    from ikc_share.models import Child


@transaction.atomic
def received_open(*, received: ReceivedTransfer, actor, function_title: str) -> TransferAccess:
    """Every opening of a received copy is recorded (who, when, with which function)."""
    access = TransferAccess.objects.create(
        received=received, user=actor, organisation_id=received.organisation_id, function_title=function_title
    )
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.opened",
        target=received,
        payload={"transfer": received.transfer_id, "access": access.pk, "removed": received.is_removed},
    )
    return access


@transaction.atomic
def received_confirm(*, received: ReceivedTransfer, actor) -> ReceivedTransfer:
    received = ReceivedTransfer.objects.select_for_update().get(pk=received.pk)
    if received.confirmed_at is not None:
        raise ValidationError(_("De ontvangst is al bevestigd."))
    if received.is_removed:
        raise ValidationError(_("Deze overdracht is verwijderd."))
    received.confirmed_by = actor
    received.confirmed_at = timezone.now()
    received.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.receipt_confirmed",
        target=received,
        payload={"transfer": received.transfer_id},
    )
    return received


@transaction.atomic
def received_link(*, received: ReceivedTransfer, child: Child, actor) -> ReceivedTransfer:
    """A person confirms which of the receiver's OWN child records this is about (suggested
    by name and date of birth; never by BSN)."""
    received = ReceivedTransfer.objects.select_for_update().get(pk=received.pk)
    if child.organisation_id != received.organisation_id:
        raise ValidationError(_("Kies een kind uit de eigen administratie van uw organisatie."))
    if received.is_removed:
        raise ValidationError(_("Deze overdracht is verwijderd."))
    _link(received=received, child=child, actor=actor, action="transfer.linked")
    return received


@transaction.atomic
def received_child_create(*, received: ReceivedTransfer, actor, group_name: str = "") -> Child:
    """No record of this child yet at the receiver: create one from the envelope (name and
    date of birth only) at the addressed location, and link the copy to it."""
    received = ReceivedTransfer.objects.select_for_update().select_related("transfer__child").get(pk=received.pk)
    if received.is_removed or received.child_id:
        raise ValidationError(_("Deze overdracht is al gekoppeld of verwijderd."))
    if received.child_date_of_birth is None:  # not agreed, so not shared: never taken from the sender's record
        raise ValidationError(
            _("De geboortedatum is niet gedeeld. Voeg het kind eerst toe aan uw eigen administratie en koppel dan.")
        )
    source = received.transfer.child  # the sender's record: only the names are copied
    child = core_services.child_create(
        organisation_id=received.organisation_id,
        location_id=received.location_id,
        group_name=group_name[:60],
        first_name=source.first_name,
        name_prefix=source.name_prefix,
        last_name=source.last_name,
        date_of_birth=received.child_date_of_birth,
    )
    _link(received=received, child=child, actor=actor, action="transfer.child_created")
    return child


def _link(*, received: ReceivedTransfer, child: Child, actor, action: str) -> None:
    """Link the (locked) copy to the receiver's own child record, with its audit event."""
    received.child = child
    received.linked_by = actor
    received.linked_at = timezone.now()
    received.save(update_fields=["child", "linked_by", "linked_at"])
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action=action,
        target=received,
        payload={"transfer": received.transfer_id, "child": child.pk},
    )
