"""Fixtures shared by the newsletter service's tests.

Real parts: PostgreSQL, the fake Mailchimp (a real HTTP server driven by the
real SDK), a stand-in CMS serving answers recorded from the real content API,
and a stand-in of the subscriber service's audience endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from fake_mailchimp.server import FakeMailchimp
from newsletter_service.content.tests.fake_cms import FakeCms
from newsletter_service.content.tests.fake_subscribers import FakeSubscriberService
from platform_common.mailchimp import subscriber_hash

pytest_plugins = ["fake_mailchimp.pytest_plugin"]

# Credentials of the test run only.
CMS_TOKEN = "cms-calls-newsletter"  # noqa: S105
SUBSCRIBER_SERVICE_TOKEN = "subscriber-service-calls-newsletter"  # noqa: S105
OUTGOING_TOKEN = "newsletter-calls-subscribers"  # noqa: S105
INTERESTS = ("monitor", "news", "events", "appeals")


@pytest.fixture(autouse=True)
def service_clients(settings):
    settings.SERVICE_CLIENTS = {"cms": CMS_TOKEN, "subscriber_service": SUBSCRIBER_SERVICE_TOKEN}


class MovableClock:
    """Mailchimp's clock in the fake: now, plus however far a test moved it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def mailchimp_clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def fake_mailchimp(mailchimp_clock):
    """The plugin's fake Mailchimp, with a clock tests can move (scheduled sends)."""
    with FakeMailchimp(clock=mailchimp_clock) as fake:
        yield fake


@pytest.fixture
def fake_cms(settings):
    cms = FakeCms().start()
    settings.CMS = {**settings.CMS, "url": cms.url, "token": "newsletter-calls-cms", "timeout": 2.0}
    settings.NEWSLETTER_CMS_PUBLIC_URL = "https://cms.example.org"
    yield cms
    cms.stop()


@pytest.fixture
def mailchimp(fake_mailchimp, settings):
    """The fake Mailchimp with the service pointed at it and a "Topics" group of interests."""
    settings.MAILCHIMP = fake_mailchimp.django_settings(settings.MAILCHIMP)
    settings.NEWSLETTER_SEND_BACKEND = "mailchimp"
    for key in INTERESTS:
        fake_mailchimp.add_interest("Topics", key)
    yield fake_mailchimp
    # Every request the service sent, and every answer it got, is Mailchimp's spec.
    if fake_mailchimp.spec_violations or fake_mailchimp.response_violations:
        pytest.fail(
            f"Mailchimp spec violations: {fake_mailchimp.spec_violations} "
            f"{fake_mailchimp.response_violations}"
        )


@pytest.fixture
def subscribers(mailchimp, settings):
    """The subscriber service's audience mapping, pointing at the fake Mailchimp's groups."""
    category = mailchimp.interest_category_id("Topics")
    audience = {
        "audience_id": mailchimp.list_id,
        "languages": ["en", "fr", "es"],
        "interests": [
            {
                "key": key,
                "labels": {"en": key},
                "mailchimp_category_id": category,
                "mailchimp_interest_id": mailchimp.add_interest("Topics", key),
            }
            for key in INTERESTS
        ],
    }
    service = FakeSubscriberService(audience=audience, token=OUTGOING_TOKEN).start()
    settings.SUBSCRIBER_SERVICE = {
        **settings.SUBSCRIBER_SERVICE,
        "url": service.url,
        "token": OUTGOING_TOKEN,
        "timeout": 2.0,
    }
    yield service
    service.stop()


@pytest.fixture
def add_member(mailchimp):
    """Subscribe an address to the fake Mailchimp audience, with a language and interests."""
    client = mailchimp.sdk_client()

    def add(email: str, *, language: str, interests: list[str]) -> None:
        ids = {key: mailchimp.add_interest("Topics", key) for key in INTERESTS}
        client.lists.set_list_member(
            mailchimp.list_id,
            subscriber_hash(email),
            {
                "email_address": email,
                "status_if_new": "subscribed",
                "status": "subscribed",
                "language": language,
                "interests": {ids[key]: key in interests for key in INTERESTS},
            },
        )

    return add


@pytest.fixture
def staff_client(db) -> APIClient:
    user = get_user_model().objects.create_user("editor", is_staff=True)
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def cms_client() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {CMS_TOKEN}")
    return client


@pytest.fixture
def platform(fake_cms, subscribers, mailchimp, django_capture_on_commit_callbacks):
    """Everything a campaign goes through, with on-commit tasks run as they are queued."""
    return {"cms": fake_cms, "mailchimp": mailchimp, "subscribers": subscribers}


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a call's on-commit callbacks (the tasks it queues) as a real commit would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def old_content(fake_cms):
    """Every recorded page first published a month ago: nothing is new for a digest."""
    month_ago = datetime.now(UTC) - timedelta(days=30)
    for page_id in list(fake_cms.pages):
        fake_cms.publish(page_id, at=month_ago)
    return fake_cms
