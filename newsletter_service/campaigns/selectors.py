"""Reads of campaigns, for the API and the browser preview."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from newsletter_service.campaigns.models import Campaign, CampaignReport, CampaignTransition
from newsletter_service.content.clients.subscribers import Audience, SubscriberServiceClient


def campaign_list(
    *, state: str | None = None, kind: str | None = None, page_ids: Iterable[int] = ()
) -> QuerySet[Campaign]:
    """Campaigns, newest first; with ``page_ids``, those built from any of these CMS pages."""
    campaigns = Campaign.objects.all()
    if state:
        campaigns = campaigns.filter(state=state)
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if page_ids := sorted(set(page_ids)):
        campaigns = campaigns.filter(_built_from_any(campaigns, page_ids))
    return campaigns.order_by("-created_at", "-pk")


def _built_from_any(campaigns: QuerySet[Campaign], page_ids: list[int]) -> Q:
    if connection.features.supports_json_field_contains:  # PostgreSQL: an indexable @>
        query = Q()
        for page_id in page_ids:
            query |= Q(page_ids__contains=[page_id])
        return query
    # SQLite (the demo) has no JSON containment: few campaigns there, so look at each.
    wanted = set(page_ids)
    return Q(
        pk__in=[
            pk
            for pk, ids in campaigns.values_list("pk", "page_ids")
            if wanted.intersection(ids or ())
        ]
    )


def campaign_get(*, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign, pk=campaign_id)


def campaign_transitions(*, campaign: Campaign) -> QuerySet[CampaignTransition]:
    return campaign.transitions.order_by("created_at", "pk")


def campaign_report(*, campaign: Campaign) -> CampaignReport | None:
    return CampaignReport.objects.filter(campaign=campaign).first()


def audience_options(*, client: SubscriberServiceClient | None = None) -> dict:
    """What an editor may choose as a campaign's audience: interests and languages.

    The subscriber service's mapping without its Mailchimp ids; languages are
    those both services know. Raises ``SubscriberServiceError`` (and its
    ``SubscriberServiceUnavailable``) from the client.
    """
    audience: Audience = (client or SubscriberServiceClient()).audience()
    languages = [code for code in settings.NEWSLETTER_LANGUAGES if code in audience.languages]
    return {
        "languages": languages,
        "interests": [
            {"key": interest.key, "labels": interest.labels} for interest in audience.interests
        ],
    }
