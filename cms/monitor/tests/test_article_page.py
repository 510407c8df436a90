import pytest
from django.core.exceptions import ValidationError

from cms.core.tests.factories import home_page
from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticleAuthor, ArticleKind, ArticleRelatedPage
from cms.monitor.selectors import article_related
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.taxonomy.tests.factories import (
    CountryFactory,
    PersonFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


def every_block(image, document_page):
    return [
        {
            "type": "rich_text",
            "value": f'<p>See <a linktype="page" id="{document_page.pk}">the index</a>.</p>',
        },
        {"type": "image", "value": {"image": image.pk, "caption": "In Geneva"}},
        {
            "type": "quote",
            "value": {
                "quote": "They cannot silence us.",
                "attribution": "A defender",
                "role": "Kenya",
            },
        },
        {
            "type": "key_figures",
            "value": {
                "heading": "In numbers",
                "figures": [
                    {
                        "number": "375",
                        "unit": "+",
                        "label": "defenders trained",
                        "source": "Annual report",
                    }
                ],
            },
        },
        {"type": "impact_list", "value": {"heading": "Impact", "items": ["A resolution adopted"]}},
        {
            "type": "call_to_action",
            "value": {
                "action": "donate",
                "text": "Give now",
                "page": None,
                "document": None,
                "url": "https://example.org/donate",
            },
        },
        {"type": "related_content", "value": {"heading": "Related", "pages": [document_page.pk]}},
        {
            "type": "newsletter_signup",
            "value": {"heading": "Subscribe", "text": "", "interests": ["monitor", "appeals"]},
        },
    ]


def test_an_article_with_every_block_and_its_taxonomies_renders(client, monitor):
    image = ImageFactory(credit="Photo: Jane Doe")
    kenya = CountryFactory(iso_code="KE")
    theme = ThemeFactory(name="Environmental defenders")
    article = ArticlePageFactory(
        parent=monitor,
        title="Kenya: river defenders win a hearing",
        kind=ArticleKind.NEWS,
        body=every_block(image, monitor),
        countries=[kenya],
        themes=[theme],
        programme=ProgrammeFactory(),
    )
    ArticleAuthor.objects.create(page=article, person=PersonFactory(name="Amara Okafor"))
    article.save_revision().publish()

    response = client.get(article.url, HTTP_HOST="localhost")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kenya: river defenders win a hearing" in html
    assert "They cannot silence us." in html
    assert "375+" in html and "defenders trained" in html
    assert "Photo: Jane Doe" in html
    assert 'href="/monitor/"' in html  # rich-text page link resolved
    # The signup block links to the hosted form with its interests chosen (no address in URLs).
    assert '/subscribe/?interests=monitor,appeals"' in html
    assert "Amara Okafor" in html
    assert "Environmental defenders" in html and "Kenya" in html


def test_related_articles_are_computed_from_shared_themes_when_none_are_chosen(monitor):
    theme, other_theme = ThemeFactory(), ThemeFactory()
    article = ArticlePageFactory(parent=monitor, themes=[theme])
    sharing = ArticlePageFactory(parent=monitor, themes=[theme])
    ArticlePageFactory(parent=monitor, themes=[other_theme])

    assert article_related(article=article) == [sharing]


def test_chosen_related_articles_win_over_computed_ones(monitor):
    theme = ThemeFactory()
    article = ArticlePageFactory(parent=monitor, themes=[theme])
    ArticlePageFactory(parent=monitor, themes=[theme])
    chosen = ArticlePageFactory(parent=monitor)
    ArticleRelatedPage.objects.create(page=article, related=chosen)

    assert [page.pk for page in article_related(article=article)] == [chosen.pk]


def test_an_article_whose_hero_image_has_no_alt_text_is_refused(monitor):
    article = ArticlePageFactory.build(hero_image=ImageFactory(description=""))

    with pytest.raises(ValidationError) as raised:
        article.clean()
    assert "hero_image" in raised.value.message_dict


def test_an_image_block_without_alt_text_is_refused():
    from wagtail.blocks.struct_block import StructBlockValidationError

    from cms.core.blocks import ImageBlock

    block = ImageBlock()
    value = block.to_python({"image": ImageFactory(description="").pk, "caption": ""})

    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(value)
    assert "alt text" in raised.value.block_errors["image"].message


def test_a_call_to_action_needs_exactly_one_target():
    from wagtail.blocks import StructBlockValidationError

    from cms.core.blocks import CallToActionBlock

    block = CallToActionBlock()
    none = block.to_python({"action": "donate", "text": "Give", "url": ""})

    with pytest.raises(StructBlockValidationError):
        block.clean(none)


def test_the_monitor_lists_live_articles_newest_first(client, monitor):
    older = ArticlePageFactory(parent=monitor, title="Older news")
    newer = ArticlePageFactory(parent=monitor, title="Newer news")
    draft = ArticlePageFactory(parent=monitor, title="Draft news")
    draft.unpublish()

    html = client.get(monitor.url, HTTP_HOST="localhost").content.decode()

    assert html.index(newer.title) < html.index(older.title)
    assert "Draft news" not in html
