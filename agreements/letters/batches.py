"""Personalised paper-letter batches: every personal letter of a version and language,
made COVER_CHUNK covers at a time and zipped, with the batch's progress and outcome (the
Celery task calls `letter_batch_run`; services.letter_batch_start queues it)."""

from __future__ import annotations

import datetime
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from agreements.letters.covers import Recipient, cover_design
from agreements.letters.models import LetterBatch
from agreements.letters.personal import generic_pdf_read, letters_personal_make
from agreements.letters.selectors import batch_recipients, version_for_letter
from agreements.letters.storage import delete_quietly, letter_generic_ensure
from ikc_share import outbox
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from ikc_share.models import Child, Guardian

# Covers rendered per WeasyPrint document in a batch: the per-document cost (style setup,
# font subsetting, PDF writing) is shared, memory stays small.
COVER_CHUNK = 25

# A busy batch blocks a new one of the same version and language, but not forever: one whose
# task was handed to the broker and never started (the message was lost), or that is still
# not finished long after it was asked for, counts as stuck. While its task waits in the
# outbox for the broker to come back, it does block: it will run.
RUN_TASK = "agreements.tasks.letter_batch_run"
QUEUED_STUCK_AFTER = datetime.timedelta(minutes=15)
RUNNING_STUCK_AFTER = datetime.timedelta(hours=2)
STUCK_MESSAGE = (
    "Deze reeks is niet op tijd gestart of afgemaakt en is gestopt. Er is niets half opgeslagen. "
    "Een nieuwe reeks gebruikt de brieven die al klaar waren opnieuw."
)


def _zip_entry_name(index: int, child: Child, guardian: Guardian) -> str:
    folder = slugify(f"{child.location.name} {child.group_name}") or "kinderen"
    return f"{folder}/{index:04d}-{slugify(child.full_name)}-{slugify(guardian.full_name)}.pdf"


def letter_batch_run(*, batch_id: int) -> LetterBatch:
    """Make (or reuse) every personal letter, COVER_CHUNK covers per render, count
    progress in LetterBatch.done after each chunk, and zip them as they come. Safe to run
    again after a failure: stored letters are reused."""
    batch = LetterBatch.objects.select_related("requested_by").get(pk=batch_id)
    if batch.status in (LetterBatch.Status.DONE, LetterBatch.Status.FAILED):  # a late or second delivery
        return batch
    version = version_for_letter(batch.version_id)
    actor, language = batch.requested_by, batch.language
    ships = list(batch_recipients(version))
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=LetterBatch.Status.RUNNING, total=len(ships), done=0, error=""
    )
    generic = letter_generic_ensure(version=version, language=language, actor=actor)
    generic_pdf = generic_pdf_read(generic)
    design = cover_design(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:  # large batches spill to disk
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            done = 0
            for start in range(0, len(ships), COVER_CHUNK):
                chunk = ships[start : start + COVER_CHUNK]
                made = letters_personal_make(
                    version=version,
                    language=language,
                    generic=generic,
                    generic_pdf=generic_pdf,
                    recipients=[Recipient(child=s.child, guardian=s.guardian) for s in chunk],
                    actor=actor,
                    design=design,
                )
                for ship, (letter, pdf) in zip(chunk, made, strict=True):
                    done += 1
                    if pdf is None:  # stored by an earlier batch
                        with letter.file.open("rb") as fh:
                            pdf = fh.read()
                    archive.writestr(_zip_entry_name(done, ship.child, ship.guardian), pdf)
                LetterBatch.objects.filter(pk=batch.pk).update(done=done)
        spool.seek(0)
        zip_name = default_storage.save(
            f"letter-batches/batch-{batch.pk}-v{version.pk}-{language}-{uuid.uuid4().hex[:12]}.zip",
            File(spool),
        )
    try:
        with transaction.atomic():
            current = LetterBatch.objects.select_for_update().get(pk=batch.pk)
            if current.status == LetterBatch.Status.DONE:  # a redelivered copy of this task finished first
                delete_quietly([zip_name])
                return current
            LetterBatch.objects.filter(pk=batch.pk).update(
                status=LetterBatch.Status.DONE,
                file=zip_name,
                done=len(ships),
                total=len(ships),
                finished_at=timezone.now(),
                error="",
            )
            batch.refresh_from_db()
            audit_record(
                organisation=version.agreement.sending_organisation,
                actor=actor,
                action="letter_batch.finished",
                target=batch,
                payload={"version": version.pk, "language": language, "letters": len(ships)},
            )
    except BaseException:
        delete_quietly([zip_name])
        raise
    return batch


# Sections another app adds to the batch page (the consent app: "handed over"), so that
# this app never imports it. provider(batch=..., user=...) returns None or a dict with
# "template" plus what that template needs.
_batch_sections: list[Callable[..., dict[str, Any] | None]] = []


def register_batch_section(provider: Callable[..., dict[str, Any] | None]) -> None:
    if provider not in _batch_sections:
        _batch_sections.append(provider)


def batch_sections(*, batch: LetterBatch, user: Any) -> list[dict[str, Any]]:
    return [section for provider in _batch_sections if (section := provider(batch=batch, user=user))]


def letter_batch_fail(*, batch_id: int, error: str) -> None:
    """Mark a batch as failed for good, with a message the director can read."""
    batch = LetterBatch.objects.select_related("version__agreement__sending_organisation").filter(pk=batch_id).first()
    if batch is None or batch.status == LetterBatch.Status.DONE:
        return
    with transaction.atomic():
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=LetterBatch.Status.FAILED, error=error, finished_at=timezone.now()
        )
        audit_record(
            organisation=batch.version.agreement.sending_organisation,
            actor=None,
            action="letter_batch.failed",
            target=batch,
            payload={"version": batch.version_id, "language": batch.language},
        )


def batch_is_stuck(batch: LetterBatch, *, now: datetime.datetime | None = None) -> bool:
    """A queued or running batch that will not finish by itself (see QUEUED_STUCK_AFTER)."""
    if batch.status not in (LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING):
        return False
    now = now or timezone.now()
    sending = outbox.message_state(RUN_TASK, batch.pk)
    if sending is not None and sending.pending:  # waits for the broker: it runs when it is back
        return False
    if batch.status == LetterBatch.Status.QUEUED:
        handed_over = sending.dispatched_at if sending is not None and sending.dispatched_at else batch.created_at
        return now - handed_over > QUEUED_STUCK_AFTER
    return now - batch.created_at > RUNNING_STUCK_AFTER


def batch_in_the_way(*, version_id: int, language: str) -> LetterBatch | None:
    """The busy batch that a new one of this version and language has to wait for, or None.
    Stuck batches are marked failed on the way (with an audit event), so they never block."""
    busy = LetterBatch.objects.filter(
        version_id=version_id,
        language=language,
        status__in=[LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING],
    ).order_by("created_at")
    for batch in busy:
        if not batch_is_stuck(batch):
            return batch
        letter_batch_fail(batch_id=batch.pk, error=STUCK_MESSAGE)
    return None
