"""After sending: rectification and erasure (GDPR art. 16, 17, 19). The receiver's copy
follows the sender's change and the receiver is told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import outbox
from transfers import records, tasks
from transfers.choices import ReceivedTransferRemoval, TransferState
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment


def _lock_sent(transfer: Transfer, refusal: str) -> tuple[Transfer, ReceivedTransfer]:
    """The transfer and the receiver's copy, both locked; `refusal` unless it was sent."""
    transfer = records.lock(transfer)
    if transfer.state != TransferState.SENT:
        raise ValidationError(refusal)
    return transfer, ReceivedTransfer.objects.select_for_update().get(transfer=transfer)


@transaction.atomic
def transfer_rectify(*, transfer: Transfer, contents: dict[str, dict], actor) -> Transfer:
    """The sender corrects what it sent; the receiver's copy is updated and the receiver is
    told (art. 19). Only the categories that were sent."""
    transfer, received = _lock_sent(transfer, _("Alleen een verzonden overdracht kan worden gecorrigeerd."))
    if received.is_removed:
        raise ValidationError(_("De ontvanger heeft deze overdracht al verwijderd."))
    codes = list(transfer.category_codes)
    if set(contents) - set(codes):
        raise ValidationError(_("U kunt alleen corrigeren wat is verzonden."))
    records.check_contents(list(contents), contents)
    old_hash = received.content_sha256
    content = dict(received.content)
    content.update({c: contents[c] for c in contents})
    hashes = list(TransferAttachment.objects.filter(received=received).values_list("sha256", flat=True))
    new_hash = records.content_hash(
        codes=codes, content=content, parents_view=received.parents_view, attachment_hashes=hashes
    )
    if new_hash == old_hash:
        raise ValidationError(_("Er is niets veranderd."))
    now = timezone.now()
    received.content = content
    received.content_sha256 = new_hash
    received.corrected_at = now
    received.corrections += 1
    received.save(update_fields=["content", "content_sha256", "corrected_at", "corrections"])
    transfer.content_sha256 = new_hash
    transfer.save(update_fields=["content_sha256"])
    received_id, event = received.pk, received.corrections
    outbox.enqueue(tasks.notify_receivers, received_id, "corrected", event)
    records.audit_both(
        transfer=transfer,
        actor=actor,
        action="transfer.rectified",
        received=received,
        payload={
            "transfer": transfer.pk,
            "received": received.pk,
            "categories": sorted(contents),
            "old_content_sha256": old_hash,
            "content_sha256": new_hash,
        },
    )
    return transfer


@transaction.atomic
def transfer_erase(*, transfer: Transfer, reason: str, actor) -> Transfer:
    """Erasure at the sender (art. 17): the receiver's copy is removed too and the receiver
    is told (art. 19). A tombstone stays on both sides."""
    transfer, received = _lock_sent(transfer, _("Alleen een verzonden overdracht kan worden gewist."))
    now = timezone.now()
    already = received.is_removed
    files = [] if already else records.tombstone(received, removal=ReceivedTransferRemoval.ERASURE, now=now)
    transfer.state = TransferState.ERASED
    transfer.erased_at = now
    transfer.save(update_fields=["state", "erased_at"])
    received_id = received.pk
    if not already:
        outbox.enqueue(tasks.notify_receivers, received_id, "erased")
    records.audit_both(
        transfer=transfer,
        actor=actor,
        action="transfer.erased",
        received=received,
        payload={
            "transfer": transfer.pk,
            "received": received.pk,
            "reason": reason,
            "categories": list(received.category_codes),
            "removed_content_sha256": received.removed_content_sha256,
            "attachments": len(files),
        },
    )
    return transfer
