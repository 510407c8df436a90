"""The emails this service sends itself: confirmation, welcome, privacy links.

Each is rendered in the subscriber's language as plain text and HTML. Every
email to a subscribed address carries the unsubscribe link in its body and in
``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058).
Transport errors are sorted into those that can clear and those that cannot,
for the outbox to retry or give up.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from subscriber_service.outbox.services import GiveUp, RetryLater
from subscriber_service.subscriptions import links
from subscriber_service.subscriptions.models import PrivacyRequest, Subscriber


def _send(
    subscriber: Subscriber,
    template: str,
    context: dict[str, Any],
    *,
    unsubscribe: bool,
) -> None:
    context = {
        "subscriber": subscriber,
        "organisation": settings.SUBSCRIPTIONS["ORGANISATION_NAME"],
        "postal_address": settings.SUBSCRIPTIONS["POSTAL_ADDRESS"],
        **context,
    }
    headers = {}
    if unsubscribe:
        context["unsubscribe_url"] = links.unsubscribe_link(subscriber)
        context["preferences_url"] = links.preferences_link(subscriber)
        headers = {
            "List-Unsubscribe": f"<{links.one_click_unsubscribe_link(subscriber)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    with translation.override(subscriber.language):
        subject = _render_text(f"subscriptions/email/{template}_subject.txt", context)
        text = _render_text(f"subscriptions/email/{template}.txt", context)
        html = render_to_string(f"subscriptions/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[subscriber.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(400 <= code < 500 for code in codes):
            raise RetryLater(f"recipient deferred ({codes})") from error
        raise GiveUp(f"recipient refused ({codes})") from error
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise RetryLater(f"SMTP {error.smtp_code}") from error
        raise GiveUp(f"SMTP {error.smtp_code}") from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise RetryLater(f"mail server unreachable: {type(error).__name__}") from error


def _render_text(name: str, context: dict[str, Any]) -> str:
    """A plain-text template, unescaped: "Rights & Justice" or "n'avez" stay as written.

    Only the HTML part is HTML; entities in a text part or a subject are shown as typed.
    """
    return get_template(name).template.render(Context(context, autoescape=False))


def send_confirmation(subscriber: Subscriber) -> None:
    _send(
        subscriber,
        "confirm",
        {
            "confirm_url": links.confirm_link(subscriber),
            "interests": [i.label(subscriber.language) for i in subscriber.interests.all()],
            "ttl_days": max(1, settings.SUBSCRIPTIONS["PENDING_TTL_HOURS"] // 24),
        },
        unsubscribe=False,
    )


def send_already_subscribed(subscriber: Subscriber) -> None:
    _send(subscriber, "already_subscribed", {}, unsubscribe=True)


def send_welcome(subscriber: Subscriber) -> None:
    interests = list(subscriber.interests.all())
    _send(
        subscriber,
        "welcome",
        {
            "interests": [i.label(subscriber.language) for i in interests],
            "messages": [
                message
                for interest in interests
                if (message := interest.welcome_messages.get(subscriber.language))
            ],
        },
        unsubscribe=True,
    )


def send_privacy_link(subscriber: Subscriber, request: PrivacyRequest) -> None:
    _send(
        subscriber,
        "privacy",
        {"privacy_url": links.privacy_link(request), "kind": request.kind},
        unsubscribe=False,
    )
