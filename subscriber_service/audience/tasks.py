from celery import shared_task

from subscriber_service.audience.services import audience_reconcile, audience_resync


@shared_task(name="subscriber_service.audience.reconcile", soft_time_limit=1800, time_limit=1900)
def reconcile(full: bool = False) -> dict:
    """Repair drift with Mailchimp. Safe to repeat; errors surface and the next run retries."""
    return vars(audience_reconcile(full=full))


@shared_task(name="subscriber_service.audience.resync", soft_time_limit=3000, time_limit=3300)
def resync() -> dict:
    """Push every member again in batches of 500 (batch upserts are safe to repeat)."""
    return vars(audience_resync())
