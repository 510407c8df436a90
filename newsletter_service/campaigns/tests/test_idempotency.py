"""``Idempotency-Key`` on POSTs: a repeat gets the first answer; a concurrent one a 409."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from rest_framework.test import APIClient

from newsletter_service.campaigns.models import Campaign, IdempotencyKey
from newsletter_service.conftest import CMS_TOKEN

BODY = {
    "kind": "single",
    "subject": "Once",
    "language": "en",
    "interests": ["news"],
    "page_ids": [55],
}


@pytest.mark.django_db
def test_the_same_key_twice_gives_the_same_answer_and_one_campaign(cms_client):
    first = cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Campaign.objects.count() == 1


@pytest.mark.django_db
def test_a_refusal_is_replayed_too_and_a_new_key_runs_again(cms_client):
    campaign = Campaign.objects.create(
        kind="single",
        subject="s",
        from_name="f",
        reply_to="r@rights.test",
        language="en",
        state="sent",
        created_by="t",
    )
    url = f"/api/v1/campaigns/{campaign.pk}/cancel/"

    first = cms_client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="cancel-1")
    again = cms_client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="cancel-1")

    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(cms_client):
    cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = cms_client.post(
        "/api/v1/campaigns/",
        {**BODY, "subject": "Other"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert other.status_code == 422
    assert Campaign.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_client(cms_client, staff_client):
    cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    staff_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert Campaign.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_gets_a_409_while_the_first_runs(fake_cms):
    """The first request is held in the CMS stand-in (a digest selects its articles there)."""
    fake_cms.publish(46, at=datetime.now(UTC))
    release = threading.Event()
    fake_cms.hold = release
    body = {"kind": "digest", "subject": "Digest", "language": "en", "interests": ["monitor"]}
    answers = {}

    def first():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {CMS_TOKEN}")
        try:
            answers["first"] = client.post(
                "/api/v1/campaigns/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow"
            )
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert fake_cms.held.wait(10)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {CMS_TOKEN}")
    duplicate = client.post("/api/v1/campaigns/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow")
    release.set()
    thread.join(10)

    assert duplicate.status_code == 409
    assert duplicate.json()["title"] == "Request in progress"
    assert answers["first"].status_code == 201
    assert IdempotencyKey.objects.get(key="slow").status_code == answers["first"].status_code
    repeat = client.post("/api/v1/campaigns/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow")
    assert repeat.status_code == answers["first"].status_code
    assert Campaign.objects.count() == 1


@pytest.mark.django_db
def test_a_first_request_that_never_finished_may_be_run_again_after_a_while(cms_client):
    from datetime import timedelta

    from django.utils import timezone

    from newsletter_service.campaigns.idempotency import ABANDONED_AFTER

    cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="dead")
    # As if the worker answering it had died before storing the answer, long ago.
    IdempotencyKey.objects.filter(key="dead").update(
        status_code=None, created_at=timezone.now() - ABANDONED_AFTER - timedelta(seconds=1)
    )

    again = cms_client.post("/api/v1/campaigns/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="dead")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert IdempotencyKey.objects.get(key="dead").status_code == 201
