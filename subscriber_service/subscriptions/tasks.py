from celery import shared_task

from subscriber_service.subscriptions.services import pending_purge


@shared_task(name="subscriber_service.subscriptions.purge_pending")
def purge_pending() -> int:
    """Delete expired, never-confirmed signups. Safe to run at any time, any number of times."""
    return pending_purge()
