from celery import shared_task

from newsletter_service.campaigns.errors import DependencyUnavailable
from newsletter_service.webhooks import services


@shared_task(
    name="newsletter_service.webhooks.cms_event_process",
    acks_late=True,
    autoretry_for=(DependencyUnavailable,),
    max_retries=6,
)
def cms_event_process_task(event_id: int) -> str:
    """Handle one CMS publish event: refresh the digest draft of a published article.

    Safe to run twice (a handled event is skipped). When the CMS cannot be
    reached it retries with backoff and jitter (PlatformTask), 6 times; the
    sweeper queues what is still pending after that.
    """
    return services.cms_event_process(event_id=event_id)


@shared_task(name="newsletter_service.webhooks.sweep", acks_late=True)
def cms_events_sweep_task() -> int:
    """Queue events still pending a while after they arrived."""
    return services.cms_events_sweep()
