"""The CMS client and content snapshots, against the CMS stand-in on 127.0.0.1."""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter_service.content.clients.cms import (
    CmsClient,
    CmsContentNotFound,
    CmsUnavailable,
)
from newsletter_service.content.services import SnapshotEmpty, snapshot_build

ANNUAL_REPORT = 55
ENGLISH_WITH_FRENCH = 9
FRENCH_OF_IT = 70
ENGLISH_ONLY = 46


def test_a_page_comes_with_every_field_of_its_type(fake_cms):
    page = CmsClient().page(ENGLISH_ONLY)

    assert page["meta"]["type"] == "monitor.ArticlePage"
    assert {"summary", "body", "hero_image", "themes", "countries", "authors"} <= set(page)
    assert fake_cms.requests[-1] == (f"/api/v2/pages/{ENGLISH_ONLY}/", {"fields": "*"})


def test_a_translation_is_found_by_locale_and_translation_of(fake_cms):
    client = CmsClient()
    page = client.page(ENGLISH_WITH_FRENCH)

    french = client.page_translation(
        page_id=page["id"], page_type=page["meta"]["type"], language="fr"
    )

    assert french["id"] == FRENCH_OF_IT
    assert french["meta"]["locale"] == "fr"
    assert (
        client.page_translation(
            page_id=ENGLISH_ONLY, page_type="monitor.ArticlePage", language="fr"
        )
        is None
    )


def test_articles_published_after_a_moment_are_listed_newest_first_by_filter(fake_cms):
    now = datetime.now(UTC)
    fake_cms.publish(46, at=now - timedelta(minutes=2))
    fake_cms.publish(47, at=now - timedelta(minutes=1))

    client = CmsClient()
    recent = client.monitor_articles(language="en", published_after=now - timedelta(minutes=5))
    civic = client.monitor_articles(
        language="en",
        published_after=now - timedelta(minutes=5),
        themes=["civic-space"],
        countries=["UA"],
    )

    assert [article["id"] for article in recent] == [47, 46]
    assert [article["id"] for article in civic] == [47]
    listing = [query for path, query in fake_cms.requests if path == "/api/v2/pages/"][-1]
    assert listing["theme"] == "civic-space" and listing["published_after"].endswith("+00:00")


def test_an_unpublished_page_is_content_not_found_naming_it(fake_cms):
    fake_cms.unpublish(ENGLISH_ONLY)

    with pytest.raises(CmsContentNotFound, match=str(ENGLISH_ONLY)):
        CmsClient().page(ENGLISH_ONLY)


def test_an_unreachable_cms_is_cms_unavailable_after_the_safe_retries(fake_cms):
    fake_cms.fail_next(3, status=503)

    with pytest.raises(CmsUnavailable):
        CmsClient().page(ENGLISH_ONLY)
    assert len(fake_cms.requests) == 3  # the first try and two retries of a GET


def test_a_refused_connection_is_cms_unavailable(settings):
    settings.CMS = {**settings.CMS, "url": "http://127.0.0.1:9", "timeout": 1.0}

    with pytest.raises(CmsUnavailable):
        CmsClient(retries=0).page(1)


def _snapshot(language, page_ids):
    return snapshot_build(
        kind="single",
        language=language,
        subject="Subject",
        preview_text="Preview",
        intro="Intro",
        page_ids=page_ids,
    )


def test_a_snapshot_holds_the_pages_in_the_campaigns_language(fake_cms):
    snapshot = _snapshot("fr", [ENGLISH_WITH_FRENCH])

    assert [page["id"] for page in snapshot["pages"]] == [FRENCH_OF_IT]
    assert snapshot["language"] == "fr" and snapshot["kind"] == "single"
    assert snapshot["cms_base_url"] == "https://cms.example.org"
    assert {"subject", "preview_text", "intro", "fetched_at"} <= set(snapshot)


def test_untranslated_pages_are_skipped_by_default(fake_cms, settings):
    settings.NEWSLETTER_TRANSLATION_FALLBACK = "skip"

    snapshot = _snapshot("fr", [ENGLISH_WITH_FRENCH, ENGLISH_ONLY])

    assert [page["id"] for page in snapshot["pages"]] == [FRENCH_OF_IT]
    assert snapshot["missing_translations"] == [ENGLISH_ONLY]
    with pytest.raises(SnapshotEmpty, match=str(ENGLISH_ONLY)):
        _snapshot("fr", [ENGLISH_ONLY])


def test_untranslated_pages_are_sent_in_the_default_language_when_configured(fake_cms, settings):
    settings.NEWSLETTER_TRANSLATION_FALLBACK = "default_language"

    snapshot = _snapshot("es", [ENGLISH_ONLY, ANNUAL_REPORT])

    assert [page["id"] for page in snapshot["pages"]] == [ENGLISH_ONLY, ANNUAL_REPORT]
    assert snapshot["fallback_pages"] == [ENGLISH_ONLY, ANNUAL_REPORT]
