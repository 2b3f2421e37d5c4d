"""Celery tasks of the accountability pages: thin, they take primary keys and call a job.
A job that fails marks its row as failed (the page says so) and the error propagates."""

from __future__ import annotations

from celery import shared_task

from accountability import jobs, notifications, retention
from accountability.rights import export as rights_export
from accountability.rights import release as rights_release


@shared_task(acks_late=True)
def verify_organisation_chain(job_id: int) -> int:
    try:
        return jobs.verification_job_run(job_id=job_id).pk
    except Exception as exc:
        jobs.verification_job_fail(job_id=job_id, error=str(exc))
        raise


@shared_task(acks_late=True)
def build_audit_report(report_id: int) -> int:
    try:
        return jobs.audit_report_run(report_id=report_id).pk
    except Exception as exc:
        jobs.audit_report_fail(report_id=report_id, error=str(exc))
        raise


@shared_task(acks_late=True)
def build_access_export(request_id: int) -> int:
    try:
        return rights_export.export_build(request_id=request_id).pk
    except Exception:
        rights_export.export_failed(request_id=request_id)
        raise


@shared_task(acks_late=True)
def release_access_export(request_id: int) -> int:
    """Build the released access export after the handler's review (art. 15(4))."""
    try:
        return rights_release.release_build(request_id=request_id).pk
    except Exception:
        rights_release.release_failed(request_id=request_id)
        raise


@shared_task
def retention_nightly() -> int:
    """Nightly (Celery beat): carry out each organisation's retention schedule."""
    return retention.retention_run_all()


@shared_task
def rights_reminders_daily() -> int:
    """Daily (Celery beat): remind whoever handles a rights request before its deadline."""
    return jobs.rights_reminders_send()


@shared_task
def notify_rights_request_filed(request_id: int) -> int:
    """A rights request came in: tell its handlers (directors and privacy contacts)."""
    return notifications.rights_request_filed_send(request_id=request_id)
