"""Running a job: the dry run (check) and the import itself. Called by the Celery tasks.

The import is all-or-nothing: the rows are read and checked first (progress is written
as it goes), then everything is compared and written in ONE transaction that also marks
the job done and writes its audit event. Any problem or error: nothing is written.
The uploaded file is deleted when the job ends.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import bulk
from ikc_share.audit import audit_record
from onboarding import rules, selectors
from onboarding.models import ImportJob
from onboarding.reading import Table, read_normalised

if TYPE_CHECKING:
    from ikc_share.models import Organisation

logger = logging.getLogger(__name__)
BATCH = 1000
Status = ImportJob.Status


def _table(job: ImportJob) -> Table:
    with job.file.open("rb") as fh:
        return read_normalised(fh.read())


def _progress(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def _check(job: ImportJob) -> rules.Checked:
    table = _table(job)
    _progress(job.pk, progress_total=len(table.rows), progress_done=0, phase="checking")
    return rules.check_rows(
        table=table,
        columns=job.columns,
        organisation_kind=job.organisation.kind,
        locations=selectors.location_infos(job.organisation),
        default_location_id=job.default_location_id,
        today=timezone.localdate(),
        on_progress=lambda n: _progress(job.pk, progress_done=n),
    )


def discard_file(job: ImportJob) -> None:
    """The upload is only needed while the job runs."""
    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(file="")


def _fail(job: ImportJob, *, message: str, reason: str) -> None:
    with transaction.atomic():
        updated = (
            ImportJob.objects.filter(pk=job.pk)
            .exclude(status__in=ImportJob.ENDED)
            .update(status=Status.FAILED, error=message, finished_at=timezone.now(), phase="")
        )
        if updated:
            audit_record(
                organisation=job.organisation,
                actor=None,
                action="import.failed",
                target=job,
                payload={"job": job.pk, "reason": reason},
            )
    discard_file(job)


def import_job_check(*, job_id: int) -> bool:
    """The dry run: what would be created, updated or left unchanged, and every problem."""
    job = ImportJob.objects.select_related("organisation").filter(pk=job_id, status=Status.CHECKING).first()
    if job is None:
        return False
    try:
        checked = _check(job)
        plan = rules.plan_import(checked=checked, existing=selectors.existing_records(job.organisation))
    except Exception:
        logger.exception("import %s: check failed", job_id)
        _fail(
            job,
            message=_("Het controleren van het bestand is mislukt. Probeer het opnieuw of upload het bestand opnieuw."),
            reason="error",
        )
        return False
    counts = plan.counts()
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job_id, status=Status.CHECKING).first()
        if locked is None:  # cancelled or re-mapped meanwhile
            return False
        locked.status = Status.CHECKED
        locked.summary = counts
        locked.problems = [asdict(p) for p in checked.problems]
        locked.problem_count = checked.problem_count
        locked.warnings = checked.warnings
        locked.missing_child_ids = plan.missing_child_ids
        locked.progress_done = locked.progress_total
        locked.phase = ""
        locked.save()
        audit_record(
            organisation=job.organisation,
            actor=None,
            action="import.checked",
            target=locked,
            payload={"job": job.pk, "problems": checked.problem_count, **counts},
        )
    return True


def import_job_execute(*, job_id: int) -> bool:
    job = (
        ImportJob.objects.select_related("organisation")
        .filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING])
        .first()
    )
    # A second delivery of the task (at least once) must not reopen a job that just ended.
    started = ImportJob.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, started_at=timezone.now(), phase="checking", progress_done=0
    )
    if job is None or not started:
        return False
    try:
        checked = _check(job)
        if checked.problem_count:
            _fail(
                job,
                message=_(
                    "Bij het importeren gaf het bestand nu %(n)s probleem/problemen (de gegevens zijn "
                    "intussen veranderd). Er is niets geïmporteerd; upload het bestand opnieuw."
                )
                % {"n": checked.problem_count},
                reason="problems",
            )
            return False
        _progress(job_id, phase="saving", progress_done=len(checked.children))
        with transaction.atomic():
            # One import per organisation at a time; compare with what is there now.
            organisation = bulk.organisation_lock(organisation_id=job.organisation_id)
            locked = ImportJob.objects.select_for_update().filter(pk=job_id, status=Status.RUNNING).first()
            if locked is None:
                return False
            plan = rules.plan_import(checked=checked, existing=selectors.existing_records(organisation))
            apply_plan(plan, organisation=organisation)
            counts = plan.counts()
            locked.status = Status.DONE
            locked.summary = counts
            locked.missing_child_ids = plan.missing_child_ids
            locked.problems = []
            locked.finished_at = timezone.now()
            locked.phase = ""
            locked.save()
            audit_record(
                organisation=organisation,
                actor=locked.confirmed_by,
                action="import.completed",
                target=locked,
                payload={"job": job.pk, **counts},
            )
    except Exception:
        logger.exception("import %s failed", job_id)
        _fail(
            job,
            message=_("Er ging iets mis bij het importeren. Er is niets veranderd; probeer het later opnieuw."),
            reason="error",
        )
        return False
    discard_file(job)
    return True


def _grouped_updates(updates) -> dict[tuple[str, ...], list]:
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for pk, changes in updates:
        groups[tuple(sorted(changes))].append((pk, changes))
    return groups


def apply_plan(plan: rules.Plan, *, organisation: Organisation) -> None:
    """Write a plan (through the core's bulk writers). Runs inside the caller's transaction."""
    child_ids = bulk.children_bulk_create(
        organisation=organisation,
        rows=[{"external_id": c.external_id, **c.values} for c in plan.child_creates],
        batch_size=BATCH,
    )
    new_child_ids = {c.external_id: pk for c, pk in zip(plan.child_creates, child_ids, strict=True)}
    for fields, items in _grouped_updates(plan.child_updates).items():
        bulk.children_bulk_update(items=items, fields=fields, batch_size=BATCH)

    keys = list(plan.guardian_creates)
    guardian_ids = bulk.guardians_bulk_create(
        organisation=organisation, rows=[plan.guardian_creates[k] for k in keys], batch_size=BATCH
    )
    new_guardian_ids = dict(zip(keys, guardian_ids, strict=True))
    for fields, items in _grouped_updates(plan.guardian_updates.items()).items():
        bulk.guardians_bulk_update(items=items, fields=fields, batch_size=BATCH)

    def guardian_id(ref) -> int:
        return ref if isinstance(ref, int) else new_guardian_ids[ref]

    def child_id(ref) -> int:
        return ref if isinstance(ref, int) else new_child_ids[ref[1]]

    bulk.guardianships_bulk_create(
        links=[(guardian_id(g), child_id(c), authority) for g, c, authority in plan.link_creates], batch_size=BATCH
    )
    by_value: dict[bool, list[int]] = defaultdict(list)
    for pk, authority in plan.link_updates:
        by_value[authority].append(pk)
    for authority, pks in by_value.items():
        bulk.guardianships_authority_set(ids=pks, authority=authority, batch_size=BATCH)


def stale_imports_purge(*, older_than_days: int = 7) -> int:
    """Delete the uploads of jobs that were left unfinished for a week (nightly)."""
    count = 0
    for job in selectors.stale_jobs(older_than_days=older_than_days).select_related("organisation"):
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).exclude(status__in=ImportJob.ENDED).update(
                status=Status.CANCELLED, finished_at=timezone.now()
            )
            ImportJob.objects.filter(pk=job.pk).update(problems=[])
            audit_record(
                organisation=job.organisation, actor=None, action="import.expired", target=job, payload={"job": job.pk}
            )
        discard_file(job)
        count += 1
    return count
