"""Celery tasks of sending: they take primary keys and call services."""

from __future__ import annotations

from celery import shared_task

from newsletter_service.sending import services
from newsletter_service.sending.backends import CampaignBackendError


@shared_task(name="newsletter_service.sending.campaign_sync", acks_late=True)
def campaign_sync_task(campaign_id: int) -> str:
    """Make the email provider match the campaign: create, fill, schedule, send or unschedule.

    Safe to run twice and to be redelivered after a worker died (see
    ``sending.services``). Retries are not Celery's: the campaign's row holds
    its attempts and lease, and an error that can clear queues the task again
    with backoff and jitter, at most ``MAX_ATTEMPTS`` times; other errors fail
    the campaign with the reason.
    """
    return services.campaign_sync(campaign_id=campaign_id).result


@shared_task(name="newsletter_service.sending.sweep", acks_late=True)
def campaigns_sweep_task() -> int:
    """Queue every campaign with provider work due (lost tasks, dead workers, times come)."""
    return services.campaigns_sweep()


@shared_task(
    bind=True,
    name="newsletter_service.sending.report_fetch",
    acks_late=True,
    autoretry_for=(CampaignBackendError,),
    max_retries=5,
)
def report_fetch_task(self, campaign_id: int) -> bool:
    """Fetch a sent campaign's report. Read-only, so safe to repeat.

    Retries (backoff with jitter, 5 times) only errors that can clear; the
    hourly refresh catches up with the rest.
    """
    try:
        return services.report_fetch(campaign_id=campaign_id) is not None
    except CampaignBackendError as error:
        if not error.retryable:
            return False
        raise


@shared_task(name="newsletter_service.sending.reports_refresh", acks_late=True)
def reports_refresh_task() -> int:
    """Queue a report fetch for every recently sent campaign (beat)."""
    return services.reports_refresh()
