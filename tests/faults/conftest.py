"""Fixtures of the fault tests: production-like workers with beat, and a fake Mailchimp reset.

The tests reuse the session's ``platform`` (three services on their own
databases, Redis db 13, the fake Mailchimp, the SMTP sink). What they need
that the harness does not run is set up here, once for the package.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import requests

from fake_mailchimp.server import FakeMailchimp
from tests.faults.support import LEASE_SECONDS, wait_until
from tests.harness import Backing, ServiceProcesses, stop_process

WORKER_ENVIRONMENT = {
    "subscriber_service": {"OUTBOX_LEASE_SECONDS": LEASE_SECONDS},
    "newsletter_service": {
        "NEWSLETTER_SYNC_LEASE_SECONDS": LEASE_SECONDS,
        "NEWSLETTER_SWEEP_SECONDS": "5",
        # The digest a build prepares is sent at once: a build is then a send too.
        "NEWSLETTER_DIGEST_AUTO_SEND": "true",
    },
}
# Production runs prefork workers (compose: --concurrency 2); the subscriber service
# gets 4 children here so that 1,000 confirmations clear within the test's budget.
WORKER_CONCURRENCY = {"subscriber_service": 4, "newsletter_service": 2}
# Celery beat runs from the start for the newsletter service only. The subscriber
# service's sweeper queues every due message again each sweep, including the many
# whose task is only waiting behind a backlog: under the tests' bursts (every 5 s, up
# to 1,000 at a time) it would multiply the work; the tests of the sweeper start it.
BEAT_FROM_THE_START = {"subscriber_service": False, "newsletter_service": True}


@pytest.fixture(scope="package", autouse=True)
def postgresql_and_redis(backing: Backing) -> None:
    """These tests cut PostgreSQL, restart Redis and read the services' databases."""
    if not backing.real:
        pytest.skip("the fault tests need DATABASE_URL and REDIS_URL (PostgreSQL and Redis)")


@pytest.fixture(scope="package")
def workers(platform: dict[str, ServiceProcesses]) -> Iterator[dict[str, ServiceProcesses]]:
    """The subscriber and newsletter services' Celery workers and beats, for this package.

    In place of the harness's solo worker, each service runs a prefork worker
    (tasks in child processes, acks_late, reject_on_worker_lost) and, for the
    newsletter service, Celery beat, whose sweeper (every 5 s) queues again
    what a lost task or a dead worker left behind. Each item shares its
    service's database, broker and web process; a test may kill its worker
    and start another, or start beat. The platform gets its solo workers back
    at the end.
    """
    started: dict[str, ServiceProcesses] = {}
    try:
        for name, extra in WORKER_ENVIRONMENT.items():
            service = platform[name]
            if service.worker is not None:
                stop_process(service.worker)
            clone = dataclasses.replace(
                service, env={**service.env, **extra}, web=None, worker=None, beat=None
            )
            started[name] = clone
            clone.start_worker(pool="prefork", concurrency=WORKER_CONCURRENCY[name])
            if BEAT_FROM_THE_START[name]:
                clone.start_beat()
        yield started
    finally:
        for name, clone in started.items():
            clone.stop()
            platform[name].start_worker()


@pytest.fixture(autouse=True)
def mailchimp_without_faults(mailchimp: FakeMailchimp) -> Iterator[FakeMailchimp]:
    """The session's fake Mailchimp, with whatever a test injected taken away after it."""
    latency, timeout_hold = mailchimp.latency, mailchimp.timeout_hold
    yield mailchimp
    mailchimp.clear_faults()
    mailchimp.latency, mailchimp.timeout_hold = latency, timeout_hold


@pytest.fixture(scope="package")
def interests(platform: dict[str, ServiceProcesses], mailchimp: FakeMailchimp) -> dict[str, str]:
    """The subscriber service's interests mapped to Mailchimp groups: key -> interest id."""
    mapped = {key: mailchimp.add_interest("Topics", key) for key in ("monitor", "news")}
    category = mailchimp.interest_category_id("Topics")
    script = "".join(
        "from subscriber_service.subscriptions.models import Interest; "
        f"Interest.objects.filter(key={key!r}).update("
        f"mailchimp_interest_id={interest_id!r}, mailchimp_category_id={category!r}); "
        for key, interest_id in mapped.items()
    )
    platform["subscriber_service"].manage("shell", "-c", script)
    return mapped


ARTICLE_SCRIPT = """
from wagtail.models import Locale

from cms.home.demo import home_page_ensure
from cms.monitor.models import ArticlePage, MonitorIndexPage

# The languages the newsletter service builds digests in (the demo content makes them too).
for code in ("en", "fr", "es"):
    Locale.objects.get_or_create(language_code=code)
home = home_page_ensure()
monitor = MonitorIndexPage.objects.child_of(home).first()
if monitor is None:
    monitor = MonitorIndexPage(title="Human Rights Monitor", slug="monitor")
    home.add_child(instance=monitor)
    monitor.save_revision().publish()
article = ArticlePage(
    title="Defenders released after international attention",
    slug="defenders-released",
    summary="Three defenders held for a month were released on Monday.",
    body=[{"type": "rich_text", "value": "<p>They thank everyone who wrote.</p>"}],
)
monitor.add_child(instance=article)
article.save_revision().publish()
print(article.pk)
"""


@pytest.fixture(scope="package")
def monitor_article(
    platform: dict[str, ServiceProcesses], service_tokens: dict[tuple[str, str], str]
) -> int:
    """A Monitor article published in English in the platform's CMS: its page id.

    When the CMS sends publish events to the newsletter service, this waits
    until the event has refreshed the English digest draft, so that no test
    meets that refresh half-way.
    """
    cms, newsletter = platform["cms"], platform["newsletter_service"]
    created = cms.manage("shell", "-c", ARTICLE_SCRIPT)
    article = int(created.stdout.strip().splitlines()[-1])
    if "newsletter_service=" in cms.env.get("CMS_WEBHOOK_ENDPOINTS", ""):
        token = service_tokens[("cms", "newsletter_service")]

        def refreshed() -> bool:
            listed = requests.get(
                f"{newsletter.url}/api/v1/campaigns/?kind=digest&state=draft&page_id={article}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            return bool(listed.json()["results"])

        wait_until(refreshed, timeout=60, what="the publish event refreshing the digest draft")
    return article
