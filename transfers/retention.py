"""Retention and housekeeping, run by the Celery beat task (transfers/tasks.py):

- a received copy whose retention term (the agreement version's retention_months, counted
  from receipt) has passed loses its content, envelope and attachments; a tombstone stays
  (categories, when it arrived, the SHA-256 of what was removed, when it was removed) and an
  AuditEvent is written in the receiver's chain;
- a PDF copy that parents asked for when they refused is removed after its term;
- a prepared transfer whose consent was since refused or withdrawn (or an objection upheld)
  is stopped and its content destroyed;
- attachment files that no row refers to (left by a rolled-back transaction) are deleted.
Each item runs in its own transaction, so one failure does not undo the others.
"""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from agreements import rules
from ikc_share.audit import audit_record
from ikc_share.services import child_lock
from transfers import attachments, records
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment
from transfers.records import PENDING


@transaction.atomic
def received_purge(*, received: ReceivedTransfer, at: datetime.datetime | None = None) -> bool:
    """Remove a received copy whose retention term has passed. False if it is not due (or
    already removed)."""
    at = at or timezone.now()
    received = ReceivedTransfer.objects.select_for_update().get(pk=received.pk)
    if received.is_removed or received.retention_until >= rules.local_date(at):
        return False
    files = records.tombstone(received, removal=ReceivedTransfer.Removal.RETENTION, now=at)
    audit_record(
        organisation=received.organisation,
        actor=None,
        action="transfer.purged",
        target=received,
        payload={
            "transfer": received.transfer_id,
            "categories": list(received.category_codes),
            "received_at": received.received_at.isoformat(),
            "retention_until": received.retention_until.isoformat(),
            "removed_content_sha256": received.removed_content_sha256,
            "attachments": len(files),
        },
    )
    return True


@transaction.atomic
def parent_pdf_expire(*, transfer: Transfer, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    transfer = records.lock(transfer)
    if not transfer.parent_pdf or transfer.parent_pdf_until is None or transfer.parent_pdf_until > at:
        return False
    name = transfer.parent_pdf.name
    transfer.parent_pdf = ""
    transfer.save(update_fields=["parent_pdf"])
    transaction.on_commit(lambda: attachments.delete_files([name]))
    audit_record(
        organisation=transfer.sending_organisation,
        actor=None,
        action="transfer.parent_copy_removed",
        target=transfer,
        payload={"child": transfer.child_id},
    )
    return True


def pending_recheck(*, transfer: Transfer, at: datetime.datetime | None = None) -> bool:
    """A transfer waiting with the parents whose consent was since refused or withdrawn
    (or an objection upheld): destroy the prepared content. True when destroyed."""
    with transaction.atomic():
        child = child_lock(child=transfer.child)
        transfer = records.lock(transfer)
        transfer.child = child
        if transfer.state not in PENDING:
            return False
        now = at or timezone.now()
        reason = records.parents_said_no(transfer=transfer, at=now)
        if not reason:
            return False
        records.destroy(transfer=transfer, actor=None, reason=reason, now=now)
        return True


def housekeeping(*, at: datetime.datetime | None = None) -> dict[str, int]:
    """What the beat task runs: purge received copies past their retention term, remove
    parents' PDF copies past their term, stop prepared transfers whose consent was withdrawn,
    and sweep attachment files that no row refers to. Each item in its own transaction."""
    at = at or timezone.now()
    today = rules.local_date(at)
    purged = sum(
        int(received_purge(received=r, at=at))
        for r in ReceivedTransfer.objects.filter(removed_at__isnull=True, retention_until__lt=today).order_by("pk")
    )
    pdfs = sum(
        int(parent_pdf_expire(transfer=t, at=at))
        for t in Transfer.objects.exclude(parent_pdf="").filter(parent_pdf_until__lte=at).order_by("pk")
    )
    stopped = sum(
        int(pending_recheck(transfer=t, at=at))
        for t in Transfer.objects.filter(state__in=PENDING).select_related("version", "child").order_by("pk")
    )
    swept = orphan_files_sweep(at=at)
    return {"purged": purged, "parent_pdfs": pdfs, "stopped": stopped, "swept": swept}


ORPHAN_AGE = datetime.timedelta(hours=1)


PARENT_COPIES = "transfers/parent-copies"


def orphan_files_sweep(*, at: datetime.datetime | None = None) -> int:
    """Files that no row refers to (left by a transaction that rolled back after the file
    was written: attachments, parents' PDF copies) and older than an hour are deleted."""
    at = at or timezone.now()
    referenced = set(
        TransferAttachment.objects.filter(file__startswith=attachments.FOLDER + "/").values_list("file", flat=True)
    ) | set(Transfer.objects.filter(parent_pdf__startswith=PARENT_COPIES + "/").values_list("parent_pdf", flat=True))
    removed = 0
    for folder in (attachments.FOLDER, PARENT_COPIES):
        try:
            _dirs, names = default_storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            continue
        for name in names:
            path = f"{folder}/{name}"
            if path in referenced:
                continue
            try:
                modified = default_storage.get_modified_time(path)
            except (OSError, NotImplementedError):
                continue
            if at - modified >= ORPHAN_AGE:
                attachments.delete_files([path])
                removed += 1
    return removed
