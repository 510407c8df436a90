"""What every page shares: language, layout, accessibility landmarks, headers, no third party."""

import re

import pytest
from django.core import mail

from subscriber_service.pages.tests.factories import (
    SubscriberFactory,
    confirm_token,
    manage_token,
)
from subscriber_service.subscriptions import services

pytestmark = pytest.mark.django_db

# The first heading of each page, per language: a page left untranslated fails here.
HEADINGS = {
    "signup": {
        "en": "Subscribe to our emails",
        "fr": "Abonnez-vous à nos e-mails",
        "es": "Suscríbase a nuestros correos",
    },
    "signup-sent": {
        "en": "Check your inbox",
        "fr": "Consultez votre boîte de réception",
        "es": "Revise su bandeja de entrada",
    },
    "confirm": {
        "en": "Confirm your subscription",
        "fr": "Confirmez votre abonnement",
        "es": "Confirme su suscripción",
    },
    "preferences": {"en": "Your preferences", "fr": "Vos préférences", "es": "Sus preferencias"},
    "unsubscribe": {
        "en": "Unsubscribe",
        "fr": "Se désabonner",
        "es": "Cancelar la suscripción",
    },
    "privacy": {"en": "Your data", "fr": "Vos données", "es": "Sus datos"},
    "privacy-confirm": {
        "en": "Erase your data",
        "fr": "Effacer vos données",
        "es": "Borrar sus datos",
    },
    "embed-signup": {
        "en": "Subscribe to our emails",
        "fr": "Abonnez-vous à nos e-mails",
        "es": "Suscríbase a nuestros correos",
    },
}


@pytest.fixture
def page_paths(django_capture_on_commit_callbacks, client):
    """The path of every page (after the language prefix), tokens included."""
    subscriber = SubscriberFactory(email="ana@example.org", subscribed=True)
    pending = SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.privacy_request_create(email="ana@example.org", kind="erasure", language="en")
    privacy = re.search(r"http://testserver(/privacy/[^/\s]+/)", mail.outbox[0].body).group(1)
    return {
        "signup": "/subscribe/",
        "signup-sent": "/subscribe/sent/",
        "confirm": f"/confirm/{confirm_token(pending)}/",
        "preferences": f"/preferences/{manage_token(subscriber)}/",
        "unsubscribe": f"/unsubscribe/{manage_token(subscriber)}/",
        "privacy": "/privacy/",
        "privacy-confirm": privacy,
        "embed-signup": "/embed/signup/",
    }


def localised(path: str, language: str) -> str:
    return path if language == "en" else f"/{language}{path}"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("page", sorted(HEADINGS))
def test_every_page_speaks_the_language_of_its_address(client, page_paths, page, language):
    response = client.get(localised(page_paths[page], language))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="ltr">' in html
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert heading == HEADINGS[page][language]
    assert f"<title>{HEADINGS[page][language]} · " in html


@pytest.mark.parametrize("page", sorted(set(HEADINGS) - {"embed-signup"}))
def test_every_page_has_a_skip_link_a_main_landmark_and_a_language_switcher(
    client, page_paths, page
):
    html = client.get(localised(page_paths[page], "fr")).content.decode()

    assert '<a class="skip-link" href="#main">Aller au contenu principal</a>' in html
    assert '<main id="main"' in html
    switcher = re.search(r'<nav aria-label="Langue">(.*?)</nav>', html, re.S).group(1)
    links = dict(re.findall(r'<a href="([^"]+)" lang="(\w\w)"', switcher))
    assert links == {
        page_paths[page]: "en",
        localised(page_paths[page], "fr"): "fr",
        localised(page_paths[page], "es"): "es",
    }
    assert re.search(r'lang="fr" hreflang="fr" aria-current="true"', switcher)
    assert re.search(r'<link rel="stylesheet" href="/static/pages/pages.css">', html)


@pytest.mark.parametrize("page", sorted(HEADINGS))
def test_no_page_refers_to_another_site(client, page_paths, page, settings):
    html = client.get(localised(page_paths[page], "es")).content.decode()

    urls = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html)
    assert [url for url in urls if not url.startswith("http://testserver/")] == []
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(?!/)", html)


@pytest.mark.parametrize("page", sorted(HEADINGS))
def test_pages_are_never_cached_nor_tell_other_sites_their_address(client, page_paths, page):
    response = client.get(page_paths[page])

    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_the_stylesheet_is_served_by_the_service(client):
    response = client.get("/static/pages/pages.css")

    assert response.status_code == 200
    assert ":focus-visible" in b"".join(response.streaming_content).decode()
