import time

import pytest
from django.core import signing

from subscriber_service.abuse.checks import check_email
from subscriber_service.abuse.exceptions import AbuseRejected
from subscriber_service.abuse.forms import issue_form_started


def issued_seconds_ago(monkeypatch, seconds):
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: now - seconds)
        return issue_form_started()


def test_a_filled_honeypot_is_refused_with_a_generic_message(settings, signup):
    settings.SIGNUP_HONEYPOT_FIELD = "website"

    response = signup("reader@example.org", website="http://spam.example.com")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "This signup could not be accepted."
    assert response.json()["code"] == "rejected"


def test_an_empty_honeypot_passes(signup):
    assert signup("reader@example.org", website="").status_code == 202


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(settings, signup):
    settings.SIGNUP_MIN_FILL_SECONDS = 3

    response = signup("reader@example.org", hosted=True, form_started=issue_form_started())

    assert response.status_code == 400
    assert response.json()["code"] == "form_too_fast"
    assert response.json()["detail"] == (
        "The form was sent too quickly; wait a few seconds and send it again."
    )


def test_a_form_filled_in_a_plausible_time_passes(settings, signup, monkeypatch):
    settings.SIGNUP_MIN_FILL_SECONDS = 3
    started = issued_seconds_ago(monkeypatch, 5)

    assert signup("reader@example.org", hosted=True, form_started=started).status_code == 202


def test_a_tampered_form_started_is_refused(settings, signup, monkeypatch):
    started = issued_seconds_ago(monkeypatch, 60)
    payload, rest = started.split(":", 1)
    forged = signing.dumps({"t": time.time() - 60})  # the right shape, not our salt

    for token in (payload + "x:" + rest, started[:-2], forged, "not-a-token"):
        response = signup("reader@example.org", hosted=True, form_started=token)
        assert response.status_code == 400, token
        assert response.json()["code"] == "form_invalid"
        assert response.json()["detail"] == (
            "The form could not be verified; reload the page and try again."
        )


def test_a_form_older_than_the_maximum_age_is_refused(settings, signup, monkeypatch):
    settings.SIGNUP_FORM_MAX_AGE_SECONDS = 3600
    started = issued_seconds_ago(monkeypatch, 3700)

    response = signup("reader@example.org", hosted=True, form_started=started)

    assert response.status_code == 400
    assert response.json()["code"] == "form_expired"


def test_a_hosted_form_without_form_started_is_refused(signup):
    response = signup("reader@example.org", hosted=True)

    assert response.status_code == 400
    assert response.json()["code"] == "form_invalid"


def test_the_json_api_for_external_sites_needs_no_form_started(signup):
    assert signup("reader@example.org").status_code == 202


@pytest.mark.parametrize(
    ("address", "code", "detail"),
    [
        ("", "email_invalid", "An email address is required."),
        ("not-an-address", "email_invalid", "This is not a valid email address."),
        ("a@b..org", "email_invalid", "This is not a valid email address."),
        ("a@localhost", "email_domain", "The domain of this address (localhost) is incomplete."),
        ("a@[192.0.2.1]", "email_domain", "Use an address at a domain name, not at an IP address."),
        (
            "a@xn--a.org",
            "email_domain",
            "The domain of this address (xn--a.org) is not a valid domain name.",
        ),
        (
            "a@☃.net",
            "email_domain",
            "The domain of this address (☃.net) is not a valid domain name.",
        ),
        (
            "a@mail.test",
            "email_domain",
            "The domain mail.test is reserved and cannot receive email.",
        ),
        (
            "a@x.invalid",
            "email_domain",
            "The domain x.invalid is reserved and cannot receive email.",
        ),
        (
            "a@site.example",
            "email_domain",
            "The domain site.example is reserved and cannot receive email.",
        ),
        (
            "a@pc.localhost",
            "email_domain",
            "The domain pc.localhost is reserved and cannot receive email.",
        ),
        (
            "a@mailinator.com",
            "email_disposable_domain",
            "mailinator.com gives out disposable addresses; "
            "please sign up with an address you keep.",
        ),
        (
            "a@eu.YOPmail.com",
            "email_disposable_domain",
            "yopmail.com gives out disposable addresses; please sign up with an address you keep.",
        ),
    ],
)
def test_bad_addresses_are_refused_naming_what_is_wrong(signup, address, code, detail):
    response = signup(address)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["detail"], body["field"]) == (code, detail, "email")


def test_domains_blocked_in_settings_are_refused_with_their_subdomains(settings, signup):
    settings.SIGNUP_BLOCKED_DOMAINS = ["spam-friends.net", "bücher-spam.de"]

    for address, shown in [
        ("a@spam-friends.net", "spam-friends.net"),
        ("a@lists.Spam-Friends.net", "spam-friends.net"),
        ("a@xn--bcher-spam-9db.de", "bücher-spam.de"),
    ]:
        response = signup(address)
        assert response.status_code == 400
        assert response.json()["code"] == "email_blocked_domain"
        assert response.json()["detail"] == f"Addresses at {shown} cannot be used to sign up."

    assert signup("a@friends.net").status_code == 202


def test_another_disposable_list_file_replaces_the_bundled_one(settings, signup, tmp_path):
    listing = tmp_path / "disposable.txt"
    listing.write_text("# ours\nthrowaway.example.net  # a comment\n")
    settings.SIGNUP_DISPOSABLE_DOMAINS_FILE = str(listing)

    assert signup("a@throwaway.example.net").json()["code"] == "email_disposable_domain"
    assert signup("a@mailinator.com").status_code == 202


@pytest.mark.parametrize(
    "address",
    [
        "reader@example.org",
        "first.last+news@sub.domain.co.uk",
        "ana@bücher.de",
        "ana@xn--bcher-kva.de",
        "reader@пример.рф",
        "reader@例え.テスト.jp",
        "O'Brien@example.ie",
    ],
)
def test_valid_addresses_including_internationalised_domains_pass(signup, address):
    assert signup(address).status_code == 202


def test_the_normalised_address_is_one_for_every_spelling_of_a_domain():
    spellings = ["Ana@Bücher.de", "ana@xn--bcher-kva.de", " ANA@BÜCHER.DE "]

    assert {check_email(spelling) for spelling in spellings} == {"ana@xn--bcher-kva.de"}


def test_a_body_over_the_size_limit_is_refused_with_413_before_it_is_parsed(settings, api):
    settings.SIGNUP_MAX_REQUEST_BYTES = 1000

    response = api.post("/test/signup/", "{" + "x" * 2000, content_type="application/json")

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "request_too_large"
    assert body["title"] == "Request Entity Too Large"
    assert body["detail"] == "The request is too large: at most 1000 bytes are accepted."


def test_a_body_under_the_size_limit_passes(settings, signup):
    settings.SIGNUP_MAX_REQUEST_BYTES = 1000

    assert signup("reader@example.org", name="A" * 100).status_code == 202


def test_the_guard_itself_refuses_an_oversized_request():
    from django.test import RequestFactory

    from subscriber_service.abuse.guard import signup_guard

    request = RequestFactory().post(
        "/", data="x" * 20_000, content_type="application/json", REMOTE_ADDR="192.0.2.1"
    )

    with pytest.raises(AbuseRejected) as refused:
        signup_guard(request, email="a@example.org", data={})
    assert refused.value.status_code == 413
