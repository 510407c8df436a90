"""Who may call the campaign API: the CMS's credential and staff users, nobody else."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from newsletter_service.campaigns.models import CampaignTransition
from newsletter_service.conftest import SUBSCRIBER_SERVICE_TOKEN

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "single",
    "subject": "Hello",
    "language": "en",
    "interests": ["news"],
    "page_ids": [55],
}


def test_the_cms_credential_may_create_and_list_campaigns_and_is_recorded_as_the_actor(
    cms_client,
):
    created = cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_X_ACTING_USER="amara")
    listed = cms_client.get("/api/v1/campaigns/?state=draft&kind=single")

    assert created.status_code == 201, created.content
    assert created.json()["created_by"] == "service:cms for amara"
    assert [item["id"] for item in listed.json()["results"]] == [created.json()["id"]]
    assert CampaignTransition.objects.get().actor == "service:cms for amara"


def test_the_subscriber_services_credential_is_refused_with_a_403():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {SUBSCRIBER_SERVICE_TOKEN}")

    assert client.get("/api/v1/campaigns/").status_code == 403
    assert client.post("/api/v1/campaigns/", BODY, format="json").status_code == 403


def test_anonymous_callers_and_unknown_credentials_get_a_401():
    anonymous = APIClient()
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION="Bearer not-a-known-token")

    assert anonymous.get("/api/v1/campaigns/").status_code == 401
    assert anonymous.post("/api/v1/campaigns/", BODY, format="json").status_code == 401
    assert unknown.get("/api/v1/campaigns/").status_code == 401


def test_a_logged_in_user_who_is_not_staff_is_refused_with_a_403():
    client = APIClient()
    client.force_login(get_user_model().objects.create_user("reader"))

    assert client.get("/api/v1/campaigns/").status_code == 403


def test_an_unknown_state_filter_is_a_400_naming_it(staff_client):
    answer = staff_client.get("/api/v1/campaigns/?state=lost")

    assert answer.status_code == 400
    assert answer.json()["field"] == "state"
