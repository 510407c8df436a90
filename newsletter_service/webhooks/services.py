"""Receiving the CMS's publish events, and what they change here.

The receiver verifies the signature (``platform_common.webhooks``), stores the
event once per ``Webhook-Id`` and queues its handling on commit; it answers
without calling anything. A published Monitor article creates or refreshes
the next digest draft of its language.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter_service.webhooks.models import CmsEvent

logger = logging.getLogger(__name__)

ARTICLE_TYPE = "monitor.ArticlePage"
REQUEUE_AFTER = timedelta(minutes=2)


def cms_event_receive(*, webhook_id: str, payload: dict[str, Any]) -> tuple[CmsEvent, bool]:
    """Store a verified event; (the event, False) when this id was received already."""
    page = payload.get("page") or {}
    try:
        with transaction.atomic():
            event = CmsEvent.objects.create(
                webhook_id=webhook_id[:100],
                kind=str(payload.get("kind", ""))[:40],
                page_id=page.get("id") if isinstance(page.get("id"), int) else None,
                page_type=str(page.get("type", ""))[:100],
                locale=str(page.get("locale", ""))[:16],
                payload=payload,
            )
            transaction.on_commit(lambda: _queue(event.pk))
    except IntegrityError:
        return CmsEvent.objects.get(webhook_id=webhook_id[:100]), False
    return event, True


def _queue(event_id: int) -> None:
    from newsletter_service.webhooks.tasks import cms_event_process_task

    try:
        cms_event_process_task.delay(event_id)
    except Exception:
        logger.warning("cms event %s not queued; the sweeper will", event_id)


def cms_event_process(*, event_id: int) -> str:
    """Handle one stored event (safe to run twice: a handled event is left alone)."""
    from newsletter_service.campaigns.digests import digest_prepare

    with transaction.atomic():
        event = CmsEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id).first()
        if event is None or event.status != CmsEvent.Status.PENDING:
            return "skipped"
    relevant = (
        event.kind == "page.published"
        and event.page_type == ARTICLE_TYPE
        and event.locale in settings.NEWSLETTER_DIGEST["LANGUAGES"]
    )
    if not relevant:
        _finish(event, CmsEvent.Status.IGNORED, "not a published Monitor article of a digest")
        return "ignored"
    campaign = digest_prepare(language=event.locale, actor="system:cms-event")
    result = f"digest draft {campaign.pk}" if campaign else "no new article for a digest"
    _finish(event, CmsEvent.Status.DONE, result)
    return "done"


def _finish(event: CmsEvent, status: str, result: str) -> None:
    CmsEvent.objects.filter(pk=event.pk, status=CmsEvent.Status.PENDING).update(
        status=status, result=result[:500], processed_at=timezone.now()
    )


def cms_events_sweep() -> int:
    """Queue again pending events received a while ago (a lost task, a broker restart)."""
    ids = list(
        CmsEvent.objects.filter(
            status=CmsEvent.Status.PENDING, received_at__lte=timezone.now() - REQUEUE_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    for event_id in ids:
        _queue(event_id)
    return len(ids)
