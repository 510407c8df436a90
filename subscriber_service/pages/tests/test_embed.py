import re

import pytest
from django.test import Client

from subscriber_service.subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db


def embed_token(html: str) -> str:
    return re.search(r'name="embed_token" value="([^"]+)"', html).group(1)


def test_only_the_embedded_form_may_be_framed_and_only_by_the_allowed_sites(client, settings):
    settings.SIGNUP_EMBED_ALLOWED_ORIGINS = ["https://partner.example.org", "http://localhost:3000"]

    embed = client.get("/fr/embed/signup/")
    hosted = client.get("/fr/subscribe/")

    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert embed["Content-Security-Policy"].endswith(
        "frame-ancestors 'self' https://partner.example.org http://localhost:3000"
    )
    assert hosted["X-Frame-Options"] == "DENY"
    assert hosted["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_without_an_allow_list_the_embedded_form_may_only_be_framed_by_the_service(client):
    response = client.get("/embed/signup/")

    assert response["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_the_embedded_form_is_minimal_and_carries_a_signed_token_instead_of_a_csrf_cookie(client):
    response = client.get("/es/embed/signup/?interests=news")

    html = response.content.decode()
    assert '<html lang="es"' in html
    assert "skip-link" not in html and "<header" not in html
    assert re.search(r'value="news" checked', html)
    assert embed_token(html)
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in response.cookies


def test_an_embedded_signup_is_accepted_without_cookies_and_recorded_as_from_the_embed(
    signup_data,
):
    browser = Client(enforce_csrf_checks=True)
    token = embed_token(browser.get("/fr/embed/signup/").content.decode())
    browser.cookies.clear()

    response = browser.post(
        "/fr/embed/signup/",
        {**signup_data("ana@example.org", language="fr"), "embed_token": token},
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 303
    assert response["Location"] == "/fr/embed/signup/?sent=1"
    assert Subscriber.objects.get(email="ana@example.org").source == "embed"
    sent = browser.get(response["Location"])
    assert "Consultez votre boîte de réception" in sent.content.decode()
    assert "X-Frame-Options" not in sent


def test_an_embedded_signup_without_the_signed_token_is_refused(client, signup_data):
    response = client.post("/embed/signup/", signup_data("ana@example.org"))

    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_an_embedded_signup_with_an_altered_token_is_refused(client, signup_data):
    token = embed_token(client.get("/embed/signup/").content.decode())

    response = client.post(
        "/embed/signup/", {**signup_data("ana@example.org"), "embed_token": token[:-2] + "xx"}
    )

    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_an_embedded_signup_sent_from_another_site_is_refused(client, signup_data):
    token = embed_token(client.get("/embed/signup/").content.decode())

    response = client.post(
        "/embed/signup/",
        {**signup_data("ana@example.org"), "embed_token": token},
        HTTP_ORIGIN="https://attacker.example.net",
    )

    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_the_embed_script_is_served_and_inserts_a_titled_iframe_after_itself(client):
    response = client.get("/static/pages/embed.js")

    script = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert "insertBefore(frame, script.nextSibling)" in script
    assert "frame.title" in script
    assert "/embed/signup/" in script
