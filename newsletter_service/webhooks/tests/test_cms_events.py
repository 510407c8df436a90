"""The CMS's signed publish webhooks: verified, stored once, handled by a task."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from newsletter_service.campaigns.models import Campaign
from newsletter_service.webhooks.models import CmsEvent
from platform_common.webhooks import sign

pytestmark = pytest.mark.django_db

SECRET = "test-cms-webhook-secret"


def _event(page_id=46, page_type="monitor.ArticlePage", locale="en", kind="page.published"):
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "occurred_at": datetime.now(UTC).isoformat(),
        "page": {"id": page_id, "type": page_type, "locale": locale, "title": "An article"},
    }


def _post(payload, *, secret=SECRET, timestamp=None, webhook_id=None, tamper=False):
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = sign(
        body=body,
        webhook_id=webhook_id or payload["id"],
        secrets=[secret],
        timestamp=timestamp,
    )
    if tamper:
        body = body.replace(b"An article", b"Another one")
    return APIClient().post(
        "/api/v1/cms-events/",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def fresh_article(old_content, subscribers):
    old_content.publish(46, at=datetime.now(UTC) - timedelta(minutes=1))
    return old_content


def test_a_published_monitor_article_creates_the_next_digest_draft(fresh_article, run_on_commit):
    answer = run_on_commit(_post, _event())

    assert answer.status_code == 202, answer.content
    event = CmsEvent.objects.get()
    assert (event.status, event.page_id, event.locale) == ("done", 46, "en")
    draft = Campaign.objects.get(kind="digest", language="en", state="draft")
    assert draft.page_ids == [46]
    assert draft.transitions.get().actor == "system:cms-event"


def test_a_redelivered_or_replayed_event_is_acknowledged_and_not_handled_again(
    fresh_article, run_on_commit
):
    payload = _event()
    run_on_commit(_post, payload)

    again = run_on_commit(_post, payload)

    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    assert CmsEvent.objects.count() == 1
    assert Campaign.objects.count() == 1


def test_other_pages_are_received_and_ignored(fresh_article, run_on_commit):
    run_on_commit(_post, _event(page_id=55, page_type="reports.AnnualReportPage"))

    assert CmsEvent.objects.get().status == "ignored"
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"secret": "not-the-secret"}, "signature"),
        ({"tamper": True}, "signature"),
        ({"timestamp": int(time.time()) - 600}, "Webhook-Timestamp"),
        ({"timestamp": int(time.time()) + 600}, "Webhook-Timestamp"),
    ],
)
def test_a_bad_signature_or_a_timestamp_outside_the_window_is_refused(change, named):
    answer = _post(_event(), **change)

    assert answer.status_code == 401
    assert named in answer.json()["detail"]
    assert not CmsEvent.objects.exists()


def test_an_unsigned_request_is_refused():
    answer = APIClient().post("/api/v1/cms-events/", _event(), format="json")

    assert answer.status_code == 401
    assert "missing header" in answer.json()["detail"]


def test_without_a_configured_secret_every_event_is_refused_for_now(settings):
    settings.CMS_WEBHOOK_SECRETS = []

    answer = _post(_event())

    assert answer.status_code == 503
    assert not CmsEvent.objects.exists()
