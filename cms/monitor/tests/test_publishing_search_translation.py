"""Editors' tools on articles: scheduled publishing and expiry, search, translation."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale

from cms.core.tests.factories import home_page
from cms.monitor.models import ArticlePage
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.taxonomy.tests.factories import CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


def test_a_scheduled_article_goes_live_at_its_time_and_expires_at_its_end(monitor):
    article = ArticlePageFactory(parent=monitor, live=False)
    article.go_live_at = timezone.now() + datetime.timedelta(seconds=2)
    article.save_revision().publish()
    article.refresh_from_db()
    call_command("publish_scheduled")
    assert not ArticlePage.objects.get(pk=article.pk).live  # not yet

    time.sleep(2.5)
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live

    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert not article.live and article.expired


def test_search_finds_articles_by_their_words_and_their_country(monitor):
    kenya = CountryFactory(iso_code="KE")
    river = ArticlePageFactory(
        parent=monitor, title="River defenders win a hearing", countries=[kenya]
    )
    river.save_revision().publish()  # indexes the country relation too
    ArticlePageFactory(parent=monitor, title="Council session opens", summary="Geneva.")

    by_title = ArticlePage.objects.live().search("river")
    by_country = ArticlePage.objects.live().search("Kenya")

    assert [page.pk for page in by_title] == [river.pk]
    assert [page.pk for page in by_country] == [river.pk]


def test_wagtail_localize_translates_an_article_with_its_blocks(
    monitor, django_capture_on_commit_callbacks
):
    from wagtail_localize.models import StringTranslation, Translation, TranslationSource

    french = Locale.objects.create(language_code="fr")
    article = ArticlePageFactory(
        parent=monitor,
        title="River defenders win a hearing",
        body=[
            {"type": "rich_text", "value": "<p>A community went to court.</p>"},
            {
                "type": "quote",
                "value": {
                    "quote": "We will not be silenced.",
                    "attribution": "A defender",
                    "role": "",
                },
            },
        ],
    )
    source, _ = TranslationSource.get_or_create_from_instance(article)
    translation = Translation.objects.create(source=source, target_locale=french)
    for text, french_text in [
        ("River defenders win a hearing", "Les défenseurs du fleuve obtiennent une audience"),
        ("A community went to court.", "Une communauté a saisi la justice."),
        ("We will not be silenced.", "Nous ne nous tairons pas."),
    ]:
        StringTranslation.objects.create(
            translation_of=_string(text),
            locale=french,
            context=_context(source, text),
            data=french_text,
        )

    with django_capture_on_commit_callbacks(execute=True):  # it publishes on commit
        translation.save_target(publish=True)

    translated = article.get_translation(french)
    assert translated.live
    assert translated.title == "Les défenseurs du fleuve obtiennent une audience"
    assert "Une communauté a saisi la justice." in str(translated.body[0].value)
    assert translated.body[1].value["quote"] == "Nous ne nous tairons pas."
    assert translated.translation_key == article.translation_key


def _string(text):
    from wagtail_localize.models import String

    return String.objects.get(data=text)


def _context(source, text):
    from wagtail_localize.models import StringSegment

    return StringSegment.objects.get(source=source, string__data=text).context
