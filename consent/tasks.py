"""Celery tasks of the consent app: thin, they take primary keys and call mail.py."""

from __future__ import annotations

from celery import shared_task

from consent import mail


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_round_mails(self, round_id: int) -> int:
    """Idempotent: each e-mail is claimed before it is sent; a redelivery skips those."""
    try:
        return mail.consent_round_send(round_id=round_id)
    except OSError as exc:  # SMTP trouble: what was not sent stays pending; try again later
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def send_login_link(self, email: str) -> int:
    try:
        return mail.login_link_send(email=email)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def send_expiry_reminders() -> int:
    """Daily (Celery beat): remind guardians whose consent expires within 30 days."""
    return mail.consent_expiry_reminders_send()
