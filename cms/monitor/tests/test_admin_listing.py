import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.core.tests.factories import home_page
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.taxonomy.tests.factories import CountryFactory, ProgrammeFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_user("writer", "writer@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def listed(client, query="") -> set[int]:
    response = client.get(f"/admin/monitor_articles/{query}", HTTP_HOST="localhost")
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r"/admin/pages/(\d+)/edit/", response.content.decode())}


def test_editors_filter_the_article_listing_by_country_theme_programme_and_kind(editor_client):
    monitor = MonitorIndexPageFactory(parent=home_page())
    kenya, china = CountryFactory(iso_code="KE"), CountryFactory(iso_code="CN")
    theme, programme = ThemeFactory(), ProgrammeFactory()
    appeal = ArticlePageFactory(parent=monitor, kind="appeal", countries=[kenya], themes=[theme])
    news = ArticlePageFactory(parent=monitor, kind="news", countries=[china], programme=programme)

    assert {appeal.pk, news.pk} <= listed(editor_client)
    assert appeal.pk in listed(editor_client, f"?countries={kenya.pk}")
    assert news.pk not in listed(editor_client, f"?countries={kenya.pk}")
    assert listed(editor_client, f"?themes={theme.pk}") & {appeal.pk, news.pk} == {appeal.pk}
    assert listed(editor_client, f"?programme={programme.pk}") & {appeal.pk, news.pk} == {news.pk}
    assert listed(editor_client, "?kind=appeal") & {appeal.pk, news.pk} == {appeal.pk}
