"""The pages that links in emails open: confirm, preferences, unsubscribe, privacy."""

import json
import re
import time

import pytest
from django.core import mail, signing

from subscriber_service.pages.tests.factories import (
    SubscriberFactory,
    confirm_token,
    manage_token,
)
from subscriber_service.subscriptions import services, tokens
from subscriber_service.subscriptions.models import (
    ConsentRecord,
    PrivacyRequest,
    Subscriber,
    SuppressedAddress,
)

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def altered(token: str) -> str:
    """The token with the last character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.fixture
def old_tokens(monkeypatch):
    """Makes tokens as they were signed ``days`` ago."""

    def make(purpose, subject, *, days):
        signed_at = time.time() - days * 24 * 3600
        with monkeypatch.context() as patch:
            patch.setattr(signing.time, "time", lambda: signed_at)
            return tokens.make_token(purpose, subject)

    return make


# Confirmation


def test_opening_the_confirmation_link_shows_a_button_and_does_not_confirm(client):
    subscriber = SubscriberFactory()

    response = client.get(f"/confirm/{confirm_token(subscriber)}/")

    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert subscriber.status == Status.PENDING
    assert re.search(
        r'<form method="post" action="">.*<button type="submit"', response.content.decode(), re.S
    )


def test_pressing_the_confirm_button_subscribes_and_links_to_the_preferences(
    client, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/confirm/{confirm_token(subscriber)}/")

    subscriber.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert subscriber.status == Status.SUBSCRIBED
    assert "Vous êtes abonné" in html
    preferences = re.search(r'href="(/fr/preferences/[^"]+/)"', html).group(1)
    assert client.get(preferences).status_code == 200
    assert [message.subject for message in mail.outbox] == [
        "Bienvenue : votre abonnement est confirmé"
    ]


def test_confirming_twice_keeps_one_subscription_and_one_welcome_email(
    client, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory()
    url = f"/confirm/{confirm_token(subscriber)}/"

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 200
        assert "You are subscribed" in response.content.decode()

    assert Subscriber.objects.get().status == Status.SUBSCRIBED
    assert subscriber.consent_records.filter(action=ConsentRecord.Action.CONFIRM).count() == 1
    assert len(mail.outbox) == 1


def test_confirming_after_unsubscribing_changes_nothing_and_says_so(client):
    subscriber = SubscriberFactory(status=Status.UNSUBSCRIBED)

    response = client.post(f"/confirm/{confirm_token(subscriber)}/")

    assert response.status_code == 410
    assert "Sign up again" in response.content.decode()
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_an_altered_confirmation_link_gets_a_clear_400_page(client):
    subscriber = SubscriberFactory()

    for method in (client.get, client.post):
        response = method(f"/es/confirm/{altered(confirm_token(subscriber))}/")
        html = response.content.decode()
        assert response.status_code == 400
        assert "Este enlace no es válido" in html
        assert 'href="/es/subscribe/"' in html
    assert Subscriber.objects.get().status == Status.PENDING


def test_an_expired_confirmation_link_gets_a_clear_410_page(client, old_tokens):
    subscriber = SubscriberFactory()
    token = old_tokens("confirm", str(subscriber.public_id), days=8)

    response = client.post(f"/confirm/{token}/")

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert 'href="/subscribe/"' in response.content.decode()
    assert Subscriber.objects.get().status == Status.PENDING


def test_a_preferences_link_cannot_be_used_to_confirm(client):
    subscriber = SubscriberFactory()

    response = client.post(f"/confirm/{manage_token(subscriber)}/")

    assert response.status_code == 400
    assert Subscriber.objects.get().status == Status.PENDING


def test_a_confirmation_link_of_a_purged_signup_is_expired(client):
    subscriber = SubscriberFactory()
    token = confirm_token(subscriber)
    subscriber.delete()

    assert client.get(f"/confirm/{token}/").status_code == 410


# Preferences


def test_the_preferences_page_shows_the_current_choices(client):
    subscriber = SubscriberFactory(subscribed=True, name="Ana", language="es", interests=["events"])

    token = manage_token(subscriber)

    html = client.get(f"/preferences/{token}/").content.decode()

    assert 'value="Ana"' in html
    assert re.search(r'value="events" checked', html)
    assert not re.search(r'value="news" checked', html)
    assert re.search(r'<option value="es" lang="es" selected>', html)
    assert f'href="/unsubscribe/{token}/"' in html


def test_saving_preferences_updates_them_and_says_so_in_the_language_chosen(client):
    subscriber = SubscriberFactory(subscribed=True, interests=["news"])
    token = manage_token(subscriber)

    response = client.post(
        f"/preferences/{token}/",
        {"name": "Ana María", "language": "fr", "interests": ["monitor", "appeals"]},
    )

    assert response.status_code == 303
    assert response["Location"] == f"/fr/preferences/{token}/"
    subscriber.refresh_from_db()
    assert subscriber.name == "Ana María"
    assert subscriber.language == "fr"
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["appeals", "monitor"]
    page = client.get(response["Location"]).content.decode()
    assert "Vos préférences sont enregistrées." in page
    assert (
        "Vos préférences sont enregistrées."
        not in client.get(response["Location"]).content.decode()
    )


def test_preferences_without_any_topic_are_refused_with_a_pointer_to_unsubscribe(client):
    subscriber = SubscriberFactory(subscribed=True, interests=["news"])

    response = client.post(
        f"/preferences/{manage_token(subscriber)}/", {"name": "", "language": "en"}
    )

    assert response.status_code == 400
    assert "To stop all emails, unsubscribe instead." in response.content.decode()
    assert list(subscriber.interests.values_list("key", flat=True)) == ["news"]


def test_a_name_with_markup_is_shown_escaped_on_the_preferences_page(client):
    subscriber = SubscriberFactory(subscribed=True, name="<script>alert(1)</script>")

    html = client.get(f"/preferences/{manage_token(subscriber)}/").content.decode()

    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html


def test_an_altered_preferences_link_gets_the_400_page_and_changes_nothing(client):
    subscriber = SubscriberFactory(subscribed=True, name="Ana")
    url = f"/preferences/{altered(manage_token(subscriber))}/"

    assert client.get(url).status_code == 400
    assert (
        client.post(url, {"name": "Mallory", "language": "en", "interests": ["news"]}).status_code
        == 400
    )
    assert Subscriber.objects.get().name == "Ana"


# Unsubscribe


def test_opening_the_unsubscribe_link_shows_a_button_and_does_not_unsubscribe(client):
    subscriber = SubscriberFactory(subscribed=True)

    response = client.get(f"/unsubscribe/{manage_token(subscriber)}/")

    assert response.status_code == 200
    assert "Unsubscribe me" in response.content.decode()
    assert Subscriber.objects.get().status == Status.SUBSCRIBED


def test_pressing_unsubscribe_unsubscribes_and_offers_an_undo_that_works(client):
    subscriber = SubscriberFactory(subscribed=True)
    token = manage_token(subscriber)

    response = client.post(f"/unsubscribe/{token}/")

    subscriber.refresh_from_db()
    html = response.content.decode()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.consent_records.get(action="unsubscribe").source == "hosted-page"
    undo = re.search(r'<form method="post" action="([^"]+)">', html).group(1)
    assert undo == f"/unsubscribe/{token}/undo/"

    response = client.post(undo)

    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert "You are subscribed again" in response.content.decode()
    assert subscriber.status == Status.SUBSCRIBED
    assert subscriber.consent_records.get(action="resubscribe").source == "hosted-page"


def test_opening_the_undo_address_does_not_resubscribe(client):
    subscriber = SubscriberFactory(subscribed=True)
    token = manage_token(subscriber)
    client.post(f"/unsubscribe/{token}/")

    response = client.get(f"/unsubscribe/{token}/undo/")

    assert response.status_code == 302
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_undo_of_a_never_confirmed_signup_asks_to_sign_up_again(client):
    subscriber = SubscriberFactory(status=Status.UNSUBSCRIBED)

    response = client.post(f"/unsubscribe/{manage_token(subscriber)}/undo/")

    assert response.status_code == 409
    assert 'href="/subscribe/"' in response.content.decode()
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_an_expired_unsubscribe_link_gets_the_410_page_and_changes_nothing(client, old_tokens):
    subscriber = SubscriberFactory(subscribed=True)
    token = old_tokens("manage", str(subscriber.public_id), days=366)

    response = client.post(f"/unsubscribe/{token}/")

    assert response.status_code == 410
    assert Subscriber.objects.get().status == Status.SUBSCRIBED


# Privacy


def privacy_link_of(message) -> str:
    return re.search(r"http://testserver(/(?:\w\w/)?privacy/[^/\s]+/)", message.body).group(1)


def test_a_privacy_request_gets_the_same_answer_for_a_known_and_an_unknown_address(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="known@example.org", subscribed=True)

    answers = []
    for email in ("known@example.org", "stranger@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/privacy/", {"email": email, "kind": "export"})
        answers.append((response.status_code, response.content))

    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert [message.to for message in mail.outbox] == [["known@example.org"]]


def test_an_export_link_shows_a_button_whose_post_downloads_my_data_once(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="ana@example.org", name="Ana", subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/privacy/", {"email": "ana@example.org", "kind": "export"})
    url = privacy_link_of(mail.outbox[0])

    page = client.get(url)
    assert page.status_code == 200
    assert "Télécharger mes données" in page.content.decode()
    assert PrivacyRequest.objects.get().completed_at is None

    download = client.post(url)

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert (
        download["Cache-Control"].startswith("max-age=0")
        and "no-store" in download["Cache-Control"]
    )
    data = json.loads(download.content)
    assert data["email"] == "ana@example.org"
    assert data["name"] == "Ana"
    used = client.post(url)
    assert used.status_code == 410
    assert 'href="/fr/privacy/"' in used.content.decode()


def test_an_erasure_link_explains_it_is_permanent_and_its_post_erases(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="ana@example.org", subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/privacy/", {"email": "ana@example.org", "kind": "erasure"})
    url = privacy_link_of(mail.outbox[0])

    page = client.get(url).content.decode()
    assert "permanent" in page
    assert Subscriber.objects.filter(email="ana@example.org").exists()

    response = client.post(url)

    assert response.status_code == 200
    assert "Your data is erased" in response.content.decode()
    assert not Subscriber.objects.filter(email="ana@example.org").exists()
    assert SuppressedAddress.objects.filter(address_hash=services.address_hash("ana@example.org"))
    assert client.get(url).status_code == 410


def test_an_altered_privacy_link_gets_the_400_page(client):
    response = client.get(f"/privacy/{altered(tokens.make_token('privacy', 'x'))}/")

    assert response.status_code == 400
    assert 'href="/privacy/"' in response.content.decode()


def test_a_privacy_request_with_no_choice_is_shown_next_to_the_radio_buttons(client):
    response = client.post("/privacy/", {"email": "ana@example.org"})

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(
        r'<fieldset class="field field-has-error" aria-describedby="id_kind_error"', html
    )
    assert "<legend>What would you like us to do?</legend>" in html
