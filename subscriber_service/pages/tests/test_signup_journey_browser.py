"""A supporter signs up in French in a real browser, confirms, changes, leaves and comes back.

Debian's Chromium, driven by Playwright, against the service served on
127.0.0.1 by pytest-django's live server. Emails are taken from Django's
in-memory outbox: outbox tasks run in the server's thread when their
transaction commits (test settings).
"""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from subscriber_service.subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db(transaction=True)

Status = Subscriber.Status
# The French button, with its typographic apostrophe.
SUBSCRIBE = "S\u2019abonner"


@pytest.fixture
def service(live_server, settings):
    """The live server, with links in emails pointing at it."""
    settings.SUBSCRIPTIONS = {**settings.SUBSCRIPTIONS, "PUBLIC_URL": live_server.url}
    # The fill-time check is the abuse app's to test; a test types faster than people.
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    return live_server.url


@pytest.fixture
def partner_site(service, settings):
    """Another site that embeds the form: its own server on 127.0.0.1, where the service is
    on localhost (another site for the browser), allowed to frame the form."""
    page = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Partner</title>'
        "</head><body><h1>Partner site</h1>"
        f'<script src="{service}/static/pages/embed.js" data-language="fr" '
        'data-interests="monitor" async></script><p id="after">After</p></body></html>'
    ).encode()

    class Partner(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.SIGNUP_EMBED_ALLOWED_ORIGINS = [origin]
    yield origin
    server.shutdown()
    server.server_close()
    thread.join()


def wait_for_mail(subject: str, *, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if message.subject == subject:
                return message
        time.sleep(0.05)
    raise AssertionError(f"no email {subject!r}; got {[m.subject for m in mail.outbox]}")


def link_in(message, url: str, kind: str) -> str:
    return re.search(rf"{re.escape(url)}/fr/{kind}/[^\s]+/", message.body).group(0)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_supporter_signs_up_confirms_changes_preferences_unsubscribes_and_comes_back(
    browser, service
):
    page = browser.new_page()
    page.set_default_timeout(20_000)

    # Sign up with the keyboard.
    page.goto(f"{service}/fr/subscribe/")
    assert page.get_attribute("html", "lang") == "fr"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Adresse e-mail").focus()
    page.keyboard.type("Ana.Defender@Example.org")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_name"
    page.keyboard.type("Ana")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_interests_0"  # Observatoire des droits humains
    page.keyboard.press("Space")
    for _ in range(4):  # the other three topics, then the language, already French
        page.keyboard.press("Tab")
    assert focused_id(page) == "id_language"
    assert page.input_value("#id_language") == "fr"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_consent"
    page.keyboard.press("Space")
    subscribe = page.get_by_role("button", name=SUBSCRIBE)
    page.wait_for_function(
        "!document.querySelector('form[data-pow-challenge-url] button').disabled"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == SUBSCRIBE
    assert subscribe.is_enabled()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{service}/fr/subscribe/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Consultez votre boîte de réception"
    )
    subscriber = Subscriber.objects.get(email="ana.defender@example.org")
    assert subscriber.status == Status.PENDING
    assert subscriber.language == "fr"
    assert subscriber.source == "hosted-form"
    assert list(subscriber.interests.values_list("key", flat=True)) == ["monitor"]

    # Confirm: opening the link shows a button and changes nothing; the button confirms.
    confirmation = wait_for_mail("Veuillez confirmer votre abonnement")
    assert confirmation.to == ["ana.defender@example.org"]
    page.goto(link_in(confirmation, service, "confirm"))
    confirm = page.get_by_role("button", name="Confirmer mon abonnement")
    assert confirm.is_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING
    confirm.click()
    page.get_by_role("heading", name="Vous êtes abonné·e").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.SUBSCRIBED

    # Preferences, from the link in the welcome email.
    welcome = wait_for_mail("Bienvenue : votre abonnement est confirmé")
    page.goto(link_in(welcome, service, "preferences"))
    assert page.get_by_label("Observatoire des droits humains").is_checked()
    page.get_by_label("Observatoire des droits humains").uncheck()
    page.get_by_label("Actualités").check()
    page.get_by_label("Événements et invitations").check()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    page.get_by_text("Vos préférences sont enregistrées.").wait_for()
    assert page.get_by_label("Actualités").is_checked()
    subscriber.refresh_from_db()
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["events", "news"]

    # One-click unsubscribe (RFC 8058), as a mail client does it from the header.
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = welcome.extra_headers["List-Unsubscribe"].strip("<>")
    assert one_click.startswith(f"{service}/")
    response = page.request.post(one_click, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED

    # The unsubscribe page of the email offers to undo it.
    page.goto(link_in(welcome, service, "unsubscribe"))
    page.get_by_role("heading", name="Vous êtes désabonné·e").wait_for()
    page.get_by_role("button", name="Annuler : me réabonner").click()
    page.get_by_role("heading", name="Vous êtes à nouveau abonné·e").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.SUBSCRIBED
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["events", "news"]


def test_the_form_embedded_on_another_site_signs_people_up_without_cookies(
    browser, service, partner_site
):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{partner_site}/join")
    frame_element = page.locator("iframe")
    frame_element.wait_for()
    assert frame_element.get_attribute("title") == "Abonnez-vous à nos e-mails"
    assert page.evaluate("document.querySelector('script + iframe + #after') !== null")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Adresse e-mail").fill("partner.reader@example.org")
    assert frame.get_by_label("Observatoire des droits humains").is_checked()
    frame.locator("#id_consent").check()
    frame.locator("form[data-pow-state=solved]").wait_for()
    frame.get_by_role("button", name=SUBSCRIBE).click()
    frame.get_by_role("heading", name="Consultez votre boîte de réception").wait_for()

    subscriber = Subscriber.objects.get(email="partner.reader@example.org")
    assert subscriber.source == "embed"
    assert subscriber.status == Status.PENDING
    assert [cookie["name"] for cookie in context.cookies(service)] == []
    wait_for_mail("Veuillez confirmer votre abonnement")
