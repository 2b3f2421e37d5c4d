"""Preparing a handover: a concept is created and edited (also while the parents read it
first), attachments are added and removed, and the sender may stop it (its content is
destroyed)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import rules
from ikc_share.audit import audit_record
from transfers import attachments, records
from transfers.choices import TransferMethod, TransferState, TransferStopReason
from transfers.models import Transfer, TransferAttachment
from transfers.records import PENDING

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Location


@transaction.atomic
def transfer_create(
    *,
    child: Child,
    version: AgreementVersion,
    location: Location,
    contents: dict[str, dict],
    actor,
    at: datetime.datetime | None = None,
) -> Transfer:
    """Staff prepare a handover (a concept). Only categories check_transfer allows now."""
    codes = records.ordered_codes(version, contents.keys())
    records.check_contents(codes, contents)
    content = {c: contents[c] for c in codes}
    return new_checked_transfer(
        child,
        version,
        location,
        codes,
        method=rules.METHOD_IN_APP,
        actor=actor,
        at=at or timezone.now(),
        hashed_content=content,
        action="transfer.created",
        payload={},
        state=TransferState.DRAFT,
        content=content,
    )


def new_checked_transfer(
    child: Child,
    version: AgreementVersion,
    location: Location,
    codes: list[str],
    *,
    method: str,
    actor,
    at: datetime.datetime,
    **record,
) -> Transfer:
    """The sender's new record of a concept or a recorded meeting (records.new_transfer;
    `record`: the content to hash, the audit action and payload, the state and the kind's
    own fields), once the agreement allows the location and check_transfer allows these
    categories by `method` now."""
    records.check_location(version, location)
    verdict = records.allowed_verdict(
        child=child, version=version, codes=codes, at=at, actor=actor, method=method, location=location
    )
    return records.new_transfer(
        child=child,
        version=version,
        location=location,
        codes=codes,
        verdict=verdict,
        actor=actor,
        at=at,
        method=TransferMethod(method),
        **record,
    )


@transaction.atomic
def transfer_update(
    *, transfer: Transfer, contents: dict[str, dict], actor, location: Location | None = None
) -> Transfer:
    """Edit a concept, or correct the text while the parents read it (they then read the
    corrected text again: their earlier 'akkoord' no longer counts)."""
    transfer = records.lock(transfer)
    if transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht kan niet meer worden aangepast."))
    version = transfer.version
    codes = records.ordered_codes(version, contents.keys())
    records.check_contents(codes, contents)
    if transfer.state != TransferState.DRAFT and set(codes) != set(transfer.category_codes):
        raise ValidationError(
            _("Terwijl de ouders meelezen, kunt u de tekst verbeteren maar geen gegevens toevoegen of weghalen.")
        )
    if location is not None and location.pk != transfer.receiving_location_id:
        if transfer.state != TransferState.DRAFT:
            raise ValidationError(_("De ontvangende locatie ligt vast zodra de ouders meelezen."))
        records.check_location(version, location)
        transfer.receiving_location = location
    now = timezone.now()
    verdict = records.allowed_verdict(
        child=transfer.child,
        version=version,
        codes=codes,
        at=now,
        actor=actor,
        method=transfer.method,
        location=transfer.receiving_location,
    )
    old_hash = transfer.content_sha256
    transfer.category_codes = codes
    transfer.content = {c: contents[c] for c in codes}
    records.record_verdict(transfer, verdict, now)
    reread = transfer.state in (TransferState.CONFIRMED,)
    if reread:
        transfer.state = TransferState.PARENTS_READING
        records.set_parents_answer(transfer, answer="", guardian=None, at=None)
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.content_updated",
        target=transfer,
        payload={
            "categories": codes,
            "old_content_sha256": old_hash,
            "content_sha256": transfer.content_sha256,
            "parents_read_again": reread,
        },
    )
    return transfer


def transfer_attachment_add(*, transfer: Transfer, upload, actor) -> TransferAttachment:
    """Validate by content, re-encode images, store privately. The file is written before
    the transaction and removed again if the transaction does not commit (a failure inside
    it, or a failing COMMIT); a file left by an outer transaction that rolls back later is
    removed by the periodic sweep (`orphan_files_sweep`), as nothing refers to it."""
    prepared = attachments.prepare(upload)  # raises before anything is written
    name = attachments.store(prepared)
    try:
        with transaction.atomic():
            attachment = _attachment_add(transfer=transfer, prepared=prepared, name=name, actor=actor)
    except BaseException:
        attachments.delete_files([name])
        raise
    return attachment


def _attachment_add(*, transfer: Transfer, prepared: attachments.Prepared, name: str, actor) -> TransferAttachment:
    transfer = records.lock(transfer)
    if transfer.state != TransferState.DRAFT:
        raise ValidationError(_("Bijlagen kunnen alleen bij een concept worden toegevoegd."))
    if TransferAttachment.objects.filter(transfer=transfer).count() >= attachments.MAX_PER_TRANSFER:
        raise ValidationError(_("Er kunnen hoogstens %(n)s bijlagen mee.") % {"n": attachments.MAX_PER_TRANSFER})
    attachment = TransferAttachment.objects.create(
        transfer=transfer,
        file=name,
        name=prepared.name,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        created_by=actor,
    )
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save(update_fields=["content_sha256"])
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.attachment_added",
        target=transfer,
        payload={
            "attachment": attachment.pk,
            "content_type": prepared.content_type,
            "size": prepared.size,
            "sha256": prepared.sha256,
            "content_sha256": transfer.content_sha256,
        },
    )
    return attachment


@transaction.atomic
def transfer_attachment_remove(*, attachment: TransferAttachment, actor) -> None:
    transfer = records.lock(attachment.transfer)
    if transfer.state != TransferState.DRAFT:
        raise ValidationError(_("Bijlagen kunnen alleen bij een concept worden verwijderd."))
    name, sha = attachment.file.name, attachment.sha256
    attachment_pk = attachment.pk
    attachment.delete()
    transaction.on_commit(lambda: attachments.delete_files([name]))
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save(update_fields=["content_sha256"])
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.attachment_removed",
        target=transfer,
        payload={"attachment": attachment_pk, "sha256": sha, "content_sha256": transfer.content_sha256},
    )


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, actor) -> Transfer:
    """The sender stops a prepared transfer: the content is destroyed (tombstone)."""
    transfer = records.lock(transfer)
    if transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht is al verzonden of gestopt."))
    return records.destroy(transfer=transfer, actor=actor, reason=TransferStopReason.CANCELLED, now=timezone.now())
