"""Publish events purge the HTTP cache in front of the CMS (Wagtail's frontend cache)."""

import logging

import pytest

from cms.events import services
from cms.events.models import PublishEvent, PublishEventKind
from cms.monitor.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frontend_cache(receiver, settings):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "cms.events.frontend_cache.PurgeHTTPBackend",
            "LOCATION": receiver.url,
            "TIMEOUT": 2,
        }
    }
    return receiver


def test_an_event_purges_the_page_its_parent_its_api_detail_and_the_common_listings(
    monitor, frontend_cache
):
    article = ArticlePageFactory(parent=monitor, slug="river")
    article.save_revision().publish()
    event = PublishEvent.objects.get()

    services.frontend_cache_purge(event_id=event.pk)

    purged = {(request.headers["Host"], request.path) for request in frontend_cache.requests}
    assert {request.method for request in frontend_cache.requests} == {"PURGE"}
    assert ("localhost", "/monitor/river/") in purged
    assert ("localhost", "/monitor/") in purged
    assert ("127.0.0.1:8000", f"/api/v2/pages/{article.pk}/") in purged
    assert ("127.0.0.1:8000", "/api/v2/pages/find/?html_path=/monitor/river/") in purged
    assert ("127.0.0.1:8000", "/api/v2/pages/?type=monitor.ArticlePage&locale=en") in purged
    # No prefix purge by default: Debian's nginx purge module takes exact keys only.
    assert ("127.0.0.1:8000", "/api/v2/pages/*") not in purged


def test_a_move_also_purges_the_old_address(monitor, frontend_cache):
    page = ArticlePageFactory(parent=monitor, slug="river")
    event = services.publish_event_record(
        kind=PublishEventKind.MOVED, page=page, url_path_before="/test-home/monitor/old-river/"
    )

    urls = services.event_purge_urls(event)

    assert "http://localhost/monitor/old-river/" in urls
    assert "http://localhost/monitor/river/" in urls


def test_a_prefix_purge_of_every_listing_can_be_turned_on_for_caches_that_take_one(
    monitor, settings
):
    settings.CMS_FRONTEND_CACHE_PURGE_PREFIX = True
    ArticlePageFactory(parent=monitor).save_revision().publish()

    urls = services.event_purge_urls(PublishEvent.objects.get())

    assert "http://127.0.0.1:8000/api/v2/pages/*" in urls
    assert "http://127.0.0.1:8000/api/v2/pages/" in urls


def test_nothing_cached_to_purge_is_not_an_error(monitor, frontend_cache, caplog):
    ArticlePageFactory(parent=monitor).save_revision().publish()
    for _ in range(20):
        frontend_cache.answer(412)

    with caplog.at_level(logging.ERROR):
        services.frontend_cache_purge(event_id=PublishEvent.objects.get().pk)

    assert frontend_cache.requests
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_failing_cache_is_logged_and_does_not_stop_the_others(monitor, frontend_cache, caplog):
    ArticlePageFactory(parent=monitor).save_revision().publish()
    frontend_cache.answer(500)

    with caplog.at_level(logging.ERROR):
        urls = services.frontend_cache_purge(event_id=PublishEvent.objects.get().pk)

    assert len(frontend_cache.requests) == len(urls)
    assert any("Could not purge" in record.getMessage() for record in caplog.records)
