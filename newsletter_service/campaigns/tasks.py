"""Celery tasks of campaigns: they take primary keys (or nothing) and call services."""

from __future__ import annotations

from celery import shared_task

from newsletter_service.campaigns import digests, idempotency
from newsletter_service.campaigns.errors import DependencyUnavailable


@shared_task(
    name="newsletter_service.campaigns.digest_build_all",
    acks_late=True,
    autoretry_for=(DependencyUnavailable,),
    max_retries=6,
)
def digest_build_all_task() -> dict[str, int | None]:
    """Build (or refresh) the next Monitor digest of each language, or send it (auto-send).

    Safe to run twice: it refreshes the one draft per language. When the CMS or
    the subscriber service cannot be reached, nothing is half-made and the task
    retries with exponential backoff and jitter (PlatformTask), 6 times.
    """
    return digests.digest_build_all()


@shared_task(
    name="newsletter_service.campaigns.digest_prepare",
    acks_late=True,
    autoretry_for=(DependencyUnavailable,),
    max_retries=6,
)
def digest_prepare_task(language: str) -> int | None:
    """Create or refresh the next digest draft of one language (after a CMS publish event)."""
    campaign = digests.digest_prepare(language=language, actor="system:cms-event")
    return campaign.pk if campaign else None


@shared_task(name="newsletter_service.campaigns.idempotency_keys_purge", acks_late=True)
def idempotency_keys_purge_task() -> int:
    """Forget idempotency keys older than NEWSLETTER_IDEMPOTENCY_KEY_HOURS."""
    return idempotency.idempotency_keys_purge()
