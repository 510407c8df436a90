"""``published_after``: Monitor articles first published after a moment (the newsletter digest)."""

import datetime

import pytest
from django.utils import timezone

from cms.core.tests.factories import home_page
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v2/pages/?type=monitor.ArticlePage"


def get(client, url, status=200):
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_published_after_keeps_articles_first_published_strictly_after_the_moment(client):
    monitor = MonitorIndexPageFactory(parent=home_page())
    moment = timezone.now() - datetime.timedelta(hours=1)
    older = ArticlePageFactory(parent=monitor, first_published_at=moment)
    newer = ArticlePageFactory(
        parent=monitor, first_published_at=moment + datetime.timedelta(minutes=1)
    )

    def ids(value):
        return [item["id"] for item in get(client, f"{ARTICLES}&published_after={value}")["items"]]

    assert ids(moment.isoformat().replace("+", "%2B")) == [newer.pk]
    earlier = (moment - datetime.timedelta(seconds=1)).isoformat().replace("+", "%2B")
    assert sorted(ids(earlier)) == sorted([older.pk, newer.pk])


@pytest.mark.parametrize("value", ["yesterday", "2026-01-01T10:00:00"])
def test_published_after_without_an_offset_or_a_time_is_a_400_naming_it(client, value):
    MonitorIndexPageFactory(parent=home_page())
    assert "published_after" in get(client, f"{ARTICLES}&published_after={value}", 400)["message"]


def test_published_after_is_refused_on_other_page_types(client):
    data = get(client, "/api/v2/pages/?published_after=2026-01-01T00:00:00Z", 400)
    assert "published_after" in data["message"]
