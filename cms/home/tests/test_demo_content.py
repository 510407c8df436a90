import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from cms.home.models import HomePage
from cms.monitor.models import ArticlePage
from cms.programmes.models import ProgrammePage
from cms.reports.models import AnnualReportPage, StrategyPage
from cms.resources.models import ResourceFile
from cms.stories.models import DefenderStoryPage, RiskLevel
from cms.taxonomy.models import (
    Country,
    Person,
    Programme,
    SustainableDevelopmentGoal,
    Theme,
)

pytestmark = pytest.mark.django_db

PAGES_OF_EVERY_KIND = [
    "/",
    "/monitor/",
    "/monitor/article-01/",
    "/reports/annual-report-2020/",
    "/reports/vision-and-strategy/",
    "/programmes/equality/",
    "/stories/story-detained-lawyer/",
    "/resources/un-advocacy-handbook/",
    "/stories/",
    "/fr/",
    "/es/monitor/",
    "/sitemap.xml",
]


@pytest.fixture
def demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "a-demo-password-for-tests")
    return "a-demo-password-for-tests"


@pytest.fixture
def demo(demo_password):
    call_command("load_demo_content")


def test_loading_the_demo_twice_duplicates_nothing(demo):
    counts = {
        model: model.objects.count() for model in (Page, Country, get_user_model(), ResourceFile)
    }

    call_command("load_demo_content")

    assert {model: model.objects.count() for model in counts} == counts
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=english)
    assert home.live
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.exact_type(Page).filter(depth=2).exists()


# Loading the demo takes a while: one test checks what it holds, serves and lets in.
def test_the_demo_has_what_editors_publish_serves_every_kind_and_lets_the_editor_in(
    client, demo, demo_password
):
    english = Locale.objects.get(language_code="en")
    articles = ArticlePage.objects.live().filter(locale=english)

    assert articles.count() >= 40
    assert Country.objects.filter(articles__in=articles).distinct().count() >= 12
    assert set(Theme.objects.filter(articles__in=articles).distinct()) == set(
        Theme.objects.filter(locale=english)
    )
    assert AnnualReportPage.objects.live().filter(locale=english).count() == 3
    assert all(
        report.report_document.file.name.endswith(".pdf")
        for report in AnnualReportPage.objects.all()
    )
    assert StrategyPage.objects.live().count() == 2
    assert ProgrammePage.objects.live().filter(locale=english).count() == 4
    stories = DefenderStoryPage.objects.live()
    assert stories.count() >= 3
    assert stories.filter(risk_level=RiskLevel.HIGH).exists()
    assert ResourceFile.objects.values("language").distinct().count() >= 2
    for language in ("fr", "es"):
        assert Page.objects.live().filter(locale__language_code=language).count() >= 4

    for path in PAGES_OF_EVERY_KIND:
        assert client.get(path, HTTP_HOST="localhost").status_code == 200, path

    # Hidden faces are in private storage; a face shown with consent is public.
    for story in DefenderStoryPage.objects.filter(locale=english):
        assert story.photo.is_private is (not story.show_face), story.title
    assert DefenderStoryPage.objects.filter(show_face=True, locale=english).exists()

    # Every snippet in French and Spanish; translated pages link to the translations.
    for language in ("fr", "es"):
        locale = Locale.objects.get(language_code=language)
        for model in (Person, Programme, Theme, SustainableDevelopmentGoal, Country):
            assert model.objects.filter(locale=locale).count() == (
                model.objects.filter(locale=english).count()
            ), (model, language)
        translated_articles = ArticlePage.objects.live().filter(locale=locale)
        assert translated_articles.count() >= 2
        for article in translated_articles:
            linked = [
                *article.countries.all(),
                *article.themes.all(),
                article.programme,
                *[link.person for link in article.authors.all()],
            ]
            assert {item.locale_id for item in linked} == {locale.pk}, article
        programme_pages = ProgrammePage.objects.live().filter(locale=locale)
        assert programme_pages.count() == 4
        assert {page.programme.locale_id for page in programme_pages} == {locale.pk}
        report = AnnualReportPage.objects.live().get(locale=locale)
        linked = [*report.sdgs.all(), *[link.person for link in report.signatories.all()]]
        assert linked and {item.locale_id for item in linked} == {locale.pk}
    french = Locale.objects.get(language_code="fr")
    article = ArticlePage.objects.filter(locale=french).select_related("programme").first()
    page = ProgrammePage.objects.get(locale=french, programme=article.programme)
    html = client.get(page.url, HTTP_HOST="localhost").content.decode()
    assert article.programme.name in html and article.title in html
    assert page.url.startswith("/fr/")

    response = client.post(
        "/admin/login/", {"username": "editor", "password": demo_password}, HTTP_HOST="localhost"
    )

    assert response.status_code == 302
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 200
    editor = get_user_model().objects.get(username="editor")
    assert sorted(editor.groups.values_list("name", flat=True)) == ["Editors", "Moderators"]
    assert not editor.is_superuser
