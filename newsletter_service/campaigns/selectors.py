"""Reads of campaigns, for the API and the browser preview."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from newsletter_service.campaigns.models import Campaign, CampaignReport, CampaignTransition


def campaign_list(*, state: str | None = None, kind: str | None = None) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.all()
    if state:
        campaigns = campaigns.filter(state=state)
    if kind:
        campaigns = campaigns.filter(kind=kind)
    return campaigns.order_by("-created_at", "-pk")


def campaign_get(*, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign, pk=campaign_id)


def campaign_transitions(*, campaign: Campaign) -> QuerySet[CampaignTransition]:
    return campaign.transitions.order_by("created_at", "pk")


def campaign_report(*, campaign: Campaign) -> CampaignReport | None:
    return CampaignReport.objects.filter(campaign=campaign).first()
