"""RSS and Atom feeds of the Monitor, one per language."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Locale, PageViewRestriction

from cms.core.tests.factories import home_page
from cms.monitor.models import ArticleAuthor
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.taxonomy.tests.factories import CountryFactory, PersonFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def monitors():
    home = home_page()
    english = MonitorIndexPageFactory(parent=home)
    french = Locale.objects.create(language_code="fr")
    home.copy_for_translation(french).save_revision().publish()
    french_monitor = english.copy_for_translation(french)
    french_monitor.save_revision().publish()
    return english, french_monitor


def feed(client, url):
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200, response.content[:300]
    return response, ET.fromstring(response.content)  # noqa: S314 (our own output)


def test_the_rss_feed_lists_live_public_articles_of_its_language_newest_first(client, monitors):
    english, french = monitors
    day = datetime.date(2026, 3, 1)
    older = ArticlePageFactory(parent=english, title="Older", date=day)
    newer = ArticlePageFactory(
        parent=english,
        title="Newer",
        date=day + datetime.timedelta(days=2),
        themes=[ThemeFactory(name="Reprisals")],
        countries=[CountryFactory(iso_code="KE", name="Kenya")],
    )
    for name in ("Amara Okafor", "Li Wei"):
        ArticleAuthor.objects.create(page=newer, person=PersonFactory(name=name))
    ArticlePageFactory(parent=english, title="Draft", live=False)
    private = ArticlePageFactory(parent=english, title="Private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    ArticlePageFactory(parent=french, title="Article en français")

    response, rss = feed(client, "/monitor/feed/rss/")

    assert response["Content-Type"].startswith("application/rss+xml")
    channel = rss.find("channel")
    assert channel.findtext("language") == "en"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    first = items[0]
    assert first.findtext("link") == "http://localhost/monitor/" + newer.slug + "/"
    assert first.findtext("description") == newer.summary
    assert first.findtext("pubDate").startswith("Tue, 03 Mar 2026")
    assert [creator.text for creator in first.findall(f"{DC}creator")] == [
        "Amara Okafor",
        "Li Wei",
    ]
    assert [category.text for category in first.findall("category")] == ["Reprisals", "Kenya"]
    enclosure = first.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith("http://localhost/media/")
    assert int(enclosure.get("length")) > 0
    assert older.pk  # listed, after the newer one


def test_each_language_has_its_own_atom_feed(client, monitors):
    english, french = monitors
    ArticlePageFactory(parent=english, title="In English")
    translated = ArticlePageFactory(parent=french, title="En français")
    ArticlePageFactory(parent=french, title="Brouillon", live=False)

    response, atom = feed(client, "/fr/monitor/feed/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    entries = atom.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["En français"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://localhost/fr/monitor/{translated.slug}/"
    assert entries[0].find(f"{ATOM}link[@rel='enclosure']").get("href").startswith("http://")


def test_the_feed_lists_no_more_articles_than_the_limit(client, monitors, settings):
    settings.MONITOR_FEED_LIMIT = 2
    english, _french = monitors
    for number in range(3):
        ArticlePageFactory(parent=english, title=f"Article {number}")

    _response, rss = feed(client, "/monitor/feed/rss/")

    assert len(rss.find("channel").findall("item")) == 2


def test_monitor_pages_announce_their_feeds(client, monitors):
    _english, french = monitors
    article = ArticlePageFactory(parent=french, title="En français")

    index_html = client.get("/monitor/", HTTP_HOST="localhost").content.decode()
    article_html = client.get(article.url, HTTP_HOST="localhost").content.decode()

    assert '<link rel="alternate" type="application/rss+xml"' in index_html
    assert 'href="/monitor/feed/rss/"' in index_html
    assert 'href="/monitor/feed/atom/"' in index_html
    assert 'href="/fr/monitor/feed/rss/"' in article_html


def test_a_private_monitor_keeps_its_feed_private(client, monitors):
    english, _french = monitors
    ArticlePageFactory(parent=english, title="Hidden")
    PageViewRestriction.objects.create(page=english, restriction_type="password", password="x")

    response = client.get("/monitor/feed/rss/", HTTP_HOST="localhost")

    assert response.status_code == 200  # the password form
    assert b"Hidden" not in response.content
    assert not response["Content-Type"].startswith("application/rss+xml")
