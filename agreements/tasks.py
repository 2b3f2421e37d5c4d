"""Celery tasks of the agreements app: thin, they take primary keys and call a service.

A failed render is retried; when the retries are used up it is reported (an audit
event, and for a batch the FAILED status with a message on its page). A letter is
never half-stored: see agreements.letters.storage._store and personal._store_personal."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from agreements import notifications
from agreements.letters import batches, storage

logger = logging.getLogger(__name__)

BATCH_FAILED_MESSAGE = (
    "Het maken van de brieven is mislukt (%s). Er is niets half opgeslagen. Start een nieuwe reeks; "
    "brieven die al klaar waren, worden opnieuw gebruikt."
)


@shared_task(bind=True, max_retries=3, default_retry_delay=20, acks_late=True)
def letter_generate(self, version_id: int, language: str, actor_id: int | None = None) -> int | None:
    """Render and store the generic letter of a version in one language (once)."""
    try:
        return storage.letter_generic_generate(version_id=version_id, language=language, actor_id=actor_id).pk
    except ValidationError as exc:  # a rule (e.g. the version is no longer active): no retry
        logger.warning("letter for version %s (%s) not made: %s", version_id, language, "; ".join(exc.messages))
        return None
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            storage.letter_generation_failed(
                version_id=version_id, language=language, error=type(exc).__name__, actor_id=actor_id
            )
            raise
        raise self.retry(exc=exc)


@shared_task(bind=True, max_retries=3, default_retry_delay=20, acks_late=True)
def letter_batch_run(self, batch_id: int) -> int:
    """Make every personalised letter of a batch and zip them."""
    try:
        return batches.letter_batch_run(batch_id=batch_id).pk
    except ValidationError as exc:
        batches.letter_batch_fail(batch_id=batch_id, error=" ".join(exc.messages))
        return batch_id
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            batches.letter_batch_fail(batch_id=batch_id, error=BATCH_FAILED_MESSAGE % type(exc).__name__)
            raise
        raise self.retry(exc=exc)


@shared_task
def notify_approval_requested(version_id: int) -> int:
    """After a submission: tell the directors who still have to approve the version."""
    return notifications.approval_requested_send(version_id=version_id)
