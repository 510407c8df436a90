"""Hostile input to the newsletter service: bad bodies, and markup in every text of an email.

Every POST and PATCH of the campaign API, and the CMS event receiver, answers
a body that is not JSON, of another media type or too large with a 4xx
problem that names what is wrong, and changes nothing. Markup typed into a
campaign (subject, preview text, sender name, intro) or into the CMS (page
title, summary, a quote and its attribution) reaches the previews as text:
the bytes are checked, not only the absence of a ``<script>`` tag.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from newsletter_service.campaigns.models import Campaign, CampaignTransition, IdempotencyKey
from newsletter_service.campaigns.tests.factories import CampaignFactory
from newsletter_service.conftest import CMS_TOKEN
from newsletter_service.webhooks.models import CmsEvent
from platform_common.webhooks import sign

pytestmark = pytest.mark.django_db

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
# How each part of MARKUP may appear in HTML text: escaped (quotes may stay as they are
# in text, where they end nothing).
ESCAPED_PARTS = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;"]
RAW_PARTS = ["<script>alert(1)", "<img src=x", "onerror=alert(2)>"]
WEBHOOK_SECRET = "test-cms-webhook-secret"

BODY_ENDPOINTS = [
    ("POST", "/api/v1/campaigns/"),
    ("PATCH", "/api/v1/campaigns/{id}/"),
    ("POST", "/api/v1/campaigns/{id}/test/"),
    ("POST", "/api/v1/campaigns/{id}/schedule/"),
    ("POST", "/api/v1/campaigns/{id}/unschedule/"),
    ("POST", "/api/v1/campaigns/{id}/send/"),
    ("POST", "/api/v1/campaigns/{id}/cancel/"),
]


@pytest.fixture
def campaign() -> Campaign:
    return CampaignFactory(page_ids=[46])


@pytest.fixture
def stored(campaign):
    def snapshot() -> dict:
        campaign.refresh_from_db()
        return {
            "campaigns": Campaign.objects.count(),
            "transitions": CampaignTransition.objects.count(),
            "keys": IdempotencyKey.objects.count(),
            "events": CmsEvent.objects.count(),
            "campaign": (campaign.state, campaign.subject, campaign.updated_at),
        }

    return snapshot


def send(method, path, campaign, body, content_type):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {CMS_TOKEN}")
    return client.generic(
        method,
        path.format(id=campaign.pk),
        body,
        content_type=content_type,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def problem_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content[:200]
    return response.json()


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    ['{"subject": "Hello",', "[" * 5000, b"\xff\xfe\x00{"],
    ids=["truncated", "nested-too-deep", "binary"],
)
def test_a_body_that_is_not_json_is_a_400_naming_the_parse_error_and_changes_nothing(
    method, path, body, campaign, stored
):
    before = stored()

    response = send(method, path, campaign, body, "application/json")

    assert response.status_code == 400
    assert problem_of(response)["detail"].startswith("JSON parse error - ")
    assert stored() == before


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_body_of_another_media_type_is_a_415_naming_it_and_changes_nothing(
    method, path, content_type, campaign, stored
):
    before = stored()

    response = send(method, path, campaign, '{"reason": "x"}', content_type)

    assert response.status_code == 415
    assert problem_of(response)["detail"] == f'Unsupported media type "{content_type}" in request.'
    assert stored() == before


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
def test_a_body_over_the_upload_limit_is_a_413_naming_it_and_changes_nothing(
    method, path, campaign, stored, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    before = stored()
    huge = json.dumps({"subject": "Hello", "reason": "x" * 100_000})

    response = send(method, path, campaign, huge, "application/json")

    assert response.status_code == 413
    assert problem_of(response)["detail"] == (
        "The request body is too large: at most 65536 bytes are accepted."
    )
    assert stored() == before


def post_event(body: bytes, *, signed: bool = True):
    headers = (
        sign(body=body, webhook_id=str(uuid.uuid4()), secrets=[WEBHOOK_SECRET]) if signed else {}
    )
    return APIClient(raise_request_exception=False).generic(
        "POST", "/api/v1/cms-events/", body, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"{not json", 400, "The event is not JSON."),
        # Nested deeper than Python decodes: was a 500.
        (b"[" * 5000, 400, "The event is not JSON."),
        (b"[1, 2]", 400, "The event is not a JSON object."),
        (
            b'{"id": "' + b"x" * 300_000 + b'"}',
            413,
            "The event is too large: at most 262144 bytes.",
        ),
    ],
    ids=["not-json", "nested-too-deep", "not-an-object", "too-large"],
)
def test_a_signed_cms_event_that_is_not_an_event_is_refused_naming_why(
    body, status, detail, stored
):
    before = stored()

    response = post_event(body)

    assert response.status_code == status
    assert problem_of(response)["detail"] == detail
    assert stored() == before


def test_an_unsigned_huge_cms_event_is_refused_before_it_is_read(stored):
    before = stored()

    response = post_event(b"{" + b" " * 1_000_000 + b"}", signed=False)

    assert response.status_code == 413
    assert stored() == before


def assert_text_not_markup(html: str, *, at_least: int) -> None:
    for part in RAW_PARTS:
        assert part not in html
    for part in ESCAPED_PARTS:
        assert html.count(part) >= at_least, part


@pytest.fixture
def hostile_page(fake_cms):
    page = fake_cms.pages[46]
    page["title"] = page["summary"] = MARKUP
    page["body"] = [
        *page.get("body", []),
        {"type": "quote", "value": {"quote": MARKUP, "attribution": MARKUP, "role": MARKUP}},
    ]
    return page


def test_markup_in_the_campaign_and_the_cms_page_is_text_in_the_api_preview(
    cms_client, hostile_page, subscribers
):
    created = cms_client.post(
        "/api/v1/campaigns/",
        {
            "kind": "single",
            "subject": MARKUP,
            "preview_text": MARKUP,
            "from_name": MARKUP,
            "intro": MARKUP,
            "language": "en",
            "interests": ["news"],
            "page_ids": [46],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    # Stored and answered as typed: JSON is not HTML.
    assert created.json()["from_name"] == MARKUP

    preview = cms_client.post(f"/api/v1/campaigns/{created.json()['id']}/preview/")

    assert preview.status_code == 200
    body = preview.json()
    assert body["subject"] == MARKUP
    # Subject (title), preview text, intro, page title, summary, quote, attribution, role.
    assert_text_not_markup(body["html"], at_least=8)
    assert MARKUP in body["text"]


def test_markup_from_the_cms_is_text_in_the_staff_browser_preview(hostile_page):
    campaign = CampaignFactory(page_ids=[46], subject=MARKUP, intro=MARKUP)
    client = Client()
    client.force_login(get_user_model().objects.create_user("editor", is_staff=True))

    answer = client.get(f"/campaigns/{campaign.pk}/preview/")

    assert answer.status_code == 200
    assert_text_not_markup(answer.content.decode(), at_least=6)
