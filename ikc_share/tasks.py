"""Celery tasks of the core: thin, they take primary keys and call a service."""

from __future__ import annotations

from celery import shared_task

from ikc_share import outbox, verification


@shared_task
def verify_audit_chains(trigger: str = "nightly", verification_id: int | None = None) -> int:
    return verification.verification_run(trigger=trigger, verification_id=verification_id).pk


@shared_task
def outbox_dispatch() -> int:
    """Every minute (Celery beat): send the queued work that did not reach the broker at
    commit (it was away), and forget messages sent a week ago."""
    sent = outbox.dispatch_pending()
    outbox.purge_dispatched()
    return sent
