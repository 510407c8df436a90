"""Delivering publish events as signed webhooks to a real HTTP server on 127.0.0.1."""

import datetime
import json

import pytest
from django.utils import timezone

from cms.events import services, tasks
from cms.events.models import DeliveryStatus, WebhookDelivery
from cms.events.tests.conftest import SECRET
from cms.monitor.tests.factories import ArticlePageFactory
from platform_common import webhooks
from platform_common.celery import celery_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(monitor, endpoint):
    ArticlePageFactory(parent=monitor, title="River defenders win").save_revision().publish()
    return WebhookDelivery.objects.get()


def attempt(delivery):
    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return outcome


def make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_posts_the_event_signed_so_the_receiver_can_verify_it(delivery, receiver):
    outcome = attempt(delivery)

    assert outcome.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert (request.method, request.path) == ("POST", "/hooks/cms/")
    assert request.headers["Content-Type"] == "application/json"
    webhook_id = webhooks.verify(body=request.body, headers=request.headers, secrets=[SECRET])
    assert webhook_id == str(delivery.event.uuid)
    body = json.loads(request.body)
    assert body == delivery.event.payload
    assert body["page"]["title"] == "River defenders win"
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_a_delivered_webhook_is_never_sent_again(delivery, receiver):
    attempt(delivery)
    make_due(delivery)

    outcome = attempt(delivery)

    assert outcome.status == "skipped"
    assert len(receiver.requests) == 1
    assert delivery.attempts == 1


def test_a_503_is_retried_later_and_the_next_attempt_delivers(delivery, receiver):
    receiver.answer(503)

    first = attempt(delivery)

    assert first.status == DeliveryStatus.PENDING
    assert services.RETRY_BASE_DELAY / 2 <= first.retry_in <= services.RETRY_BASE_DELAY
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 503
    assert "503" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    assert attempt(delivery).status == "skipped"  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    make_due(delivery)
    second = attempt(delivery)

    assert second.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    # The same event id both times: the receiver de-duplicates on it.
    assert {request.headers["Webhook-Id"] for request in receiver.requests} == {
        str(delivery.event.uuid)
    }


def test_a_429_waits_at_least_as_long_as_retry_after_asks(delivery, receiver):
    receiver.answer(429, {"Retry-After": "120"})

    outcome = attempt(delivery)

    assert outcome.retry_in == 120
    assert delivery.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=119)


def test_a_404_fails_the_delivery_without_retrying(delivery, receiver):
    receiver.answer(404)

    outcome = attempt(delivery)

    assert outcome == services.DeliveryOutcome(status=DeliveryStatus.FAILED)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_status_code == 404
    make_due(delivery)
    assert attempt(delivery).status == "skipped"
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed_and_fails_the_delivery(delivery, receiver):
    receiver.answer(301, {"Location": "https://elsewhere.example.org/"})

    attempt(delivery)

    assert delivery.status == DeliveryStatus.FAILED
    assert "redirect" in delivery.last_error
    assert len(receiver.requests) == 1


def test_a_timeout_is_retried(delivery, receiver, settings):
    settings.CMS_WEBHOOK_TIMEOUT = 0.2
    receiver.answer(200, delay=1.0)

    outcome = attempt(delivery)

    assert outcome.status == DeliveryStatus.PENDING
    assert "timed out" in delivery.last_error
    assert delivery.last_status_code is None


def test_a_refused_connection_is_retried(monitor, settings):
    endpoint = webhooks.WebhookEndpoint(name="down", url="http://127.0.0.1:9/", secrets=("k",))
    settings.CMS_WEBHOOK_ENDPOINTS = {"down": endpoint}
    ArticlePageFactory(parent=monitor).save_revision().publish()
    delivery = WebhookDelivery.objects.get()

    outcome = attempt(delivery)

    assert outcome.status == DeliveryStatus.PENDING
    assert "connection failed" in delivery.last_error


def test_retries_stop_after_the_maximum_number_of_attempts(delivery, receiver, settings):
    settings.CMS_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answer(500)
    receiver.answer(502, delay=0)

    attempt(delivery)
    make_due(delivery)
    outcome = attempt(delivery)

    assert outcome.status == DeliveryStatus.FAILED
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert delivery.last_error.startswith("gave up after 2 attempts")


def test_a_long_error_is_truncated(delivery, receiver, monkeypatch):
    from cms.events.clients import webhooks as client

    def fail(self, endpoint, *, body, webhook_id):
        raise client.WebhookTemporaryError("x" * 5000, status_code=503)

    monkeypatch.setattr(client.WebhookClient, "post", fail)

    attempt(delivery)

    assert len(delivery.last_error) == services.ERROR_MAX_LENGTH


def test_a_delivery_to_an_endpoint_removed_from_settings_fails(delivery, receiver, settings):
    settings.CMS_WEBHOOK_ENDPOINTS = {}

    attempt(delivery)

    assert delivery.status == DeliveryStatus.FAILED
    assert "no longer configured" in delivery.last_error
    assert receiver.requests == []


def test_a_delivery_being_sent_by_one_worker_is_not_sent_by_another(delivery, receiver):
    claimed = services._claim(delivery.pk)

    assert claimed is not None
    assert attempt(delivery).status == "skipped"  # leased until the first worker is done
    assert receiver.requests == []


def test_the_backoff_grows_exponentially_with_jitter_and_stays_below_the_visibility_timeout():
    delays = [services.retry_delay(attempts) for attempts in range(1, 15)]

    assert 5 <= delays[0] <= 10
    assert 40 <= delays[3] <= 80
    assert max(delays) <= services.RETRY_MAX_DELAY
    assert len({services.retry_delay(3) for _ in range(20)}) > 1
    assert services.retry_delay(1, retry_after=10_000) == services.RETRY_MAX_DELAY
    visibility = celery_settings("cms")["CELERY_BROKER_TRANSPORT_OPTIONS"].get(
        "visibility_timeout", 3600
    )
    assert services.RETRY_MAX_DELAY + tasks.deliver_webhook.time_limit < visibility


def test_the_task_asks_celery_to_retry_after_the_backoff(delivery, receiver, monkeypatch):
    receiver.answer(503)
    asked = []

    class Retry(Exception):
        pass

    def retry(*, countdown):
        asked.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.deliver_webhook, "retry", retry)

    with pytest.raises(Retry):
        tasks.deliver_webhook.run(delivery.pk)

    delivery.refresh_from_db()
    assert len(asked) == 1
    assert services.RETRY_BASE_DELAY / 2 <= asked[0] <= services.RETRY_BASE_DELAY
    assert delivery.status == DeliveryStatus.PENDING


def test_the_task_returns_the_outcome_when_delivered(delivery, receiver):
    assert tasks.deliver_webhook.run(delivery.pk) == DeliveryStatus.DELIVERED


def test_the_sweeper_queues_again_only_deliveries_whose_retry_is_overdue(
    delivery, receiver, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=long_ago)
    delivered = WebhookDelivery.objects.create(
        event=delivery.event,
        endpoint="other",
        url="http://127.0.0.1:9/",
        status=DeliveryStatus.DELIVERED,
        next_attempt_at=long_ago,
    )
    WebhookDelivery.objects.create(
        event=delivery.event,
        endpoint="just-retried",
        url="http://127.0.0.1:9/",
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=5),
    )

    assert tasks.sweep_webhook_deliveries.run() == 1
    assert queued == [delivery.pk]
    assert delivered.pk not in queued


def test_the_sweeper_runs_every_minute_from_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["cms-sweep-webhook-deliveries"]

    assert entry["task"] == tasks.sweep_webhook_deliveries.name
    assert entry["schedule"] == 60.0
