"""Publish events: record them (outbox), deliver them (signed webhooks), invalidate caches.

Recording happens inside the transaction that changes the page, so the
change and its event are committed together or not at all; everything that
talks to the network (webhooks, CDN purges) is queued on commit and runs in a
Celery task, never inside the transaction.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from cms.events.clients.webhooks import (
    WebhookClient,
    WebhookRejectedError,
    WebhookTemporaryError,
)
from cms.events.models import (
    ContentGeneration,
    DeliveryStatus,
    PublishEvent,
    PublishEventKind,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

# Retries: exponential from RETRY_BASE_DELAY, at most RETRY_MAX_DELAY, with
# jitter. RETRY_MAX_DELAY stays well below the Redis broker's visibility
# timeout (3600 s, platform_common.celery): a task waiting longer than that
# for its countdown would be handed to a second worker.
RETRY_BASE_DELAY = 10.0
RETRY_MAX_DELAY = 600.0
# How long a worker owns a delivery it is sending: longer than the request's
# timeouts, so the sweeper never sends the same delivery twice at once.
CLAIM_LEASE = datetime.timedelta(seconds=120)
ERROR_MAX_LENGTH = 1000

GENERATION_KEY = "content-api:generation"
CHANGED_AT_KEY = "content-api:changed-at"
CACHE_ERRORS = (RedisError, OSError)


# --- recording events ------------------------------------------------------------


def _page_urls(page) -> tuple[str, str]:
    """The page's full public URL and its path on the site ("" when not routable)."""
    parts = page.get_url_parts()
    if parts is None:
        return "", ""
    _site_id, root_url, page_path = parts
    return (f"{root_url}{page_path}" if root_url else ""), page_path


def page_snapshot(page) -> dict:
    """What a receiver needs to know about a page, without calling the CMS back."""
    page = page.specific_deferred
    url, html_path = _page_urls(page)
    snapshot = {
        "id": page.pk,
        "type": page.specific_class._meta.label,
        "title": page.title,
        "slug": page.slug,
        "locale": page.locale.language_code,
        "translation_key": page.translation_key,
        "url_path": page.url_path,
        "html_path": html_path,
        "url": url,
        "api_url": f"{settings.WAGTAILAPI_BASE_URL.rstrip('/')}/api/v2/pages/{page.pk}/",
        "live": page.live,
        "first_published_at": page.first_published_at,
        "last_published_at": page.last_published_at,
    }
    # Monitor articles: what the newsletter digest selects and sorts by.
    if page._meta.label == "monitor.ArticlePage":
        snapshot["article"] = {"kind": page.kind, "date": page.date, "summary": page.summary}
    return snapshot


def publish_event_record(
    *, kind: PublishEventKind, page, url_path_before: str | None = None
) -> PublishEvent:
    """Write the event and one delivery per endpoint in the current transaction.

    Queues, once the transaction commits, the webhook deliveries, the content
    API cache invalidation and the CDN purge. Rolled back with the change, it
    leaves nothing behind.
    """
    kind = PublishEventKind(kind)
    now = timezone.now()
    snapshot = page_snapshot(page)
    event = PublishEvent(
        kind=kind,
        page_id=page.pk,
        page_type=snapshot["type"],
        locale=snapshot["locale"],
        title=page.title[:255],
        url_path=page.url_path,
        url=snapshot["url"],
        translation_key=page.translation_key,
        occurred_at=now,
    )
    payload = {
        "id": str(event.uuid),
        "kind": kind.value,
        "occurred_at": now,
        "page": snapshot,
    }
    if url_path_before is not None:
        before = copy.copy(page.specific_deferred)
        before.url_path = url_path_before
        url_before, html_path_before = _page_urls(before)
        payload["previous"] = {
            "url_path": url_path_before,
            "html_path": html_path_before,
            "url": url_before,
        }
    # Stored exactly as it will be sent: dates as ISO strings.
    event.payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    with transaction.atomic():
        event.save()
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(event=event, endpoint=endpoint.name, url=endpoint.url, created_at=now)
            for endpoint in settings.CMS_WEBHOOK_ENDPOINTS.values()
        )
        content_generation_bump()
    delivery_ids = [delivery.pk for delivery in deliveries]
    # Robust: with the broker down, the change is still committed and the
    # editor sees no error; the sweeper queues the deliveries later.
    transaction.on_commit(lambda: _after_event_commit(event.pk, delivery_ids), robust=True)
    return event


def _after_event_commit(event_id: int, delivery_ids: list[int]) -> None:
    from cms.events import tasks

    for delivery_id in delivery_ids:
        tasks.deliver_webhook.delay(delivery_id)
    if settings.WAGTAILFRONTENDCACHE:
        tasks.purge_frontend_cache.delay(event_id)


# --- the content generation (cache invalidation) -----------------------------------


def content_generation_bump() -> None:
    """Mark every content API response as stale: the page's detail and every listing.

    The database row (Last-Modified) changes in the current transaction. The
    number in the cache, which cache keys and ETags carry, is bumped twice:
    now, so that this transaction sees its own change, and again on commit,
    so that whatever another request cached in between (still the old
    content: it could not see the uncommitted change) is never served.
    """
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        row, _ = ContentGeneration.objects.select_for_update().get_or_create(pk=1)
        row.number += 1
        # Whole seconds, strictly increasing: each generation gets its own
        # Last-Modified, so a client sending If-Modified-Since alone never
        # gets a 304 for content changed within the same second.
        row.changed_at = max(
            now, row.changed_at.replace(microsecond=0) + datetime.timedelta(seconds=1)
        )
        row.save(update_fields=["number", "changed_at"])
    changed_at = row.changed_at.timestamp()
    _cache_generation_incr(changed_at)
    transaction.on_commit(lambda: _cache_generation_incr(changed_at))


def _initial_generation() -> int:
    # Larger than any number handed out before the key was lost (one bump per
    # millisecond would be needed to catch up), so old entries are never reused.
    return time.time_ns() // 1_000_000


def _cache_generation_incr(changed_at: float) -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # missing (first use, evicted or flushed)
            cache.add(GENERATION_KEY, _initial_generation(), timeout=None)
            cache.incr(GENERATION_KEY)
        current = cache.get(CHANGED_AT_KEY)
        if current is None or current < changed_at:
            cache.set(CHANGED_AT_KEY, changed_at, timeout=None)
    except CACHE_ERRORS:
        # Cached responses expire on their own (CMS_API_CACHE_TIMEOUT).
        logger.exception("Could not bump the content generation in the cache")


# --- delivering webhooks ------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: float | None = None


def retry_delay(attempts: int, *, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter after ``attempts`` failed attempts, capped."""
    delay = min(RETRY_MAX_DELAY, RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0))
    delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter, not a secret
    if retry_after:
        delay = max(delay, retry_after)
    return min(delay, RETRY_MAX_DELAY)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due, pending delivery for one attempt, or None if it is not ours to send."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + CLAIM_LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _record(delivery: WebhookDelivery, **fields) -> None:
    if "last_error" in fields:
        fields["last_error"] = fields["last_error"][:ERROR_MAX_LENGTH]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def webhook_delivery_attempt(*, delivery_id: int) -> DeliveryOutcome:
    """Send one delivery once, if it is pending and due, and record what happened.

    Safe to run twice or concurrently: a delivered or failed delivery is never
    sent again, and a delivery being sent is leased to one worker. Errors that
    can clear (connection errors, timeouts, 429, 5xx) leave it pending with a
    later ``next_attempt_at`` and return ``retry_in``; other answers fail it
    for good, as does reaching ``CMS_WEBHOOK_MAX_ATTEMPTS``.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return DeliveryOutcome(status="skipped")
    endpoint = settings.CMS_WEBHOOK_ENDPOINTS.get(delivery.endpoint)
    if endpoint is None:
        _record(
            delivery,
            status=DeliveryStatus.FAILED,
            last_error=f"endpoint {delivery.endpoint!r} is no longer configured",
        )
        return DeliveryOutcome(status=DeliveryStatus.FAILED)

    body = json.dumps(delivery.event.payload, separators=(",", ":")).encode()
    client = WebhookClient(timeout=settings.CMS_WEBHOOK_TIMEOUT)
    try:
        status_code = client.post(endpoint, body=body, webhook_id=str(delivery.event.uuid))
    except WebhookTemporaryError as error:
        if delivery.attempts >= settings.CMS_WEBHOOK_MAX_ATTEMPTS:
            _record(
                delivery,
                status=DeliveryStatus.FAILED,
                last_status_code=error.status_code,
                last_error=f"gave up after {delivery.attempts} attempts: {error}",
            )
            logger.warning("Webhook %s to %s failed for good", delivery.pk, delivery.endpoint)
            return DeliveryOutcome(status=DeliveryStatus.FAILED)
        delay = retry_delay(delivery.attempts, retry_after=error.retry_after)
        _record(
            delivery,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
            last_status_code=error.status_code,
            last_error=str(error),
        )
        return DeliveryOutcome(status=DeliveryStatus.PENDING, retry_in=delay)
    except WebhookRejectedError as error:
        _record(
            delivery,
            status=DeliveryStatus.FAILED,
            last_status_code=error.status_code,
            last_error=str(error),
        )
        logger.warning("Webhook %s refused by %s: %s", delivery.pk, delivery.endpoint, error)
        return DeliveryOutcome(status=DeliveryStatus.FAILED)
    _record(
        delivery,
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        last_status_code=status_code,
        last_error="",
    )
    return DeliveryOutcome(status=DeliveryStatus.DELIVERED)


# --- purging the HTTP cache in front of the CMS ---------------------------------------


def event_purge_urls(event: PublishEvent) -> list[str]:
    """What a CDN or proxy cache must forget after ``event``.

    The page itself (and its old address after a move), its parent page (which
    lists it), its API detail and find-by-path URLs, and the page listings it
    appears in. Listings can have any query string: the HTTP backend for the
    nginx cache in deploy/ also sends ``/api/v2/pages/*``, which its purge
    module takes as a prefix (CMS_FRONTEND_CACHE_PURGE_PREFIX).
    """
    page = event.payload["page"]
    api = f"{settings.WAGTAILAPI_BASE_URL.rstrip('/')}/api/v2/pages/"
    urls = [
        page["url"],
        event.payload.get("previous", {}).get("url", ""),
        f"{api}{event.page_id}/",
        f"{api}find/?html_path={page['html_path']}",
        api,
        f"{api}?type={event.page_type}",
        f"{api}?type={event.page_type}&locale={event.locale}",
        f"{api}?type={event.page_type}&fields=*",
        f"{api}?type={event.page_type}&locale={event.locale}&fields=*",
    ]
    if page["url"] and page["html_path"] not in ("", "/"):
        site_root = page["url"][: -len(page["html_path"])]
        urls.append(site_root + page["html_path"].rstrip("/").rsplit("/", 1)[0] + "/")
    if settings.CMS_FRONTEND_CACHE_PURGE_PREFIX:
        urls.append(f"{api}*")
    return list(dict.fromkeys(url for url in urls if url))


def frontend_cache_purge(*, event_id: int) -> list[str]:
    """Purge the configured frontend caches (WAGTAILFRONTENDCACHE) of what ``event_id`` changed."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    event = PublishEvent.objects.get(pk=event_id)
    urls = event_purge_urls(event)
    purge_urls_from_cache(urls)
    return urls
