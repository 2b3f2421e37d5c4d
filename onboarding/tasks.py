"""Celery tasks of onboarding: thin, they take primary keys and call delivery/importing."""

from __future__ import annotations

from celery import shared_task

from onboarding import delivery, importing


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def deliver_invitation(self, invitation_id: int) -> bool:
    try:
        return delivery.invitation_deliver(invitation_id=invitation_id)
    except OSError as exc:  # SMTP trouble: try again later; nothing was marked as sent
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def check_import(job_id: int) -> bool:
    return importing.import_job_check(job_id=job_id)


@shared_task(acks_late=True)
def run_import(job_id: int) -> bool:
    return importing.import_job_execute(job_id=job_id)


@shared_task
def purge_stale_imports() -> int:
    return importing.stale_imports_purge()
