"""Outbox handlers for this service's own emails.

Each looks at the subscriber's state *now*: a confirmation for an address
that was confirmed, unsubscribed or erased meanwhile is simply not sent.
"""

from __future__ import annotations

from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.outbox.services import outbox_handler
from subscriber_service.subscriptions import emails
from subscriber_service.subscriptions.models import PrivacyRequest, Subscriber

Status = Subscriber.Status


def _subscriber(message: OutboxMessage, *statuses: str) -> Subscriber | None:
    return Subscriber.objects.filter(pk=message.subscriber_id, status__in=statuses).first()


@outbox_handler("confirmation_email")
def confirmation_email(message: OutboxMessage) -> None:
    if subscriber := _subscriber(message, Status.PENDING):
        emails.send_confirmation(subscriber)


@outbox_handler("already_subscribed_email")
def already_subscribed_email(message: OutboxMessage) -> None:
    if subscriber := _subscriber(message, Status.SUBSCRIBED):
        emails.send_already_subscribed(subscriber)


@outbox_handler("welcome_email")
def welcome_email(message: OutboxMessage) -> None:
    if subscriber := _subscriber(message, Status.SUBSCRIBED):
        emails.send_welcome(subscriber)


@outbox_handler("privacy_email")
def privacy_email(message: OutboxMessage) -> None:
    request = (
        PrivacyRequest.objects.select_related("subscriber")
        .filter(pk=message.payload.get("request"), completed_at__isnull=True)
        .first()
    )
    if request is not None and request.subscriber is not None:
        emails.send_privacy_link(request.subscriber, request)
