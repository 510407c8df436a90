from celery import shared_task

from subscriber_service.outbox.services import outbox_deliver_message, outbox_sweep


@shared_task(name="subscriber_service.outbox.deliver", ignore_result=True)
def outbox_deliver(message_id: int) -> str:
    """Carry out one outbox message.

    Retries are not Celery's: the message's row holds its attempts and next
    time, and a failed attempt queues the task again with a countdown. Safe to
    run twice: a message already claimed or done is skipped. What happened is
    in the message's row, so the task's result is not stored: queueing it then
    costs one Redis command instead of three (the Redis result backend
    subscribes to every result the caller might wait for, and unsubscribes).
    """
    return outbox_deliver_message(message_id=message_id)


@shared_task(name="subscriber_service.outbox.sweep")
def outbox_sweep_task() -> int:
    """Queue what is due and not done (lost tasks, broker restarts, dead workers)."""
    return outbox_sweep()
