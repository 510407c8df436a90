"""Reads for publish events: due deliveries and the content generation."""

from __future__ import annotations

import datetime
import logging
import time

from django.core.cache import cache
from django.utils import timezone

from cms.events.models import (
    ContentGeneration,
    DeliveryStatus,
    PublishEvent,
    PublishEventKind,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)


def webhook_deliveries_due(*, grace: datetime.timedelta, limit: int = 500) -> list[int]:
    """Pending deliveries more than ``grace`` past their next attempt (their task was lost)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now() - grace
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def page_deletion_recorded(*, page_id: int) -> bool:
    """Whether the page was deleted (page ids are never reused)."""
    return PublishEvent.objects.filter(page_id=page_id, kind=PublishEventKind.DELETED).exists()


def content_generation() -> tuple[int, float] | None:
    """The cache's content generation and when content last changed (Unix seconds).

    Read from the cache, in one round trip when both are there: no database
    query on the content API's cached and 304 paths. None when the cache
    cannot be reached (responses are then neither cached nor validated).
    """
    from cms.events.services import (
        CACHE_ERRORS,
        CHANGED_AT_KEY,
        GENERATION_KEY,
        _initial_generation,
    )

    try:
        values = cache.get_many([GENERATION_KEY, CHANGED_AT_KEY])
        generation = values.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, _initial_generation(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        changed_at = values.get(CHANGED_AT_KEY)
        if changed_at is None:
            row = ContentGeneration.objects.filter(pk=1).first()
            # Never published anything since the database was made: its age will do.
            changed_at = row.changed_at.timestamp() if row else float(int(time.time()))
            cache.add(CHANGED_AT_KEY, changed_at, timeout=None)
    except CACHE_ERRORS:
        logger.exception("Content API cache unavailable")
        return None
    return int(generation), float(changed_at)
