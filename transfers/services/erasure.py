"""Erasure of a received copy by the RECEIVING organisation itself (art. 17 AVG): after the
parents withdrew the consent it was shared on (art. 7(3), 17(1)(b)), on a parent's request
for erasure (accountability's rights requests call this same service), or because it is no
longer needed. The sender's own erasure (art. 17 and 19) is transfer_erase in after_sending.

The content, the envelope and the attachments go; a tombstone stays: which categories, when
it arrived, the SHA-256 of what was removed, when, by whom and why (a code, never text).
One audit event in the receiver's chain, in the same transaction (ids and codes only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ikc_share.audit import audit_record
from transfers import records, withdrawals
from transfers.choices import ReceivedErasureReason, ReceivedTransferRemoval
from transfers.models import ReceivedTransfer


@transaction.atomic
def received_erase(
    *, received: ReceivedTransfer, reason: str, actor, at: datetime.datetime | None = None
) -> ReceivedTransfer:
    """Erase the receiver's copy (see the module). Refused, with nothing changed: without a
    reason, when it is already removed, when a legal duty or public task keeps it (c, e), and
    with the reason "consent withdrawn" when no withdrawal applies to it."""
    if not reason or reason not in ReceivedErasureReason.values:
        raise ValidationError(_("Kies waarom u deze gegevens wist."))
    received = (
        ReceivedTransfer.objects.select_for_update(of=("self",))
        .select_related("transfer__version", "organisation")
        .get(pk=received.pk)
    )
    if received.is_removed:
        raise ValidationError(
            _("Deze gegevens zijn al verwijderd op %(date)s.")
            % {"date": formats.date_format(timezone.localtime(received.removed_at), "j F Y")}
        )
    refusal = withdrawals.erase_refusal(received)
    if refusal:
        raise ValidationError(refusal)
    due = withdrawals.due_for(received)
    if reason == ReceivedErasureReason.CONSENT_WITHDRAWN and due is None:
        raise ValidationError(_("Voor deze gegevens is geen toestemming ingetrokken. Kies een andere reden."))
    now = at or timezone.now()
    received.removed_by = actor if getattr(actor, "is_authenticated", False) else None
    received.removal_reason = reason
    files = records.tombstone(received, removal=ReceivedTransferRemoval.RECEIVER, now=now)
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.received_erased",
        target=received,
        payload={
            "transfer": received.transfer_id,
            "reason": reason,
            "categories": list(received.category_codes),
            "removed_content_sha256": received.removed_content_sha256,
            "attachments": len(files),
            "withdrawn_at": due.withdrawn_at.isoformat() if due else None,
        },
    )
    return received
