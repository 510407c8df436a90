import re

import pytest
from django.core import mail
from django.test import Client

from subscriber_service.pages.tests.factories import SubscriberFactory
from subscriber_service.subscriptions.consent import consent_wording
from subscriber_service.subscriptions.models import ConsentRecord, Subscriber

pytestmark = pytest.mark.django_db


def test_the_form_offers_every_interest_in_the_page_language_with_the_exact_consent_wording(
    client,
):
    response = client.get("/fr/subscribe/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="interests" value="monitor"' in html
    assert "Observatoire des droits humains" in html
    assert "Événements et invitations" in html
    assert consent_wording("fr") in html
    assert consent_wording("fr") != consent_wording("en")
    assert re.search(r'<option value="fr" lang="fr" selected>', html)
    assert '<fieldset class="field"' in html and "<legend>" in html


def test_interests_named_in_the_link_are_ticked_and_unknown_ones_are_ignored(client):
    response = client.get("/subscribe/?interests=monitor,news,nonsense&email=ana@example.org")

    html = response.content.decode()
    assert re.search(r'value="monitor" checked', html)
    assert re.search(r'value="news" checked', html)
    assert not re.search(r'value="events" checked', html)
    assert 'value="nonsense"' not in html
    assert 'value="ana@example.org"' in html
    assert 'href="/fr/subscribe/?interests=monitor,news,nonsense"' in html  # no address


def test_the_signup_blocks_repeated_interest_parameters_are_understood_too(client):
    html = client.get("/subscribe/?interests=events&interests=appeals").content.decode()

    assert re.search(r'value="events" checked', html)
    assert re.search(r'value="appeals" checked', html)
    assert not re.search(r'value="monitor" checked', html)


def test_a_signup_is_recorded_as_pending_from_the_hosted_form_and_sends_the_confirmation(
    client, signup_data, django_capture_on_commit_callbacks
):
    data = signup_data("Ana@Example.org", name="Ana", language="es", interests=["monitor", "news"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/subscribe/", data)

    assert response.status_code == 303
    assert response["Location"] == "/fr/subscribe/sent/"
    subscriber = Subscriber.objects.get(email="ana@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source == "hosted-form"
    assert subscriber.language == "es"
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["monitor", "news"]
    record = subscriber.consent_records.get()
    assert record.action == ConsentRecord.Action.SIGNUP
    # The words recorded are those the person read on the French page, not the emails' Spanish.
    assert record.wording == consent_wording("fr")
    assert record.language == "fr"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert "/es/confirm/" in mail.outbox[0].body


def test_the_check_your_inbox_page_follows_the_signup(client):
    response = client.get("/fr/subscribe/sent/")

    assert response.status_code == 200
    assert "Consultez votre boîte de réception" in response.content.decode()


def test_the_answer_is_the_same_for_a_new_a_pending_and_a_subscribed_address_but_not_the_email(
    client, signup_data, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="pending@example.org")
    SubscriberFactory(email="member@example.org", subscribed=True)

    answers = []
    for email in ("new@example.org", "pending@example.org", "member@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/subscribe/", signup_data(email))
        followed = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], followed.content))

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (303, "/subscribe/sent/")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["member@example.org", "new@example.org", "pending@example.org"]
    assert by_address["new@example.org"].subject == "Please confirm your subscription"
    assert by_address["pending@example.org"].subject == "Please confirm your subscription"
    assert by_address["member@example.org"].subject == "You are already subscribed"
    assert "/confirm/" not in by_address["member@example.org"].body


def test_a_second_signup_of_the_same_address_the_same_day_sends_no_second_email(
    client, signup_data, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/subscribe/", signup_data("twice@example.org"))
        assert response.status_code == 303

    assert len(mail.outbox) == 1


def test_missing_consent_re_renders_the_form_with_the_error_tied_to_the_checkbox(
    client, signup_data
):
    data = signup_data("ana@example.org")
    del data["consent"]

    response = client.post("/fr/subscribe/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_consent_error"' in html
    assert re.search(
        r'id="id_consent"[^>]*aria-invalid="true" aria-describedby="id_consent_error"', html
    )
    assert "nous avons besoin de votre consentement" in html
    assert 'value="ana@example.org"' in html
    assert Subscriber.objects.count() == 0


def test_an_invalid_address_and_no_interest_are_both_shown_next_to_their_fields(
    client, signup_data
):
    data = signup_data("not-an-address")
    del data["interests"]

    response = client.post("/subscribe/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'aria-describedby="id_email_error"', html)
    assert re.search(
        r'<fieldset class="field field-has-error" aria-describedby="id_interests_error"', html
    )
    assert 'href="#id_interests_0"' in html  # the summary at the top links to the field
    assert "<title>Error:" in html


def test_a_filled_honeypot_is_refused_with_a_message_at_the_top(client, signup_data):
    response = client.post("/subscribe/", signup_data("bot@example.org", website="http://spam"))

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'class="error-summary".*This signup could not be accepted', html, re.S)
    assert Subscriber.objects.count() == 0


def test_an_address_at_a_reserved_domain_is_refused_next_to_the_email_field(client, signup_data):
    response = client.post("/subscribe/", signup_data("someone@example.test"))

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_email_error">[^<]*reserved', html)


def test_a_signup_over_the_rate_limit_gets_429_with_retry_after(client, signup_data, settings):
    settings.SIGNUP_RATE_PER_ADDRESS = "1/h"
    assert client.post("/subscribe/", signup_data("busy@example.org")).status_code == 303

    response = client.post("/subscribe/", signup_data("busy@example.org"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'class="error-summary"' in response.content.decode()


def test_a_signup_without_proof_of_work_is_refused(client, signup_data):
    response = client.post("/subscribe/", signup_data("ana@example.org", altcha=""))

    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_a_signup_posted_without_the_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/subscribe/", {"email": "ana@example.org"})

    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_a_signup_posted_with_the_csrf_token_of_the_form_is_accepted(signup_data):
    browser = Client(enforce_csrf_checks=True)
    html = browser.get("/subscribe/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    response = browser.post(
        "/subscribe/", {**signup_data("ana@example.org"), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 303


def test_a_name_with_markup_is_shown_escaped_when_the_form_comes_back(client, signup_data):
    data = signup_data("ana@example.org", name='<script>alert("x")</script>')
    del data["consent"]

    html = client.post("/subscribe/", data).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html
