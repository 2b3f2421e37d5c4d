"""Celery tasks of the core: thin, they take primary keys and call a service."""

from __future__ import annotations

from celery import shared_task

from . import mail, verification


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_membership_invitation(self, membership_id: int) -> bool:
    try:
        return mail.membership_invitation_send(membership_id=membership_id)
    except OSError as exc:  # SMTP trouble: try again later; nothing was marked as sent
        raise self.retry(exc=exc) from exc


@shared_task
def verify_audit_chains(trigger: str = "nightly", verification_id: int | None = None) -> int:
    return verification.verification_run(trigger=trigger, verification_id=verification_id).pk
