"""Background work called by the Celery tasks (tasks.py): the verification of one
organisation's chain, the PDF audit report of a period, and the reminders to whoever
handles a rights request before its deadline. Each job claims its row first (a redelivered
task does nothing twice) and writes its progress as it goes, so the pages can show it.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accountability import reports, sentences
from accountability.audit_browser import AuditQuery, audit_events
from accountability.deadlines import deadline_state
from accountability.models import AuditReport, VerificationJob
from accountability.rights import selectors as rights_selectors
from accountability.rights.models import RightsRequest
from ikc_share import mail
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record, chain_for
from ikc_share.audit_verify import verify_chains
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from ikc_share.models import AuditEvent

logger = logging.getLogger(__name__)
REMINDER_DAYS = (7, 1, 0)  # reminded when this many days (or fewer) are left, once per step


# --- Verification -------------------------------------------------------------------------------


def verification_job_run(*, job_id: int) -> VerificationJob:
    """Run the verifier over one organisation's chain, writing progress as it goes."""
    claimed = VerificationJob.objects.filter(pk=job_id, status=VerificationJob.Status.QUEUED).update(
        status=VerificationJob.Status.RUNNING
    )
    job = VerificationJob.objects.select_related("organisation").get(pk=job_id)
    if not claimed:
        return job  # a redelivered task: the first delivery runs it
    chain = chain_for(job.organisation)
    job.total = core_selectors.audit_chain_heads(chain=chain).values_list("seq", flat=True).first() or 0
    job.save(update_fields=["total"])

    def progress(done: int) -> None:
        VerificationJob.objects.filter(pk=job_id).update(done=done)

    try:
        result = verify_chains(chains=[chain], progress=progress)
    except Exception as exc:
        VerificationJob.objects.filter(pk=job_id).update(
            status=VerificationJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        job.status = VerificationJob.Status.DONE
        job.ok = result.ok
        job.events = result.events
        job.done = result.events
        job.report = "\n".join(str(p) for p in result.first_per_chain())
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "ok", "events", "done", "report", "finished_at"])
        audit_record(
            organisation=job.organisation,
            actor=None,
            action="audit.verified",
            target=job,
            payload={"ok": result.ok, "events": result.events},
        )
    return job


def verification_job_fail(*, job_id: int, error: str) -> None:
    VerificationJob.objects.filter(pk=job_id).exclude(status=VerificationJob.Status.DONE).update(
        status=VerificationJob.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


# --- The audit report ---------------------------------------------------------------------------


def audit_report_run(*, report_id: int) -> AuditReport:
    """Build the PDF of one period: summary counts, the chain's state, and the events in
    words (the first MAX_REPORT_EVENTS; the CSV export holds them all)."""
    claimed = AuditReport.objects.filter(pk=report_id, status=AuditReport.Status.QUEUED).update(
        status=AuditReport.Status.RUNNING
    )
    report = AuditReport.objects.select_related("organisation", "requested_by").get(pk=report_id)
    if not claimed:
        return report
    organisation = report.organisation
    query = AuditQuery(date_from=report.date_from, date_to=report.date_to)
    events_qs = audit_events(organisation=organisation, query=query)
    count = events_qs.count()
    listed = min(count, reports.MAX_REPORT_EVENTS)
    # Steps: each listed event, plus the verification and the rendering (counted as a tenth).
    report.total = listed + max(1, listed // 10) * 2
    report.save(update_fields=["total"])
    summary = reports.report_summary(organisation=organisation, query=query)
    verified = verify_chains(chains=[chain_for(organisation)])
    done = max(1, listed // 10)
    AuditReport.objects.filter(pk=report_id).update(done=done)
    rows: list[AuditEvent] = []
    last_id = 0
    while len(rows) < listed:
        chunk = list(events_qs.filter(id__gt=last_id).order_by("id")[: min(reports.REPORT_CHUNK, listed - len(rows))])
        if not chunk:
            break
        sentences.describe(chunk, organisation=organisation)
        rows.extend(chunk)
        last_id = chunk[-1].id
        done += len(chunk)
        AuditReport.objects.filter(pk=report_id).update(done=done)
    bounds = events_qs.order_by("id").values_list("seq", "hash")
    first = bounds.first()
    last = events_qs.order_by("-id").values_list("seq", "hash").first()
    pdf = reports.render_report_pdf(
        {
            "organisation": organisation,
            "report": report,
            "generated_at": timezone.now(),
            "count": count,
            "listed": len(rows),
            "events": rows,
            "summary": summary,
            "verified": verified,
            "first": first,
            "last": last,
        }
    )
    name = f"auditrapport-{organisation.pk}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}-{report.pk}.pdf"
    with transaction.atomic():
        report.file.save(name, ContentFile(pdf), save=False)
        report.sha256 = reports.sha256_bytes(pdf)
        report.status = AuditReport.Status.DONE
        report.done = report.total
        report.finished_at = timezone.now()
        report.save(update_fields=["file", "sha256", "status", "done", "finished_at"])
        audit_record(
            organisation=organisation,
            actor=None,
            action="audit_report.finished",
            target=report,
            payload={"events": count, "listed": len(rows), "sha256": report.sha256},
        )
    return report


def audit_report_fail(*, report_id: int, error: str) -> None:
    AuditReport.objects.filter(pk=report_id).exclude(status=AuditReport.Status.DONE).update(
        status=AuditReport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


# --- Reminders about rights requests ------------------------------------------------------------


def _reminder_due(request: RightsRequest, today: datetime.date) -> bool:
    state = deadline_state(request.due_on, today)
    for threshold in sorted(REMINDER_DAYS):  # the most urgent step reached
        if state.days_left <= threshold:
            step_day = request.due_on - datetime.timedelta(days=threshold)
            return request.reminded_on is None or request.reminded_on < step_day
    return False


def _recipients(request: RightsRequest) -> list[str]:
    if request.assignee_id and request.assignee.email and request.assignee.is_active:
        return [request.assignee.email]
    handlers = core_selectors.memberships().filter(organisation_id=request.organisation_id, is_active=True).filter(
        role=MembershipRole.DIRECTOR
    ) | core_selectors.memberships().filter(
        organisation_id=request.organisation_id, is_active=True, is_privacy_contact=True, role=MembershipRole.STAFF
    )
    return sorted({m.user.email for m in handlers.select_related("user") if m.user.email})


def rights_reminders_send(*, today: datetime.date | None = None) -> int:
    """Daily (Celery beat): remind the assignee (or, without one, the director and privacy
    contacts) 7 days and 1 day before the deadline and on the day itself or after. Each
    reminder is claimed first (reminded_on), so it is sent once."""
    today = today or timezone.localdate()
    sent = 0
    for request in rights_selectors.due_for_reminder(today=today):
        if not _reminder_due(request, today):
            continue
        with transaction.atomic():
            claimed = (
                RightsRequest.objects.filter(pk=request.pk)
                .exclude(reminded_on=today)
                .filter(reminded_on=request.reminded_on)
                .update(reminded_on=today)
            )
            if not claimed:
                continue
            to = _recipients(request)
            state = deadline_state(request.due_on, today)
            if to:
                mail.send_templated(
                    to=to,
                    template="accountability_rights_reminder",
                    context={
                        "request": request,
                        "state": state,
                        "kind": request.get_kind_display(),
                        "link": settings.SITE_URL + reverse("consent:rights-detail", kwargs={"pk": request.pk}),
                    },
                )
            audit_record(
                organisation=request.organisation,
                actor=None,
                action="rights_request.reminder_sent",
                target=request,
                payload={"days_left": state.days_left, "recipients": len(to), "child": request.child_id},
            )
            sent += 1
    logger.info("rights request reminders sent: %s", sent)
    return sent
