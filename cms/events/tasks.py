"""Celery tasks of publish events. They take primary keys and call services."""

from __future__ import annotations

import datetime

from celery import shared_task

from cms.events import selectors, services

# A delivery is re-queued by the sweeper only when its retry is this late:
# the task's own countdown normally comes first.
SWEEP_GRACE = datetime.timedelta(seconds=60)


@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> str:
    """Deliver one webhook; retry with backoff while the error can clear.

    Retry policy: connection errors, timeouts, 408, 425, 429 and 5xx are
    retried after an exponential delay with jitter (10 s doubling, capped at
    600 s, below the broker's visibility timeout; a Retry-After is honoured up
    to the cap) until CMS_WEBHOOK_MAX_ATTEMPTS attempts, counted in the
    database; other answers fail the delivery at once. Idempotent: a
    delivered or failed delivery is never sent again, and if this task is
    lost, ``sweep_webhook_deliveries`` queues it again.
    """
    outcome = services.webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(acks_late=True)
def sweep_webhook_deliveries() -> int:
    """Queue again pending deliveries whose retry is overdue (lost task, broker restart)."""
    due = selectors.webhook_deliveries_due(grace=SWEEP_GRACE)
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def purge_frontend_cache(event_id: int) -> int:
    """Purge the CDN or proxy cache of what one event changed (best effort: caches expire)."""
    return len(services.frontend_cache_purge(event_id=event_id))
