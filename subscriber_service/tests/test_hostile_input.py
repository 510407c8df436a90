"""Hostile input to the subscriber service: bodies that are not what they claim, and markup.

Every public POST (and the preferences PATCH) answers a body that is not
JSON, of another media type or far too large with a 4xx problem that names
what is wrong, and changes nothing. Markup in free text (interest labels and
welcome paragraphs, which staff type in the admin; names, which anyone types)
reaches pages and emails as text: the bytes are checked, not only the absence
of a ``<script>`` tag.
"""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from platform_common.openapi_fuzzing import another_client_address
from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.subscriptions import links
from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    PrivacyRequest,
    Subscriber,
)
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

# Markup for an element, an event handler, and an attribute break-out.
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
# What Django's escaping makes of it: the only form in which it may appear in HTML.
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#x27;&amp;"
RAW_PARTS = ["<script>alert(1)", "<img src=x", 'x onerror=alert(2)>"']

# Every public endpoint that reads a body; {token} is a genuine link of the fixture's subscriber.
BODY_ENDPOINTS = [
    ("POST", "/api/v1/subscriptions/"),
    ("POST", "/api/v1/subscriptions/confirm/"),
    ("POST", "/api/v1/unsubscribe/"),
    ("POST", "/api/v1/resubscribe/"),
    ("POST", "/api/v1/privacy/requests/"),
    ("POST", "/api/v1/privacy/export/"),
    ("POST", "/api/v1/privacy/erase/"),
    ("PATCH", "/api/v1/preferences/{token}/"),
]


@pytest.fixture
def supporter() -> Subscriber:
    return SubscriberFactory(name="Ana", interests=Interest.objects.filter(key="monitor"))


@pytest.fixture
def stored(supporter):
    """What the database holds, to compare before and after a refused request."""

    def snapshot() -> dict:
        supporter.refresh_from_db()
        return {
            "subscribers": Subscriber.objects.count(),
            "consents": ConsentRecord.objects.count(),
            "outbox": OutboxMessage.objects.count(),
            "privacy": PrivacyRequest.objects.count(),
            "supporter": (supporter.status, supporter.name, supporter.language),
            "emails": len(mail.outbox),
        }

    return snapshot


def send(method: str, path: str, supporter: Subscriber, body: bytes | str, content_type: str):
    client = APIClient(raise_request_exception=False)
    path = path.format(token=links.manage_token(supporter))
    # Each from an address of its own: the per-address limits are tested in abuse/tests.
    return client.generic(method, path, body, content_type=content_type, **another_client_address())


def problem_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content[:200]
    return response.json()


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    ['{"email": "a@rights.org",', "{'token': 'single quotes'}", "[" * 5000, b"\xff\xfe\x00{"],
    ids=["truncated", "not-json-quotes", "nested-too-deep", "binary"],
)
def test_a_body_that_is_not_json_is_a_400_naming_the_parse_error_and_changes_nothing(
    method, path, body, supporter, stored
):
    before = stored()

    response = send(method, path, supporter, body, "application/json")

    assert response.status_code == 400
    assert problem_of(response)["detail"].startswith("JSON parse error - ")
    assert stored() == before


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "image/png"])
def test_a_body_of_another_media_type_is_a_415_naming_it_and_changes_nothing(
    method, path, content_type, supporter, stored
):
    before = stored()

    response = send(method, path, supporter, '{"token": "x"}', content_type)

    assert response.status_code == 415
    assert problem_of(response)["detail"] == f'Unsupported media type "{content_type}" in request.'
    assert stored() == before


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
def test_a_huge_body_is_a_413_naming_the_limit_and_changes_nothing(method, path, supporter, stored):
    before = stored()
    huge = '{"token": "' + "x" * 1_000_000 + '", "email": "a@rights.org"}'

    response = send(method, path, supporter, huge, "application/json")

    assert response.status_code == 413
    assert "at most" in problem_of(response)["detail"]
    assert stored() == before


def test_a_huge_mailchimp_webhook_is_a_413_naming_the_limit_and_changes_nothing(
    client, supporter, stored
):
    before = stored()
    body = "type=unsubscribe&data[list_id]=test-audience&data[email]=" + "x" * 1_000_000

    response = client.generic(
        "POST",
        "/mailchimp/webhook/test-webhook-secret/",
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "at most" in problem_of(response)["detail"]
    assert stored() == before


def test_a_mailchimp_webhook_that_is_not_form_encoded_is_a_400_and_changes_nothing(
    client, supporter, stored
):
    before = stored()

    response = client.post(
        "/mailchimp/webhook/test-webhook-secret/",
        {"type": "unsubscribe", "data": {"email": supporter.email}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert problem_of(response)["detail"] == "The event names another audience (data[list_id])."
    assert stored() == before


@pytest.fixture
def hostile_interest() -> Interest:
    return Interest.objects.create(
        key="hostile",
        labels={"en": MARKUP, "fr": MARKUP},
        welcome_messages={"en": MARKUP},
        position=0,
    )


def assert_escaped(html: str) -> None:
    assert ESCAPED in html
    for part in RAW_PARTS:
        assert part not in html


@pytest.mark.parametrize("path", ["/subscribe/", "/fr/subscribe/", "/embed/signup/"])
def test_an_interest_label_with_markup_is_text_on_the_signup_forms(client, hostile_interest, path):
    html = client.get(path).content.decode()

    assert_escaped(html)


def test_an_interest_label_with_markup_is_text_on_the_preferences_page(client, hostile_interest):
    subscriber = SubscriberFactory(interests=[hostile_interest])

    html = client.get(f"/preferences/{links.manage_token(subscriber)}/").content.decode()

    assert_escaped(html)


def test_markup_in_labels_and_welcome_paragraphs_is_text_in_both_parts_of_the_emails(
    signup, api_client, hostile_interest, mailchimp, django_capture_on_commit_callbacks
):
    assert signup("reader@rights.org", name=MARKUP, interests=["hostile"]).status_code == 202
    confirmation = mail.outbox[-1]
    token = links_in(confirmation.body, "/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/subscriptions/confirm/", {"token": token}, format="json")
    welcome = mail.outbox[-1]

    for email in (confirmation, welcome):
        html = email.alternatives[0][0]
        assert_escaped(html)
        # The plain-text part is not HTML: the label reads as typed, not as entities.
        assert MARKUP in email.body
        assert "&lt;" not in email.body and "&amp;" not in email.body
    assert welcome.alternatives[0][0].count(ESCAPED) == 2  # the label and the paragraph
    assert Subscriber.objects.get(email="reader@rights.org").name == MARKUP


def links_in(text: str, marker: str) -> str:
    line = next(word for word in text.split() if marker in word)
    return line.rstrip("/").rsplit("/", 1)[1]
