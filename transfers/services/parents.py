"""While the parents read first: their view (zienswijze), remarks, answer (akkoord, eerst
praten, niet akkoord), and the sender's side of it (the talk held, a remark answered)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share.audit import audit_record
from ikc_share.services import child_lock
from transfers import records
from transfers.choices import TransferParentsAnswer, TransferState, TransferStopReason
from transfers.models import Transfer, TransferRemark
from transfers.records import WITH_PARENTS

if TYPE_CHECKING:
    from ikc_share.models import Guardian

VIEW_MAX = 2000


def _parent_lock(transfer: Transfer, states=WITH_PARENTS) -> Transfer:
    transfer = records.lock(transfer)
    if transfer.state not in states:
        raise ValidationError(_("De ouders kunnen hier nu niet meer op reageren."))
    return transfer


def _parent_audit(transfer: Transfer, guardian: Guardian, actor, action: str, extra: dict | None = None) -> None:
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action=action,
        target=transfer,
        payload={"guardian": guardian.pk, "child": transfer.child_id, **(extra or {})},
    )


@transaction.atomic
def transfer_parents_view(*, transfer: Transfer, guardian: Guardian, text: str, actor) -> Transfer:
    """The parents' own view (zienswijze). It travels with the transfer; it never changes
    the sender's text. An empty text removes it."""
    transfer = _parent_lock(transfer, (TransferState.PARENTS_READING, TransferState.PARENTS_TALK))
    text = (text or "").strip()[:VIEW_MAX]
    transfer.parents_view = text
    transfer.parents_view_by = guardian if text else None
    transfer.parents_view_at = timezone.now() if text else None
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_view", {"present": bool(text)})
    return transfer


@transaction.atomic
def transfer_parents_remark(*, transfer: Transfer, guardian: Guardian, text: str, actor) -> TransferRemark:
    """A parent points out a factual error. The sender corrects or answers it before
    sending."""
    transfer = _parent_lock(transfer)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Schrijf op wat er niet klopt."))
    remark = TransferRemark.objects.create(transfer=transfer, guardian=guardian, text=text[:1000])
    if transfer.state == TransferState.CONFIRMED:
        transfer.state = TransferState.PARENTS_READING
        transfer.parents_answer = ""
        transfer.save(update_fields=["state", "parents_answer"])
    _parent_audit(transfer, guardian, actor, "transfer.parents_remark", {"remark": remark.pk})
    return remark


@transaction.atomic
def transfer_parents_confirm(*, transfer: Transfer, guardian: Guardian, actor) -> Transfer:
    transfer = _parent_lock(transfer, (TransferState.PARENTS_READING, TransferState.PARENTS_TALK))
    transfer.state = TransferState.CONFIRMED
    records.set_parents_answer(transfer, answer=TransferParentsAnswer.CONFIRMED, guardian=guardian, at=timezone.now())
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_confirmed", {"content_sha256": transfer.content_sha256})
    return transfer


@transaction.atomic
def transfer_parents_talk(*, transfer: Transfer, guardian: Guardian, actor) -> Transfer:
    transfer = _parent_lock(transfer)
    transfer.state = TransferState.PARENTS_TALK
    records.set_parents_answer(transfer, answer=TransferParentsAnswer.TALK, guardian=guardian, at=timezone.now())
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_talk")
    return transfer


@transaction.atomic
def transfer_parents_refuse(*, transfer: Transfer, guardian: Guardian, want_pdf: bool, actor) -> Transfer:
    """The parents do not want it sent: the content is destroyed, unless they asked to get
    it themselves as a PDF (then that PDF, for them only, is the one copy left)."""
    child = child_lock(child=transfer.child)
    transfer = _parent_lock(transfer)
    transfer.child = child
    now = timezone.now()
    records.set_parents_answer(transfer, answer=TransferParentsAnswer.REFUSED, guardian=guardian, at=now)
    _parent_audit(transfer, guardian, actor, "transfer.parents_refused", {"want_pdf": want_pdf})
    return records.destroy(
        transfer=transfer, actor=actor, reason=TransferStopReason.PARENTS_REFUSED, now=now, want_pdf=want_pdf
    )


@transaction.atomic
def transfer_talked(*, transfer: Transfer, actor) -> Transfer:
    """Staff record that they talked with the parents; the parents read (and answer) again."""
    transfer = records.lock(transfer)
    if transfer.state != TransferState.PARENTS_TALK:
        raise ValidationError(_("De ouders hebben niet om een gesprek gevraagd."))
    transfer.state = TransferState.PARENTS_READING
    records.set_parents_answer(transfer, answer="", guardian=None, at=None)
    transfer.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.parents_talked",
        target=transfer,
        payload={"child": transfer.child_id},
    )
    return transfer


@transaction.atomic
def transfer_remark_answer(*, remark: TransferRemark, answer: str, corrected: bool, actor) -> TransferRemark:
    transfer = records.lock(remark.transfer)
    if transfer.state not in WITH_PARENTS:
        raise ValidationError(_("Deze overdracht is niet meer ter inzage bij de ouders."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Schrijf een antwoord voor de ouder."))
    remark = TransferRemark.objects.select_for_update().get(pk=remark.pk)
    remark.answer = answer[:1000]
    remark.corrected = corrected
    remark.answered_by = actor
    remark.answered_at = timezone.now()
    remark.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.remark_answered",
        target=transfer,
        payload={"remark": remark.pk, "corrected": corrected},
    )
    return remark
