"""The public links put in emails, in the subscriber's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from subscriber_service.subscriptions import tokens
from subscriber_service.subscriptions.models import PrivacyRequest, Subscriber


def _absolute(name: str, language: str, **kwargs: str) -> str:
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    return settings.SUBSCRIPTIONS["PUBLIC_URL"].rstrip("/") + path


def confirm_link(subscriber: Subscriber) -> str:
    token = tokens.make_token("confirm", str(subscriber.public_id))
    return _absolute("pages:confirm", subscriber.language, token=token)


def manage_token(subscriber: Subscriber) -> str:
    return tokens.make_token("manage", str(subscriber.public_id))


def preferences_link(subscriber: Subscriber) -> str:
    return _absolute("pages:preferences", subscriber.language, token=manage_token(subscriber))


def unsubscribe_link(subscriber: Subscriber) -> str:
    return _absolute("pages:unsubscribe", subscriber.language, token=manage_token(subscriber))


def one_click_unsubscribe_link(subscriber: Subscriber) -> str:
    """RFC 8058: the address a mail client POSTs ``List-Unsubscribe=One-Click`` to."""
    return _absolute("one-click-unsubscribe", subscriber.language, token=manage_token(subscriber))


def privacy_link(request: PrivacyRequest) -> str:
    token = tokens.make_token("privacy", str(request.pk))
    return _absolute("pages:privacy-confirm", request.language, token=token)
