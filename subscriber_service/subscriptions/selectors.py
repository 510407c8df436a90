"""Reads of subscriptions, shaped for the API and the other services."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from subscriber_service.subscriptions.models import Interest, Subscriber


def preferences_of(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "name": subscriber.name,
        "language": subscriber.language,
        "interests": sorted(subscriber.interests.values_list("key", flat=True)),
        "status": subscriber.status,
    }


def interest_list() -> list[Interest]:
    return list(Interest.objects.filter(active=True))


def audience_mapping() -> dict[str, Any]:
    return {
        "audience_id": settings.MAILCHIMP["AUDIENCE_ID"],
        "languages": [code for code, _ in settings.LANGUAGES],
        "interests": [
            {
                "key": interest.key,
                "labels": interest.labels,
                "mailchimp_category_id": interest.mailchimp_category_id,
                "mailchimp_interest_id": interest.mailchimp_interest_id,
            }
            for interest in interest_list()
        ],
    }
