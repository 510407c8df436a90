"""Publish, unpublish, move and delete write an outbox event in the same transaction."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from cms.core.tests.factories import SectionPageFactory
from cms.events import tasks
from cms.events.models import (
    ContentGeneration,
    DeliveryStatus,
    PublishEvent,
    PublishEventKind,
    WebhookDelivery,
)
from cms.monitor.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def queued(monkeypatch):
    """Tasks queued on commit, recorded instead of sent to the broker."""
    calls = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "delay", lambda pk: calls.append(("deliver_webhook", pk))
    )
    monkeypatch.setattr(
        tasks.purge_frontend_cache, "delay", lambda pk: calls.append(("purge_frontend_cache", pk))
    )
    return calls


def test_publishing_an_article_records_an_event_with_what_a_receiver_needs(monitor, endpoint):
    article = ArticlePageFactory(parent=monitor, title="River defenders win", kind="statement")

    article.save_revision().publish()

    event = PublishEvent.objects.get()
    article.refresh_from_db()
    assert event.kind == PublishEventKind.PUBLISHED
    assert (event.page_id, event.page_type, event.locale) == (
        article.pk,
        "monitor.ArticlePage",
        "en",
    )
    assert event.url == f"http://localhost/monitor/{article.slug}/"
    assert event.url_path == article.url_path
    assert event.translation_key == article.translation_key
    assert event.title == "River defenders win"
    page = event.payload["page"]
    assert event.payload["id"] == str(event.uuid)
    assert event.payload["kind"] == "page.published"
    assert page["html_path"] == f"/monitor/{article.slug}/"
    assert page["api_url"] == f"http://127.0.0.1:8000/api/v2/pages/{article.pk}/"
    first_published_at = datetime.datetime.fromisoformat(page["first_published_at"])
    assert abs(first_published_at - article.first_published_at) < datetime.timedelta(seconds=0.001)
    assert page["translation_key"] == str(article.translation_key)
    assert page["article"]["kind"] == "statement"
    assert page["article"]["date"] == article.date.isoformat()


def test_each_configured_endpoint_gets_one_pending_delivery(monitor, endpoint):
    ArticlePageFactory(parent=monitor).save_revision().publish()

    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == "newsletter_service"
    assert delivery.url == endpoint.url
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert delivery.next_attempt_at <= timezone.now()


def test_a_publish_rolled_back_leaves_no_event_and_no_delivery(monitor, endpoint):
    article = ArticlePageFactory(parent=monitor, live=False)
    generation = ContentGeneration.objects.first()

    with pytest.raises(Boom), transaction.atomic():
        article.save_revision().publish()
        assert PublishEvent.objects.count() == 1  # written inside the transaction...
        raise Boom

    assert PublishEvent.objects.count() == 0  # ...and rolled back with it
    assert WebhookDelivery.objects.count() == 0
    assert ContentGeneration.objects.first() == generation
    article.refresh_from_db()
    assert not article.live


def test_deliveries_and_purges_are_queued_only_once_the_transaction_commits(
    monitor, endpoint, queued, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": "x", "LOCATION": "http://cache"}}
    article = ArticlePageFactory(parent=monitor)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.save_revision().publish()
        assert queued == []

    for callback in callbacks:
        callback()
    event = PublishEvent.objects.get()
    assert queued == [
        ("deliver_webhook", event.deliveries.get().pk),
        ("purge_frontend_cache", event.pk),
    ]


def test_a_publish_scheduled_for_later_records_nothing(monitor):
    article = ArticlePageFactory(parent=monitor, live=False)
    article.go_live_at = timezone.now() + datetime.timedelta(days=1)

    article.save_revision().publish()

    assert PublishEvent.objects.count() == 0


def test_saving_a_draft_records_nothing(monitor):
    article = ArticlePageFactory(parent=monitor)
    before = ContentGeneration.objects.values_list("number", flat=True).first()
    article.title = "A draft title"

    article.save_revision()

    assert PublishEvent.objects.count() == 0
    assert ContentGeneration.objects.values_list("number", flat=True).first() == before


def test_unpublishing_records_an_event(monitor):
    article = ArticlePageFactory(parent=monitor)

    article.unpublish()

    event = PublishEvent.objects.get()
    assert event.kind == PublishEventKind.UNPUBLISHED
    assert event.payload["page"]["live"] is False
    assert event.url == f"http://localhost/monitor/{article.slug}/"


def test_moving_a_page_records_its_new_and_previous_address(monitor):
    section = SectionPageFactory(parent=monitor.get_parent(), slug="archive")
    page = SectionPageFactory(parent=monitor.get_parent(), slug="old-news")

    page.move(section, pos="last-child")

    event = PublishEvent.objects.get()
    assert event.kind == PublishEventKind.MOVED
    assert event.url == "http://localhost/archive/old-news/"
    assert event.payload["previous"]["url"] == "http://localhost/old-news/"
    assert event.payload["previous"]["html_path"] == "/old-news/"


def test_deleting_a_page_records_an_event_for_it_and_each_live_descendant(monitor):
    first = ArticlePageFactory(parent=monitor)
    ArticlePageFactory(parent=monitor, live=False)

    monitor.delete()

    events = PublishEvent.objects.all()
    assert {(event.kind, event.page_id) for event in events} == {
        (PublishEventKind.DELETED, monitor.pk),
        (PublishEventKind.DELETED, first.pk),
    }
    deleted = events.get(page_id=first.pk)
    assert deleted.url == f"http://localhost/monitor/{first.slug}/"
    assert deleted.page_type == "monitor.ArticlePage"


def test_an_unpublish_in_the_admin_that_fails_midway_leaves_the_page_live_and_no_event(
    client, monitor, django_user_model
):
    article = ArticlePageFactory(parent=monitor)
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x"))

    def fail(request, page):
        raise Boom

    with hooks.register_temporarily("after_unpublish_page", fail), pytest.raises(Boom):
        client.post(f"/admin/pages/{article.pk}/unpublish/", HTTP_HOST="localhost")

    article.refresh_from_db()
    assert article.live
    assert PublishEvent.objects.count() == 0


def test_an_unpublish_in_the_admin_records_its_event(client, monitor, django_user_model):
    article = ArticlePageFactory(parent=monitor)
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x"))

    response = client.post(f"/admin/pages/{article.pk}/unpublish/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert PublishEvent.objects.get().kind == PublishEventKind.UNPUBLISHED
