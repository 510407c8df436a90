"""The content API at /api/v2/: fields, filters, bad requests, safety, query counts."""

import datetime

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticleAuthor, ArticleRelatedPage
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.stories.models import RiskLevel
from cms.stories.tests.test_defender_story_safety import DefenderStoryPageFactory
from cms.taxonomy.tests.factories import (
    CountryFactory,
    PersonFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v2/pages/?type=monitor.ArticlePage"


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


def get(client, url, status=200):
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_an_article_shows_every_field_with_images_taxonomies_and_absolute_links(client, monitor):
    kenya = CountryFactory(iso_code="KE")
    article = ArticlePageFactory(
        parent=monitor,
        title="River defenders win a hearing",
        kind="statement",
        countries=[kenya],
        themes=[ThemeFactory(slug="environment", name="Environment")],
        programme=ProgrammeFactory(slug="env", name="Environmental justice"),
        body=[
            {
                "type": "rich_text",
                "value": f'<p>See <a linktype="page" id="{monitor.pk}">the Monitor</a>.</p>',
            },
            {
                "type": "key_figures",
                "value": {
                    "heading": "",
                    "figures": [
                        {"number": "375", "unit": "+", "label": "defenders trained", "source": ""}
                    ],
                },
            },
        ],
    )
    ArticleAuthor.objects.create(
        page=article, person=PersonFactory(name="Amara Okafor", role="Director")
    )
    article.save_revision().publish()

    data = get(client, f"/api/v2/pages/{article.pk}/")

    assert {
        "date",
        "kind",
        "summary",
        "hero_image",
        "body",
        "countries",
        "themes",
        "programme",
        "authors",
        "tags",
        "related_articles",
    } <= set(data)
    assert data["kind"] == "statement"
    assert data["countries"] == [
        {"id": kenya.pk, "iso_code": "KE", "name": "Kenya", "region": "africa"}
    ]
    assert data["themes"][0]["slug"] == "environment"
    assert data["programme"]["name"] == "Environmental justice"
    assert data["authors"] == [{"name": "Amara Okafor", "role": "Director", "photo": None}]
    image = data["hero_image"]
    assert image["alt"] and image["credit"] == "Photo: the organisation"
    assert set(image["renditions"]) == {
        "jpeg_400",
        "webp_400",
        "jpeg_800",
        "webp_800",
        "jpeg_1600",
        "webp_1600",
    }
    assert image["renditions"]["webp_800"]["url"].startswith("http://localhost/")
    assert image["renditions"]["webp_800"]["url"].endswith(".webp")
    assert 'href="http://localhost/monitor/"' in data["body"][0]["value"]
    assert data["body"][1]["value"]["figures"] == [
        {"number": 375, "unit": "+", "label": "defenders trained", "source": ""}
    ]


def test_articles_filter_by_country_theme_programme_and_date(client, monitor):
    kenya, china = CountryFactory(iso_code="KE"), CountryFactory(iso_code="CN")
    theme = ThemeFactory(slug="reprisals")
    programme = ProgrammeFactory(slug="accountability")
    old = ArticlePageFactory(parent=monitor, countries=[kenya], date=datetime.date(2025, 1, 10))
    new = ArticlePageFactory(
        parent=monitor,
        countries=[china],
        themes=[theme],
        programme=programme,
        date=datetime.date(2026, 3, 1),
    )

    def ids(query):
        return [item["id"] for item in get(client, ARTICLES + query)["items"]]

    assert ids("&country=ke") == [old.pk]
    assert ids("&theme=reprisals") == [new.pk]
    assert ids("&programme=accountability") == [new.pk]
    assert ids("&since=2026-01-01") == [new.pk]
    assert ids("&date_from=2025-01-01&date_to=2025-12-31") == [old.pk]
    assert ids("&order=-date") == [new.pk, old.pk]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("/api/v2/pages/?type=monitor.ArticlePage&date_from=yesterday", "date_from"),
        (
            "/api/v2/pages/?type=monitor.ArticlePage&date_from=2026-02-01&date_to=2026-01-01",
            "date_from",
        ),
        ("/api/v2/pages/?limit=101", "limit"),
        ("/api/v2/pages/?locale=xx", "locale"),
        ("/api/v2/pages/?colour=red", "colour"),
        ("/api/v2/pages/?country=KE", "country"),
        ("/api/v2/pages/?type=nope.Nothing", "type"),
    ],
)
def test_bad_requests_get_a_400_naming_the_parameter(client, monitor, query, named):
    assert named in get(client, query, status=400)["message"]


def test_a_high_risk_story_never_shows_what_its_safety_fields_hide(client):
    stories = SectionPageFactory(parent=home_page(), slug="stories")
    face = ImageFactory(title="Face of the defender")
    story = DefenderStoryPageFactory(
        parent=stories,
        real_name="Secretname Person",
        photo=face,
        show_face=False,
        show_real_name=False,
        risk_level=RiskLevel.LOW,  # published here without the workflow
        consent_recorded_by="Staff member",
    )
    story.risk_level = RiskLevel.HIGH
    story.save_revision().publish(skip_permission_checks=True)

    detail = client.get(f"/api/v2/pages/{story.pk}/", HTTP_HOST="localhost").content.decode()
    listing = client.get(
        "/api/v2/pages/?type=stories.DefenderStoryPage&fields=*", HTTP_HOST="localhost"
    )
    search = get(client, "/api/v2/pages/?search=Secretname")
    images = get(client, "/api/v2/images/?limit=100")

    for text in (detail, listing.content.decode()):
        assert "Secretname" not in text
        assert "Staff member" not in text
        assert "risk_level" not in text and "high" not in text
        assert face.title not in text
    assert '"public_photo": null' in detail.replace(":null", ": null")
    assert search["items"] == []
    assert face.pk not in [item["id"] for item in images["items"]]
    get(client, "/api/v2/pages/?type=stories.DefenderStoryPage&real_name=Secretname", status=400)


def test_a_full_article_listing_runs_ten_queries_at_1_20_and_100_items(client, monitor):
    countries = [CountryFactory(iso_code=code) for code in ("KE", "CN", "EG")]
    themes = [ThemeFactory() for _ in range(3)]
    people = [PersonFactory(photo=ImageFactory()) for _ in range(2)]
    # One hero image for all: each image's six renditions cost seconds to make,
    # and the count must not depend on how many images there are.
    hero = ImageFactory()
    # Body blocks: two images, two documents (one also linked from rich text).
    figures = [ImageFactory(), ImageFactory()]
    documents = [wagtail_factories.DocumentFactory(title=f"Report {n}") for n in range(2)]
    chosen = SectionPageFactory(parent=monitor.get_parent(), title="Chosen elsewhere")
    url = f"{ARTICLES}&limit=100&fields=*"
    counts, cold = {}, {}
    created = 0
    for size in (1, 20, 100):
        while created < size:
            article = ArticlePageFactory(
                parent=monitor,
                hero_image=hero,
                countries=countries[: 1 + created % 3],
                themes=themes[:2],
                body=[
                    {
                        "type": "rich_text",
                        "value": f'<p><a linktype="page" id="{monitor.pk}">Monitor</a> and '
                        f'<a linktype="page" id="{chosen.pk}">more</a>, '
                        f'<a linktype="document" id="{documents[0].pk}">report</a>.</p>',
                    },
                    {
                        "type": "image",
                        "value": {"image": figures[created % 2].pk, "caption": "A hearing"},
                    },
                    {"type": "document", "value": {"document": documents[created % 2].pk}},
                    {
                        "type": "image",
                        "value": {"image": figures[1 - created % 2].pk, "caption": ""},
                    },
                ],
            )
            article.tags.add("un", "defenders")
            for person in people:
                ArticleAuthor.objects.create(page=article, person=person)
            if created % 2:
                ArticleRelatedPage.objects.create(page=article, related=chosen)
            article.save_revision().publish()
            created += 1
        # The first request of this content generation makes the renditions (at
        # size 1) and computes related articles; the next ones read them cached.
        with CaptureQueriesContext(connection) as first:
            get(client, url)
        if size > 1:
            cold[size] = len(first)
        # Another URL than the warm-up's, so that no response cache answers it.
        with CaptureQueriesContext(connection) as queries:
            data = get(client, f"{url}&offset=0")
        items = data["items"]
        assert len(items) == size
        assert items[0]["tags"] == ["defenders", "un"]
        assert {len(item["authors"]) for item in items} == {2}
        assert all(item["hero_image"]["renditions"]["webp_400"]["url"] for item in items)
        assert all(author["photo"]["renditions"] for author in items[0]["authors"])
        assert 'href="http://localhost/monitor/"' in items[0]["body"][0]["value"]
        assert 'href="http://localhost/documents/' in items[0]["body"][0]["value"]
        for item in items:
            first, download, second = item["body"][1:]
            assert first["value"]["renditions"]["webp_800"]["url"].startswith("http://localhost/")
            assert first["value"]["caption"] == "A hearing"
            assert {first["value"]["id"], second["value"]["id"]} == {f.pk for f in figures}
            assert download["value"]["title"].startswith("Report ")
            assert download["value"]["url"].startswith("http://localhost/documents/")
        assert "related_articles" in items[0]
        counts[size] = len(queries)

    # The privacy restrictions, the articles with their count, then one query
    # each for countries, themes, tags, authors, renditions (with the body's
    # images), documents (blocks and rich-text links) and pages (rich-text
    # links); the site and its languages come from the cache, and so do related
    # articles once computed for the content generation (one query then).
    assert counts == {1: 9, 20: 9, 100: 9}, counts
    assert cold == {20: 10, 100: 10}, cold


def test_related_articles_are_the_same_in_a_listing_as_in_the_detail(client, monitor):
    environment, courts = ThemeFactory(), ThemeFactory()
    kenya = CountryFactory(iso_code="KE")
    first = ArticlePageFactory(parent=monitor, themes=[environment, courts], countries=[kenya])
    close = ArticlePageFactory(parent=monitor, themes=[environment, courts])
    closer = ArticlePageFactory(parent=monitor, themes=[environment, courts], countries=[kenya])
    far = ArticlePageFactory(parent=monitor, themes=[courts])
    ArticlePageFactory(parent=monitor)  # shares nothing
    chooser = ArticlePageFactory(parent=monitor, themes=[environment])
    ArticleRelatedPage.objects.create(page=chooser, related=far, sort_order=0)
    ArticleRelatedPage.objects.create(page=chooser, related=first, sort_order=1)
    draft = ArticlePageFactory(parent=monitor, themes=[environment, courts], countries=[kenya])
    draft.unpublish()

    listing = {
        item["id"]: [related["id"] for related in item["related_articles"]]
        for item in get(client, f"{ARTICLES}&fields=related_articles")["items"]
    }

    assert listing[first.pk] == [closer.pk, close.pk, chooser.pk]
    assert listing[chooser.pk] == [far.pk, first.pk]
    for pk, related in listing.items():
        detail = get(client, f"/api/v2/pages/{pk}/")
        assert [item["id"] for item in detail["related_articles"]] == related
