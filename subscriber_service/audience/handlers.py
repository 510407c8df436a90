"""Outbox handlers that carry local changes to Mailchimp."""

from subscriber_service.audience import services
from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.outbox.services import GiveUp, outbox_handler


@outbox_handler("mailchimp_sync")
def mailchimp_sync(message: OutboxMessage) -> None:
    services.member_push(subscriber_id=message.subscriber_id)


@outbox_handler("mailchimp_erase")
def mailchimp_erase(message: OutboxMessage) -> None:
    hashed_id = message.payload.get("subscriber_hash")
    if not hashed_id:
        raise GiveUp("erasure message without a member id")
    services.member_erase(hashed_id=hashed_id)
