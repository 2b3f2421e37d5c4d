"""Carrying out the retention schedule (schedule.py): nightly per organisation, each kind
by its own period. What is removed is recorded as a PurgeRecord (ids only), so the privacy
officer sees what went and when; each anonymisation also writes its own audit event.

Nothing here touches the audit trail (kept: see schedule.py) or the append-only consent
rows: a paper form's scan is replaced by a short "removed" PDF under the same name, so
the decision keeps the SHA-256 of what was there and the page that serves it keeps
working. Received transfers are removed by the transfers' own hourly housekeeping
(transfers/retention.py), under the period each agreement sets.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accountability.anonymise import child_anonymise, guardian_anonymise
from accountability.models import AdviceNote, Incident, IncidentNotice, PurgeRecord, RetentionRun
from accountability.rights.models import RightsRequest
from accountability.schedule import Kind
from accountability.selectors import (
    children_due,
    guardians_due,
    incidents_due,
    requests_due,
    retention_schedule,
    scans_due,
)
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from ikc_share.models import Organisation

logger = logging.getLogger(__name__)
BATCH = 500  # at most this many records per kind per run; the rest follows the next night

REMOVED_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj "
    b"4 0 obj<</Length 72>>stream\nBT /F1 14 Tf 72 770 Td (Verwijderd: bewaartermijn / removed: retention) Tj ET\n"
    b"endstream endobj 5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _record(run: RetentionRun, kind: str, object_type: str, object_id, action: str) -> None:
    PurgeRecord.objects.create(
        organisation=run.organisation,
        run=run,
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        action=action,
        reason="retention",
    )


def _replace_scan(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(REMOVED_SCAN))


def retention_run(
    *, organisation: Organisation, today: datetime.date | None = None, trigger: str = "nightly"
) -> RetentionRun:
    today = today or timezone.localdate()
    schedule = retention_schedule(organisation=organisation)
    run = RetentionRun.objects.create(organisation=organisation, trigger=trigger)
    removed: dict[str, int] = {}

    def months(kind: str) -> int:
        return schedule[kind].months

    for child in children_due(organisation=organisation, today=today, months=months(Kind.CHILD_RECORDS))[:BATCH]:
        with transaction.atomic():
            if child_anonymise(child=child, actor=None, reason="retention"):
                _record(run, Kind.CHILD_RECORDS, "ikc_share.child", child.pk, PurgeRecord.Action.ANONYMISED)
                removed[Kind.CHILD_RECORDS] = removed.get(Kind.CHILD_RECORDS, 0) + 1

    for guardian in guardians_due(organisation=organisation, today=today, months=months(Kind.GUARDIAN_RECORDS))[:BATCH]:
        with transaction.atomic():
            if guardian_anonymise(guardian=guardian, actor=None, reason="retention"):
                _record(run, Kind.GUARDIAN_RECORDS, "ikc_share.guardian", guardian.pk, PurgeRecord.Action.ANONYMISED)
                removed[Kind.GUARDIAN_RECORDS] = removed.get(Kind.GUARDIAN_RECORDS, 0) + 1

    for decision in scans_due(organisation=organisation, today=today, months=months(Kind.CONSENT_EVIDENCE))[:BATCH]:
        with transaction.atomic():
            _record(
                run, Kind.CONSENT_EVIDENCE, "consent.consentdecision", decision.pk, PurgeRecord.Action.FILES_REMOVED
            )
            transaction.on_commit(lambda name=decision.scan.name: _replace_scan(name))
            removed[Kind.CONSENT_EVIDENCE] = removed.get(Kind.CONSENT_EVIDENCE, 0) + 1

    for request in requests_due(organisation=organisation, today=today, months=months(Kind.RIGHTS_REQUESTS))[:BATCH]:
        with transaction.atomic():
            stored = (request.export_json, request.export_pdf, request.released_json, request.released_pdf)
            files = [f.name for f in stored if f]
            pk = request.pk
            RightsRequest.objects.filter(pk=pk).delete()
            _record(run, Kind.RIGHTS_REQUESTS, "consent.rightsrequest", pk, PurgeRecord.Action.DELETED)
            transaction.on_commit(lambda names=files: [default_storage.delete(n) for n in names])
            removed[Kind.RIGHTS_REQUESTS] = removed.get(Kind.RIGHTS_REQUESTS, 0) + 1

    for incident in incidents_due(organisation=organisation, today=today, months=months(Kind.INCIDENTS))[:BATCH]:
        with transaction.atomic():
            pk = incident.pk
            IncidentNotice.objects.filter(incident_id=pk).delete()
            AdviceNote.objects.filter(
                organisation=organisation, subject=AdviceNote.Subject.INCIDENT, subject_id=pk
            ).delete()
            incident.children.clear()
            Incident.objects.filter(pk=pk).delete()
            _record(run, Kind.INCIDENTS, "ikc_share.incident", pk, PurgeRecord.Action.DELETED)
            removed[Kind.INCIDENTS] = removed.get(Kind.INCIDENTS, 0) + 1

    with transaction.atomic():
        run.finished_at = timezone.now()
        run.removed = removed
        run.save(update_fields=["finished_at", "removed"])
        audit_record(
            organisation=organisation,
            actor=None,
            action="retention.run",
            target=run,
            payload={"total": sum(removed.values()), **{f"removed_{k}": v for k, v in sorted(removed.items())}},
        )
    return run


def retention_run_all(*, today: datetime.date | None = None) -> int:
    """Nightly (Celery beat): every organisation, one after the other."""
    runs = 0
    for organisation in core_selectors.organisations().order_by("pk"):
        retention_run(organisation=organisation, today=today)
        runs += 1
    logger.info("retention schedule carried out for %s organisations", runs)
    return runs
