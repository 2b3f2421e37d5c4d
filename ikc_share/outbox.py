"""The transactional outbox: background work that a state change asks for is written to
the database in the same transaction (an OutboxMessage), and sent to the broker after
commit. When the broker (Redis) is away, the page still succeeds: the message waits in
the database and the periodic dispatcher (ikc_share.tasks.outbox_dispatch, every minute
from Celery beat; or `manage.py dispatch_outbox`) sends it when the broker is back.

Delivery is at least once: a message is marked dispatched only after apply_async
returned, so a crash in between sends it again. Every task queued here is idempotent
(it claims its work, e.g. one e-mail per recipient, before doing it).

With CELERY_TASK_ALWAYS_EAGER (the tests) the task runs on commit as before, and its
exceptions propagate as they did with .delay().
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

import redis.exceptions
from celery import Task
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from ikc_share.celery import app
from ikc_share.models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises from apply_async.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError, redis.exceptions.RedisError, OSError)
LEASE = datetime.timedelta(minutes=5)  # a claimed message belongs to its dispatcher this long
RETRY_AFTER_ERROR = datetime.timedelta(minutes=10)  # after an error that is not the broker's
KEEP_DISPATCHED = datetime.timedelta(days=7)
CHUNK = 50
# Right after commit, one quick try: a page never waits long for a broker that is away.
QUICK_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

SENT, BROKER_DOWN, FAILED = "sent", "broker_down", "failed"


def _name(task: Task | str) -> str:
    return task if isinstance(task, str) else task.name


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue `task(*args, **kwargs)` as part of the current transaction (arguments must
    be JSON: primary keys, codes). Sent once the transaction commits; never raises for
    a broker that is away."""
    message = OutboxMessage.objects.create(task=_name(task), args=list(args), kwargs=kwargs)
    pk = message.pk
    transaction.on_commit(lambda: dispatch_one(pk))
    return message


def dispatch_one(pk: int) -> bool:
    """Send one message now (after commit), unless it was sent or another dispatcher holds
    it. True when it reached the broker."""
    if not _claim([pk]):
        return False
    message = OutboxMessage.objects.filter(pk=pk).first()
    return message is not None and _send(message, retry_policy=QUICK_RETRY_POLICY) == SENT


def dispatch_pending(*, limit: int = 1000) -> int:
    """Send what is waiting, oldest first, CHUNK at a time (claimed with SKIP LOCKED on
    PostgreSQL, so dispatchers running side by side never send one message twice). Stops
    at the first broker error: the rest waits for the next run. Returns how many were sent."""
    sent = tried = 0
    while tried < limit:
        batch = _claim_chunk(min(CHUNK, limit - tried))
        if not batch:
            break
        for index, message in enumerate(batch):
            tried += 1
            try:
                outcome = _send(message)
            except BaseException:  # eager mode: the task's own error; hand back the rest
                _unclaim(batch[index + 1 :])
                raise
            if outcome == BROKER_DOWN:
                _unclaim(batch[index + 1 :])
                return sent
            sent += outcome == SENT
    return sent


def purge_dispatched(*, older_than: datetime.timedelta = KEEP_DISPATCHED) -> int:
    """Remove messages sent longer ago than `older_than`."""
    deleted, _ = OutboxMessage.objects.filter(dispatched_at__lt=timezone.now() - older_than).delete()
    return deleted


@dataclass(frozen=True)
class MessageState:
    pending: bool  # not yet handed to the broker
    dispatched_at: datetime.datetime | None


def message_state(task: Task | str, *args: Any) -> MessageState | None:
    """The state of the newest message for `task(*args)`, or None (never queued, or
    purged long after it was sent)."""
    message = (
        OutboxMessage.objects.filter(task=_name(task), args=list(args)).order_by("-id").values("dispatched_at").first()
    )
    if message is None:
        return None
    return MessageState(pending=message["dispatched_at"] is None, dispatched_at=message["dispatched_at"])


def pending_count() -> int:
    return OutboxMessage.objects.filter(dispatched_at__isnull=True).count()


# --- internals ---------------------------------------------------------------------------------


def _claim(ids: list[int]) -> int:
    """Take messages that are free now: move them a lease ahead. The condition in the
    UPDATE makes the claim atomic: of two dispatchers, one gets the row."""
    now = timezone.now()
    return OutboxMessage.objects.filter(pk__in=ids, dispatched_at__isnull=True, available_at__lte=now).update(
        available_at=now + LEASE, attempts=F("attempts") + 1
    )


def _claim_chunk(size: int) -> list[OutboxMessage]:
    with transaction.atomic():
        free = OutboxMessage.objects.filter(dispatched_at__isnull=True, available_at__lte=timezone.now())
        if connection.features.has_select_for_update_skip_locked:
            free = free.select_for_update(skip_locked=True)
        ids = list(free.order_by("id").values_list("pk", flat=True)[:size])
        if not ids or not _claim(ids):
            return []
    return list(OutboxMessage.objects.filter(pk__in=ids, dispatched_at__isnull=True).order_by("id"))


def _unclaim(messages: list[OutboxMessage]) -> None:
    """Hand back claimed messages that were not tried."""
    if messages:
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], dispatched_at__isnull=True).update(
            available_at=timezone.now(), attempts=F("attempts") - 1
        )


def _task(name: str) -> Task:
    try:
        return app.tasks[name]
    except KeyError:  # a process that did not import every tasks module yet
        app.loader.import_default_modules()
        return app.tasks[name]


def _send(message: OutboxMessage, *, retry_policy: dict | None = None) -> str:
    options = {"retry_policy": retry_policy} if retry_policy else {}
    try:
        task = _task(message.task)
    except KeyError as exc:  # NotRegistered: a deploy without that task yet? Kept, tried later.
        _put_back(message, exc, after=RETRY_AFTER_ERROR)
        logger.error("outbox: no task %s (message %s); tried again later", message.task, message.pk)
        return FAILED
    try:
        task.apply_async(args=message.args, kwargs=message.kwargs, **options)
    except Exception as exc:
        if app.conf.task_always_eager:  # the task ran here and failed, as on a worker: sent
            _mark_sent(message, error=_error(exc))
            raise
        if isinstance(exc, BROKER_ERRORS):  # free again at once: the next run tries
            _put_back(message, exc, after=datetime.timedelta(0))
            logger.warning("outbox: broker unreachable; %s (message %s) waits: %s", message.task, message.pk, exc)
            return BROKER_DOWN
        # Anything else (arguments the serializer refuses, …): tried again later, never dropped.
        _put_back(message, exc, after=RETRY_AFTER_ERROR)
        logger.exception("outbox: could not send %s (message %s)", message.task, message.pk)
        return FAILED
    _mark_sent(message)
    return SENT


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _put_back(message: OutboxMessage, exc: BaseException, *, after: datetime.timedelta) -> None:
    OutboxMessage.objects.filter(pk=message.pk, dispatched_at__isnull=True).update(
        available_at=timezone.now() + after, last_error=_error(exc)
    )


def _mark_sent(message: OutboxMessage, *, error: str = "") -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(dispatched_at=timezone.now(), last_error=error)
