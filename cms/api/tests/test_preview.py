"""Headless preview: drafts reach the front end only with a valid, fresh, signed token."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory

from cms.core.tests.factories import home_page
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory

pytestmark = pytest.mark.django_db

FRONT_END = "https://front.example.org/preview"


@pytest.fixture
def front_end(settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {"default": FRONT_END},
        "REDIRECT_ON_PREVIEW": True,
    }


@pytest.fixture
def article():
    """A live article whose latest revision, a draft, has a new title."""
    monitor = MonitorIndexPageFactory(parent=home_page())
    article = ArticlePageFactory(parent=monitor, title="Live title")
    article.save_revision().publish()
    article.title = "Draft title"
    article.save_revision()
    return article


def preview(page):
    """What Wagtail's preview answers an editor for the page's latest draft."""
    draft = page.get_latest_revision_as_object()
    editor_request = RequestFactory().get("/admin/", HTTP_HOST="localhost")
    return draft.make_preview_request(editor_request, draft.default_preview_mode)


def preview_parameters(front_end_url):
    query = parse_qs(urlsplit(front_end_url).query)
    return {"content_type": query["content_type"][0], "token": query["token"][0]}


def fetch(client, parameters):
    return client.get("/api/v2/page_preview/", parameters, HTTP_HOST="localhost")


def test_the_front_end_gets_the_draft_while_the_public_api_keeps_the_live_page(
    client, front_end, article
):
    response = preview(article)

    assert response.status_code == 302
    assert response["Location"].startswith(FRONT_END + "/?")
    parameters = preview_parameters(response["Location"])
    assert parameters["content_type"] == "monitor.articlepage"
    draft = fetch(client, parameters)
    live = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST="localhost").json()

    assert draft.status_code == 200
    assert draft["Cache-Control"] == "private, no-store"
    data = draft.json()
    assert data["title"] == "Draft title"
    assert data["id"] == article.pk
    assert set(data) == set(live)  # the same shape as the page's detail
    assert live["title"] == "Live title"


def test_an_expired_token_is_refused(client, front_end, article, settings):
    parameters = preview_parameters(preview(article)["Location"])
    later = time.time() + settings.CMS_PREVIEW_TOKEN_SECONDS + 1

    with mock.patch("django.core.signing.time.time", return_value=later):
        response = fetch(client, parameters)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Preview token expired"
    assert "token: expired" in response.json()["detail"]
    assert "Draft title" not in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: token.replace("id=", "id=1", 1),  # the page it is for
        lambda token: "id=1:1a2b3c:forged",
    ],
)
def test_a_tampered_token_is_refused(client, front_end, article, tamper):
    parameters = preview_parameters(preview(article)["Location"])
    parameters["token"] = tamper(parameters["token"])

    response = fetch(client, parameters)

    assert response.status_code == 403
    assert response.json()["detail"] == "token: not a valid preview token"
    assert "Draft title" not in response.content.decode()


@pytest.mark.parametrize("missing", ["token", "content_type"])
def test_a_missing_parameter_is_named(client, front_end, article, missing):
    parameters = preview_parameters(preview(article)["Location"])
    del parameters[missing]

    response = fetch(client, parameters)

    assert response.status_code == 400
    assert response.json()["detail"] == f"{missing}: required"


def test_a_token_for_another_page_type_finds_no_draft(client, front_end, article):
    parameters = preview_parameters(preview(article)["Location"])
    parameters["content_type"] = "monitor.monitorindexpage"

    response = fetch(client, parameters)

    assert response.status_code == 404
    assert "Draft title" not in response.content.decode()


def test_without_a_front_end_wagtail_renders_the_preview_itself(article, settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {}}

    response = preview(article)

    assert response.status_code == 200
    assert "<h1>Draft title</h1>" in response.content.decode()
