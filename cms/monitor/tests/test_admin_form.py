"""Monitor pages created through the admin's add-page form, as an editor does."""

import pytest
import wagtail_factories

from cms.core.tests.admin_forms import (
    add_page,
    editor,
    form_errors,
    inline_formset,
    listblock,
    nested_form_data,
    rich,
    stream_errors,
    streamfield,
)
from cms.core.tests.factories import home_page
from cms.images.services import image_protect
from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticleKind, ArticlePage, MonitorIndexPage
from cms.monitor.tests.factories import MonitorIndexPageFactory
from cms.taxonomy.tests.factories import (
    CountryFactory,
    PersonFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return home_page()


@pytest.fixture
def monitor(home):
    return MonitorIndexPageFactory(parent=home)


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def article_data(*, hero, body, countries=(), themes=(), **fields):
    data = nested_form_data(
        {
            "title": "Kenya: river defenders win a hearing",
            "slug": "river-defenders",
            "date": "2026-03-02",
            "kind": ArticleKind.STATEMENT,
            "summary": "The court will hear the community's case.",
            "hero_image": hero.pk,
            "body": streamfield(body),
            "authors": inline_formset([]),
            "related_pages": inline_formset([]),
            "tags": "rivers, courts",
            **fields,
        }
    )
    # Multiple values of one field: the test client sends a list as repeated values.
    data["countries"] = [country.pk for country in countries]
    data["themes"] = [theme.pk for theme in themes]
    return data


def every_block(*, image, document, page) -> list:
    return [
        ("rich_text", rich('<p>The hearing is set for <a href="https://rights.test">May</a>.</p>')),
        ("image", {"image": image.pk, "caption": "Outside the court"}),
        ("quote", {"quote": "The river is our life.", "attribution": "A defender", "role": "KE"}),
        (
            "key_figures",
            {
                "heading": "In numbers",
                "figures": listblock(
                    [{"number": "375", "unit": "+", "label": "defenders trained", "source": ""}]
                ),
            },
        ),
        ("impact_list", {"heading": "What changed", "items": listblock(["A hearing granted"])}),
        (
            "call_to_action",
            {"action": "download", "text": "Read the ruling", "page": "", "document": document.pk},
        ),
        ("document", {"document": document.pk, "label": "The ruling (PDF)"}),
        ("related_content", {"heading": "Related", "pages": listblock([page.pk])}),
        ("newsletter_signup", {"heading": "Subscribe", "text": "Monthly news."}),
    ]


def test_an_editor_creates_an_article_with_every_field_and_block(editor_client, monitor):
    hero, image = ImageFactory(), ImageFactory(credit="Photo: Jane Doe")
    document = wagtail_factories.DocumentFactory(title="Ruling")
    kenya, theme, programme = CountryFactory(iso_code="KE"), ThemeFactory(), ProgrammeFactory()
    author = PersonFactory(name="Amara Okafor")
    data = article_data(
        hero=hero,
        body=every_block(image=image, document=document, page=monitor),
        countries=[kenya],
        themes=[theme],
        programme=programme.pk,
        authors=inline_formset([{"person": author.pk}]),
    )
    data["body-8-value-interests"] = ["monitor", "appeals"]

    response = add_page(editor_client, monitor, ArticlePage, data, publish=True)

    assert response.status_code == 302, form_errors(response)
    article = ArticlePage.objects.get(slug="river-defenders")
    assert article.live
    assert (article.kind, str(article.date)) == (ArticleKind.STATEMENT, "2026-03-02")
    assert article.hero_image == hero
    assert list(article.countries.all()) == [kenya] and list(article.themes.all()) == [theme]
    assert article.programme == programme
    assert [link.person for link in article.authors.all()] == [author]
    assert sorted(tag.name for tag in article.tags.all()) == ["courts", "rivers"]
    assert [block.block_type for block in article.body] == [
        "rich_text",
        "image",
        "quote",
        "key_figures",
        "impact_list",
        "call_to_action",
        "document",
        "related_content",
        "newsletter_signup",
    ]
    figures = article.body[3].value["figures"]
    assert [(int(f["number"]), f["label"]) for f in figures] == [(375, "defenders trained")]
    assert list(article.body[8].value["interests"]) == ["monitor", "appeals"]
    html = editor_client.get(article.url, HTTP_HOST="localhost").content.decode()
    assert "The river is our life." in html and "Photo: Jane Doe" in html


def test_the_form_refuses_images_without_alt_text_or_protected_and_a_call_with_two_targets(
    editor_client, monitor
):
    no_alt = ImageFactory(description="")
    protected = ImageFactory()
    image_protect(protected)
    document = wagtail_factories.DocumentFactory()
    body = [
        ("image", {"image": no_alt.pk, "caption": ""}),
        ("image", {"image": protected.pk, "caption": ""}),
        (
            "call_to_action",
            {"action": "donate", "text": "Give", "document": document.pk, "url": "https://a.test"},
        ),
    ]

    response = add_page(editor_client, monitor, ArticlePage, article_data(hero=no_alt, body=body))

    errors = form_errors(response)
    assert "alt text" in errors["hero_image"][0]
    blocks = stream_errors(response, "body")
    assert "alt text" in blocks[0]["image"]
    assert "protected collection" in blocks[1]["image"]
    assert "exactly one target" in blocks[2]["url"]
    assert not ArticlePage.objects.filter(slug="river-defenders").exists()


def test_an_editor_creates_the_monitor_once_per_language_tree(editor_client, home):
    response = add_page(
        editor_client,
        home,
        MonitorIndexPage,
        nested_form_data({"title": "Human Rights Monitor", "slug": "monitor", "intro": "News."}),
    )

    assert response.status_code == 302
    monitor = MonitorIndexPage.objects.get(slug="monitor")
    assert monitor.intro == "News." and not monitor.live
    second = add_page(
        editor_client,
        home,
        MonitorIndexPage,
        nested_form_data({"title": "Another Monitor", "slug": "monitor-2", "intro": ""}),
    )
    # Wagtail's admin answers a page type that cannot be added there with its "no permission".
    assert (second.status_code, second["Location"]) == (302, "/admin/")
    assert MonitorIndexPage.objects.count() == 1


def test_a_monitor_without_a_title_is_refused(editor_client, home):
    response = add_page(
        editor_client, home, MonitorIndexPage, nested_form_data({"title": "", "slug": "monitor"})
    )

    assert "title" in form_errors(response)
