"""What the CMS's "Send as newsletter" screen reads: audience options, a page's campaigns."""

import socket

import pytest
from django.db import connection
from rest_framework.test import APIClient

from newsletter_service.campaigns.tests.factories import CampaignFactory
from newsletter_service.conftest import SUBSCRIBER_SERVICE_TOKEN

pytestmark = pytest.mark.django_db


def test_the_audience_options_are_the_subscriber_services_interests_and_shared_languages(
    cms_client, subscribers, settings
):
    settings.NEWSLETTER_LANGUAGES = ["en", "fr"]
    subscribers.audience["interests"][0]["labels"] = {"en": "Monitor", "fr": "Observatoire"}

    answer = cms_client.get("/api/v1/audience/")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["languages"] == ["en", "fr"]
    assert [item["key"] for item in body["interests"]] == ["monitor", "news", "events", "appeals"]
    assert body["interests"][0] == {
        "key": "monitor",
        "labels": {"en": "Monitor", "fr": "Observatoire"},
    }
    # Mailchimp's ids stay inside the newsletter service.
    assert "mailchimp_interest_id" not in answer.content.decode()
    assert subscribers.requests == 1


def test_the_audience_options_are_a_503_when_the_subscriber_service_is_down(cms_client, settings):
    with socket.socket() as sock:  # a port that nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings.SUBSCRIBER_SERVICE = {**settings.SUBSCRIBER_SERVICE, "url": url, "timeout": 1.0}

    answer = cms_client.get("/api/v1/audience/")

    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/problem+json"
    assert "subscriber service cannot be reached" in answer.json()["detail"]
    assert answer["Retry-After"] == "30"


def test_the_audience_options_refuse_other_services():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {SUBSCRIBER_SERVICE_TOKEN}")

    assert client.get("/api/v1/audience/").status_code == 403
    assert APIClient().get("/api/v1/audience/").status_code == 401


@pytest.mark.parametrize("json_contains", [True, False], ids=["postgresql", "without-contains"])
def test_campaigns_are_listed_by_the_cms_page_they_were_built_from(
    cms_client, monkeypatch, json_contains
):
    # SQLite (the demo) has no JSON containment: the selector's other path gives the same.
    monkeypatch.setattr(connection.features, "supports_json_field_contains", json_contains)
    article = CampaignFactory(page_ids=[18])
    digest = CampaignFactory(kind="digest", page_ids=[47, 18, 46])
    translation = CampaignFactory(page_ids=[90])
    CampaignFactory(page_ids=[55])

    one = cms_client.get("/api/v1/campaigns/?page_id=18")
    several = cms_client.get("/api/v1/campaigns/?page_id=90&page_id=18&kind=single")

    assert one.status_code == 200, one.content
    assert [item["id"] for item in one.json()["results"]] == [digest.pk, article.pk]
    assert [item["id"] for item in several.json()["results"]] == [translation.pk, article.pk]


@pytest.mark.parametrize("value", ["first", "²", "-3", "1" * 13])
def test_a_page_id_that_is_not_a_page_id_is_a_400_naming_it(cms_client, value):
    answer = cms_client.get("/api/v1/campaigns/", {"page_id": value})

    assert answer.status_code == 400
    assert answer.json()["field"] == "page_id"
