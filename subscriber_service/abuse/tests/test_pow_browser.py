"""pow.js solves the challenge in a real browser, and the Python side accepts its answer.

Debian's Chromium, driven by Playwright, against the test signup page served
on 127.0.0.1 by pytest-django's live server.
"""

import pytest

from subscriber_service.abuse.proof_of_work import verify_proof_of_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALTCHA_MAX_NUMBER = 20_000
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    third_party = []
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else third_party.append(request.url)
        ),
    )
    yield page
    context.close()
    assert third_party == [], "the page loaded something from elsewhere"


def test_the_browser_solves_the_challenge_and_the_signup_is_accepted(page, live_server):
    # The first challenge request fails: the form stays closed and says it retries.
    page.route("**/api/v1/challenge/", lambda route: route.abort())
    page.goto(f"{live_server.url}/test/signup-page/")
    page.wait_for_function("document.querySelector('form').dataset.powState === 'failed'")
    assert page.is_disabled("button[type=submit]")
    assert page.text_content("[data-pow-status]") == (
        "The form could not be prepared; retrying\u2026"
    )
    page.unroute("**/api/v1/challenge/")

    page.wait_for_function(
        "document.querySelector('form').dataset.powState === 'solved'", timeout=60_000
    )
    assert page.text_content("[data-pow-status]") == ""
    page.fill("#email", "reader@example.org")
    page.click("button[type=submit]")

    assert page.text_content("#result") == "Thank you for signing up."


def test_the_answer_the_browser_found_is_what_the_python_verifier_accepts_once(page, live_server):
    page.goto(f"{live_server.url}/test/signup-page/")
    page.wait_for_function(
        "document.querySelector('input[name=altcha]').value !== ''", timeout=60_000
    )
    assert page.is_enabled("button[type=submit]")
    payload = page.input_value("input[name=altcha]")

    verify_proof_of_work(payload)

    # The browser's form now carries a spent answer: sending it is refused.
    page.fill("#email", "reader@example.org")
    page.click("button[type=submit]")
    assert page.text_content("#result") == (
        "This proof-of-work answer has already been used; reload the page and try again."
    )


def test_a_form_left_open_gets_a_new_answer_before_the_old_one_expires(page, live_server, settings):
    settings.ALTCHA_EXPIRY_SECONDS = 33  # pow.js renews 30 s before the expiry
    page.goto(f"{live_server.url}/test/signup-page/")
    page.wait_for_function("document.querySelector('input[name=altcha]').value !== ''")
    first = page.input_value("input[name=altcha]")

    page.wait_for_function(
        "first => document.querySelector('input[name=altcha]').value !== first", arg=first
    )

    renewed = page.input_value("input[name=altcha]")
    verify_proof_of_work(renewed)
    assert page.is_enabled("button[type=submit]")
