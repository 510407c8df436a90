"""Caching of the content API: validators, 304s, the server cache and its invalidation."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from redis.exceptions import ConnectionError as RedisConnectionError

from cms.api import caching
from cms.api.views import PagesViewSet
from cms.core.tests.factories import home_page
from cms.events.selectors import content_generation
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.taxonomy.tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=monitor.ArticlePage&fields=title,countries"


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


@pytest.fixture
def article(monitor):
    page = ArticlePageFactory(parent=monitor, title="River defenders win a hearing")
    page.save_revision().publish()
    return page


def get(client, url, **headers):
    response = client.get(url, HTTP_HOST="localhost", **headers)
    assert response.status_code in (200, 304), response.content[:300]
    return response


def titles(response):
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def serializer_calls(monkeypatch):
    calls = []
    original = PagesViewSet.get_serializer

    def spy(self, *args, **kwargs):
        calls.append(self.action)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PagesViewSet, "get_serializer", spy)
    return calls


def test_listings_and_details_carry_etag_last_modified_and_public_cache_control(
    client, article, settings
):
    settings.CMS_API_CACHE_MAX_AGE = 30
    settings.CMS_API_CACHE_STALE_WHILE_REVALIDATE = 120

    for url in (LISTING, f"/api/v2/pages/{article.pk}/", "/api/v2/images/"):
        response = get(client, url)

        assert response["ETag"].startswith('W/"')
        assert response["Last-Modified"].endswith(" GMT")
        assert response["Cache-Control"] == "public, max-age=30, stale-while-revalidate=120"


def test_a_request_with_a_matching_etag_gets_a_304_without_query_or_serializer(
    client, article, serializer_calls
):
    etag = get(client, LISTING)["ETag"]
    serializer_calls.clear()

    with CaptureQueriesContext(connection) as queries:
        response = get(client, LISTING, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert len(queries) == 0
    assert serializer_calls == []


def test_an_etag_is_valid_for_its_own_url_only(client, article):
    etag = get(client, LISTING)["ETag"]

    response = get(client, f"/api/v2/pages/{article.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200


def test_if_modified_since_alone_gets_a_304_until_content_changes(client, article):
    last_modified = get(client, LISTING)["Last-Modified"]

    assert get(client, LISTING, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(time.time() - 3600)
    # Only when If-None-Match is absent: a stale ETag wins over a fresh date.
    assert get(client, LISTING, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    assert (
        get(
            client, LISTING, HTTP_IF_MODIFIED_SINCE=last_modified, HTTP_IF_NONE_MATCH='W/"old"'
        ).status_code
        == 200
    )

    article.title = "Changed"
    article.save_revision().publish()

    assert get(client, LISTING, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_a_repeated_request_is_served_from_the_server_cache_without_a_query(
    client, article, serializer_calls
):
    first = get(client, LISTING)
    serializer_calls.clear()

    with CaptureQueriesContext(connection) as queries:
        second = get(client, LISTING)

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "application/json"
    assert len(queries) == 0
    assert serializer_calls == []


def test_a_publish_makes_the_next_listing_and_detail_fresh_within_a_second(
    client, monitor, article, django_capture_on_commit_callbacks
):
    detail = f"/api/v2/pages/{article.pk}/"
    before = {url: get(client, url) for url in (LISTING, detail)}
    assert get(client, LISTING)["X-Cache"] == "hit"
    other = ArticlePageFactory(parent=monitor, title="Council session opens", live=False)

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "River defenders win on appeal"
        article.save_revision().publish()
        other.save_revision().publish()
    published = time.monotonic()
    listing, fresh_detail = get(client, LISTING), get(client, detail)
    elapsed = time.monotonic() - published

    assert sorted(titles(listing)) == ["Council session opens", "River defenders win on appeal"]
    assert fresh_detail.json()["title"] == "River defenders win on appeal"
    assert listing["ETag"] != before[LISTING]["ETag"]
    assert fresh_detail["ETag"] != before[detail]["ETag"]
    assert get(client, LISTING, HTTP_IF_NONE_MATCH=before[LISTING]["ETag"]).status_code == 200
    assert elapsed < 1.0
    print(f"publish to fresh listing and detail: {elapsed * 1000:.1f} ms")


def test_a_page_made_private_leaves_the_cached_listing_and_detail_at_once(
    client, article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    detail = f"/api/v2/pages/{article.pk}/"
    assert titles(get(client, LISTING)) == [article.title]
    assert get(client, LISTING)["X-Cache"] == "hit"
    assert get(client, detail).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="only-us"
        )

    assert titles(get(client, LISTING)) == []
    assert client.get(detail).status_code == 404


def test_the_generation_moves_again_when_the_publish_commits(
    article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
        during = content_generation()[0]

    # Anything cached by another request before the commit (old content) is abandoned.
    assert content_generation()[0] > during


def test_an_unpublished_article_leaves_the_listing_at_once(client, monitor, article):
    kept = ArticlePageFactory(parent=monitor, title="Kept")
    kept.save_revision().publish()
    assert sorted(titles(get(client, LISTING))) == ["Kept", "River defenders win a hearing"]

    article.unpublish()

    assert titles(get(client, LISTING)) == ["Kept"]
    assert client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST="localhost").status_code == 404


def test_a_draft_edit_does_not_invalidate_anything(client, article):
    first = get(client, LISTING)
    article.title = "A draft nobody should see"

    article.save_revision()
    second = get(client, LISTING)

    assert second["X-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]
    assert titles(second) == ["River defenders win a hearing"]


def test_renaming_a_country_shown_in_articles_invalidates_them(client, monitor):
    country = CountryFactory(iso_code="KE", name="Kenya")
    page = ArticlePageFactory(parent=monitor, countries=[country])
    page.save_revision().publish()
    first = get(client, LISTING)

    country.name = "Republic of Kenya"
    country.save()
    second = get(client, LISTING)

    assert second["ETag"] != first["ETag"]
    assert second.json()["items"][0]["countries"][0]["name"] == "Republic of Kenya"


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (LISTING, {"HTTP_AUTHORIZATION": "Bearer something"}),
        (LISTING + "&token=abc", {}),
        (LISTING, {"HTTP_COOKIE": "sessionid=abc"}),
    ],
    ids=["authorization", "preview-token", "session"],
)
def test_requests_with_credentials_or_a_preview_token_are_never_cached(
    client, article, url, headers
):
    for _ in range(2):
        response = client.get(url, HTTP_HOST="localhost", **headers)

        assert response["Cache-Control"] == "private, no-store"
        assert not response.has_header("ETag")
        assert not response.has_header("X-Cache")


def test_an_unreachable_cache_leaves_the_api_answering_uncached(client, article, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise RedisConnectionError("cache is down")

            return down

    monkeypatch.setattr(caching, "cache", Down())
    monkeypatch.setattr("cms.events.selectors.cache", Down())

    response = get(client, LISTING)

    assert titles(response) == ["River defenders win a hearing"]
    assert not response.has_header("ETag")
