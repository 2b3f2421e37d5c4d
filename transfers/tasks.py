"""Celery tasks of the transfers: thin, they take primary keys and call mail.py or
retention.py. The housekeeping task runs from Celery beat (ikc_share/settings.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from transfers import mail, retention

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def notify_parents(self, transfer_id: int) -> int:
    """Idempotent: each e-mail is claimed before it is sent; a redelivery skips those."""
    try:
        return mail.transfer_parents_notify(transfer_id=transfer_id)
    except OSError as exc:  # SMTP trouble: try again later; what was not sent stays unclaimed
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def notify_receivers(self, received_id: int, kind: str, event: int = 0) -> int:
    try:
        return mail.received_notify(received_id=received_id, kind=kind, event=event)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def housekeeping() -> dict[str, int]:
    """Hourly (Celery beat): purge received copies past their retention term (tombstone +
    audit), remove parents' PDF copies past their term, stop prepared transfers whose
    consent was withdrawn, sweep unreferenced attachment files; then tell the receivers'
    directors and privacy contacts about copies to erase after a withdrawal (each once; SMTP
    trouble leaves them unclaimed for the next run)."""
    result = retention.housekeeping()
    try:
        result["erase_notices"] = mail.erasure_due_notify()
    except OSError:
        logger.warning("transfers: e-mail about copies to erase not sent; the next run tries again")
        result["erase_notices"] = 0
    return result
