"""Writing, claiming and carrying out outbox messages.

``outbox_enqueue`` is called inside the transaction that changes local state;
the task that carries the message out is queued only after that transaction
commits. A message is *claimed* before its handler runs by pushing its
``next_attempt_at`` past a lease, in a short transaction of its own, so two
copies of the task (a redelivery, the sweeper) never run one message at the
same time, and a worker that dies mid-call leaves a message the sweeper finds
again once the lease is over. Handlers must be safe to run twice.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from subscriber_service.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]
HANDLERS: dict[str, Handler] = {}

MAX_ATTEMPTS = 15
BACKOFF_BASE_SECONDS = 5
# Shorter than the broker's visibility timeout (3600 s), so a delayed retry is
# never handed out twice by Redis.
BACKOFF_MAX_SECONDS = 600


class RetryLater(Exception):
    """The handler met an error that can clear (timeout, 429, 5xx): try again later."""


class GiveUp(Exception):
    """The handler met an error that will not clear (invalid address, compliance state)."""


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def outbox_enqueue(
    *, kind: str, subscriber_id: int | None = None, payload: dict | None = None
) -> OutboxMessage:
    """Write a message in the current transaction; queue its task once it commits."""
    message = OutboxMessage.objects.create(
        kind=kind, subscriber_id=subscriber_id, payload=payload or {}
    )
    outbox_queue_on_commit(message.pk)
    return message


def outbox_queue_on_commit(message_id: int, *, using: str | None = None) -> None:
    """Queue the task of a message written in the current transaction, once it commits.

    For a message inserted by other means than :func:`outbox_enqueue` (the
    one-statement signup); outside a transaction, the row is already
    committed and the task is queued now.
    """
    transaction.on_commit(lambda: _queue(message_id, countdown=0), using=using)


def _queue(message_id: int, *, countdown: float) -> None:
    from subscriber_service.outbox.tasks import outbox_deliver

    try:
        outbox_deliver.apply_async(args=[message_id], countdown=countdown)
    except Exception:  # a broker outage must not fail the request
        # The row is committed: the sweeper queues it once the broker is back.
        logger.warning("outbox message %s not queued; the sweeper will", message_id)


def lease() -> timedelta:
    """How long a claimed message is left alone before the sweeper may try it again.

    ``OUTBOX_LEASE_SECONDS`` (3 minutes by default): longer than any handler
    runs (a Mailchimp call waits at most about a minute for a connection slot
    plus its own timeout), and as short as that allows, since it is how long a
    message claimed by a worker that died waits to be tried again.
    """
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with full jitter, capped below the broker's visibility timeout."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not secrecy)


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = now + lease()
        message.save(update_fields=["attempts", "next_attempt_at"])
    return message


def outbox_deliver_message(*, message_id: int) -> str:
    """Carry out one message if it is due and not claimed; return what happened."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    handler = HANDLERS.get(message.kind)
    try:
        if handler is None:
            raise GiveUp(f"no handler for {message.kind!r}")
        handler(message)
    except RetryLater as error:
        if message.attempts >= MAX_ATTEMPTS:
            _finish(message, OutboxMessage.Status.FAILED, f"gave up after retries: {error}")
            return "failed"
        delay = backoff_seconds(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() + timedelta(seconds=delay), last_error=str(error)[:2000]
        )
        _queue(message.pk, countdown=delay)
        logger.info("outbox %s #%s will retry in %.0f s", message.kind, message.pk, delay)
        return "retry"
    except GiveUp as error:
        _finish(message, OutboxMessage.Status.FAILED, str(error))
        logger.warning("outbox %s #%s failed for good: %s", message.kind, message.pk, error)
        return "failed"
    _finish(message, OutboxMessage.Status.DONE, "")
    return "done"


def _finish(message: OutboxMessage, status: str, error: str) -> None:
    updates = {"status": status, "processed_at": timezone.now(), "last_error": error[:2000]}
    if message.kind in SCRUB_WHEN_DONE:
        updates["payload"] = {}
    OutboxMessage.objects.filter(pk=message.pk).update(**updates)


# Kinds whose payload identifies an erased person: nothing of it stays once handled.
SCRUB_WHEN_DONE = {"mailchimp_erase"}


# A message the sweeper queued is not queued again for this long, unless its
# task ran meanwhile: behind a backlog, every sweep would otherwise add one more
# copy of every waiting task (the copies are harmless, only wasteful).
SWEEP_REQUEUE_AFTER = timedelta(minutes=5)


def outbox_sweep(*, limit: int = 1000) -> int:
    """Queue every message that is due, not done, and not queued by a recent sweep."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .filter(
                models.Q(swept_at__isnull=True)
                | models.Q(swept_at__lte=now - SWEEP_REQUEUE_AFTER)
                # Claimed (or retried) since the sweep queued it: its task ran.
                | models.Q(swept_at__lt=models.F("next_attempt_at") - lease())
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=due).update(swept_at=now)
    for message_id in due:
        _queue(message_id, countdown=0)
    return len(due)
