"""The platform's main story, end to end, in a real browser, across the three services.

An editor publishes a Monitor article in French from the Wagtail admin; it is
in the content API; a supporter signs up in French on the hosted form and
confirms from the email; the member reaches Mailchimp; the weekly digest is
built from the article (the task beat runs) and the editor sends it from the
admin to the French Monitor readers, once; the supporter leaves with one
click from an email's header, then has their data erased from the hosted
privacy page; a later import of an old list cannot bring them back.

The three services run as gunicorn and Celery processes (``platform``) with
the fake Mailchimp and the SMTP sink; Debian's Chromium, driven by
Playwright, is the editor's and the supporter's browser (one context each).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from playwright.sync_api import expect, sync_playwright

from platform_common.mailchimp import subscriber_hash
from platform_common.pytest_browser import CHROMIUM_ARGS
from tests.faults.support import celery_client
from tests.mail_sink import one_click_unsubscribe_url
from tests.test_send_as_newsletter_browser import current_code, map_interest
from tests.test_subscriber_flow import wait_until

PASSWORD = "a long story editor password 8"  # a throwaway account of this test
# The subscriber service's SIGNUP_MIN_FILL_SECONDS (production's 3 s), and a little more.
FILL_SECONDS = 3.5
# The CMS's three languages, the French Monitor under the home page (as the demo content
# makes it, which may be loaded already), and an editor who may publish and send
# newsletters (Moderators) with a confirmed TOTP device: production settings require it.
CMS_SETUP = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale
from cms.demo.content import TRANSLATIONS
from cms.home.demo import home_page_ensure
from cms.monitor.models import MonitorIndexPage

# Every language the newsletter service builds digests in: it asks the CMS for each.
for code in ("en", "es"):
    Locale.objects.get_or_create(language_code=code)
french = Locale.objects.get_or_create(language_code="fr")[0]
home = home_page_ensure()
monitor = MonitorIndexPage.objects.child_of(home).first()
if monitor is None:
    monitor = MonitorIndexPage(title="Human Rights Monitor", slug="monitor")
    home.add_child(instance=monitor)
    monitor.save_revision().publish()
for page, (title, intro) in (
    (home, TRANSLATIONS["fr"]["home"]), (monitor, TRANSLATIONS["fr"]["monitor"])
):
    if not page.get_translations().filter(locale=french).exists():
        translation = page.copy_for_translation(french, copy_parents=True)
        translation.title, translation.intro = title, intro
        translation.save_revision().publish()
user, _ = get_user_model().objects.get_or_create(
    username="story-editor", defaults={{"email": "story-editor@rights.test"}}
)
user.set_password({PASSWORD!r})
user.save()
user.groups.set([Group.objects.get(name="Moderators")])
TOTPDevice.objects.filter(user=user).delete()
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
print(json.dumps({{
    "key": device.key, "step": device.step, "digits": device.digits,
    "french_monitor": monitor.get_translation(french).pk,
}}))
"""
# What the subscriber service holds about an address, in any of its own tables.
TRACES = """
import io, json
from django.apps import apps
from django.core.management import call_command
from platform_common.mailchimp import subscriber_hash
from subscriber_service.subscriptions.models import Subscriber

address = {address!r}
dump = io.StringIO()
labels = [c.label for c in apps.get_app_configs() if c.name.startswith("subscriber_service.")]
call_command("dumpdata", *labels, stdout=dump)
print(json.dumps({{
    "subscribers": Subscriber.objects.filter(email__iexact=address).count(),
    "address_in_data": address in dump.getvalue().lower(),
    "mailchimp_hash_in_data": subscriber_hash(address) in dump.getvalue(),
}}))
"""
NOTHING_HELD = {"subscribers": 0, "address_in_data": False, "mailchimp_hash_in_data": False}


def last_json_line(completed) -> dict:
    return json.loads(completed.stdout.strip().splitlines()[-1])


def sign_in(page, cms_url: str, setup: dict) -> None:
    """Password, then the code of the editor's authenticator app."""
    page.goto(f"{cms_url}/admin/login/")
    page.fill("input[name=username]", "story-editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/2fa/verify/"))
    page.fill("input[name=otp_token]", current_code(setup))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_a_french_article_reaches_a_new_supporter_who_then_leaves_and_is_erased_for_good(
    platform, mailchimp, mail_sink, backing, service_tokens, monkeypatch, tmp_path
):
    cms, subscribers, newsletters = (
        platform[name] for name in ("cms", "subscriber_service", "newsletter_service")
    )
    campaigns_api = f"{newsletters.url}/api/v1/campaigns"
    as_cms = {"Authorization": f"Bearer {service_tokens[('cms', 'newsletter_service')]}"}
    with ThreadPoolExecutor() as pool:  # two processes, each in its own service: at once
        interest = pool.submit(map_interest, platform, mailchimp, "monitor")
        cms_setup = pool.submit(cms.manage, "shell", "-c", CMS_SETUP)
    monitor_id, setup = interest.result(), last_json_line(cms_setup.result())
    token = secrets.token_hex(4)
    title = f"Trois défenseuses libérées à Bamako ({token})"
    address = f"story-{token}@rights.org"
    member_hash = subscriber_hash(address)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            editor = browser.new_context().new_page()
            supporter = browser.new_context().new_page()
            for page in (editor, supporter):
                page.set_default_timeout(30_000)

            # 1. The editor publishes a new article under the French Monitor.
            sign_in(editor, cms.url, setup)
            editor.goto(f"{cms.url}/admin/pages/{setup['french_monitor']}/add_subpage/")
            # The Monitor takes articles only: Wagtail goes straight to the article form.
            editor.wait_for_url(re.compile(r"/admin/pages/add/monitor/articlepage/\d+/$"))
            editor.fill("#id_title", title)
            editor.fill("#id_summary", "Détenues depuis un mois, elles ont été libérées lundi.")
            editor.get_by_role("button", name="More actions").click()
            editor.get_by_role("button", name="Publish").click()
            expect(editor.get_by_text(f"Page '{title}' created and published.")).to_be_visible()

            # 2. The article is in the content API, in French.
            def listed() -> dict | None:
                answer = requests.get(
                    f"{cms.url}/api/v2/pages/",
                    params={
                        "type": "monitor.ArticlePage",
                        "locale": "fr",
                        "order": "-first_published_at",
                        "limit": 20,
                    },
                    timeout=30,
                )
                return next((i for i in answer.json()["items"] if i["title"] == title), None)

            article = wait_until(listed, timeout=30, what="the article in the content API")
            assert article["meta"]["locale"] == "fr"
            assert "/fr/" in article["meta"]["html_url"]

            # 3. A supporter signs up in French; the proof of work runs in the page.
            supporter.goto(f"{subscribers.url}/fr/subscribe/")
            opened = time.monotonic()
            supporter.get_by_label("Adresse e-mail").fill(address)
            supporter.get_by_label("Observatoire des droits humains").check()
            expect(supporter.get_by_label("Langue des e-mails")).to_have_value("fr")
            supporter.locator("#id_consent").check()
            supporter.locator("form[data-pow-state=solved]").wait_for()
            # A person takes a few seconds over the form; the service refuses a form sent
            # sooner than SIGNUP_MIN_FILL_SECONDS (3 s) after it was served, as bots do.
            time.sleep(max(0.0, FILL_SECONDS - (time.monotonic() - opened)))
            supporter.get_by_role("button", name="S\u2019abonner").click()
            supporter.wait_for_url(f"{subscribers.url}/fr/subscribe/sent/")
            expect(supporter.get_by_role("heading", level=1)).to_have_text(
                "Consultez votre boîte de réception"
            )

            # 4. The confirmation email's link opens a page whose button confirms.
            _, link = mail_sink.wait_for_match(address, r"http://\S+/fr/confirm/\S+/", timeout=90)
            supporter.goto(link[0])
            confirm = supporter.get_by_role("button", name="Confirmer mon abonnement")
            expect(confirm).to_be_visible()
            assert mailchimp.member(address) is None  # opening the link confirms nothing
            confirm.click()
            expect(supporter.get_by_role("heading", name="Vous êtes abonné·e")).to_be_visible()

            # 5. The member is in Mailchimp: subscribed, French, Monitor.
            member = wait_until(
                lambda: (
                    (found := mailchimp.member(address))
                    and found["status"] == "subscribed"
                    and found
                ),
                timeout=90,
                what="the member subscribed in Mailchimp",
            )
            assert member["language"] == "fr"
            assert member["interests"][monitor_id] is True

            # 6. The article's publish event made the French digest draft; the task that beat
            # runs builds the digest again (refreshed, not duplicated); the editor sends it.
            def french_draft() -> dict | None:
                found = requests.get(
                    campaigns_api,
                    params={"kind": "digest", "state": "draft", "page_id": article["id"]},
                    headers=as_cms,
                    timeout=30,
                ).json()["results"]
                return next((c for c in found if c["language"] == "fr"), None)

            draft = wait_until(french_draft, timeout=300, what="the publish event's digest draft")

            def digest_now() -> dict:
                url = f"{campaigns_api}/{draft['id']}/"
                return requests.get(url, headers=as_cms, timeout=30).json()

            app = celery_client("newsletter_service", backing, monkeypatch)
            try:
                built = app.send_task(
                    "newsletter_service.campaigns.digest_build_all", queue="newsletter_service"
                ).get(timeout=180)
            finally:
                app.close()
            assert built["fr"] == draft["id"]
            assert article["id"] in digest_now()["page_ids"]

            editor.goto(f"{cms.url}/admin/newsletters/pages/{article['id']}/")
            editor.get_by_role("link", name=draft["subject"]).click()
            editor.wait_for_url(re.compile(rf"/campaigns/{draft['id']}/$"))
            preview = editor.frame_locator("iframe[title='Email preview']")
            expect(preview.locator("body")).to_contain_text(title)
            editor.get_by_label("Send it to the whole audience now").check()
            editor.get_by_role("button", name="Send now").click()
            expect(editor.get_by_text("Sending: the newsletter service")).to_be_visible()
            sent = wait_until(
                lambda: (found := digest_now())["state"] == "sent" and found,
                timeout=180,
                what="the digest sent",
            )
            editor.reload()
            expect(editor.locator("[data-campaign-state=sent]")).to_be_visible()

            # At Mailchimp: one campaign holds the article, sent once to Monitor AND French.
            remote_id = sent["mailchimp_campaign_id"]
            with mailchimp.store.lock:
                holding_article = [
                    campaign_id
                    for campaign_id, campaign in mailchimp.store.campaigns.items()
                    if title in campaign["content"]["plain_text"]
                ]
            assert holding_article == [remote_id]
            remote = mailchimp.campaign(remote_id)
            assert remote["status"] in ("sending", "sent")
            conditions = remote["recipients"]["segment_opts"]["conditions"]
            assert remote["recipients"]["segment_opts"]["match"] == "all"
            assert sorted((c["condition_type"], c["op"], c["value"]) for c in conditions) == [
                ("Interests", "interestcontains", [monitor_id]),
                ("Language", "is", "fr"),
            ]
            assert (
                len(mailchimp.requests_to("POST", rf"^/campaigns/{remote_id}/actions/send$")) == 1
            )
            assert address in mailchimp.sent_to(remote_id)

            # 7. One click from the header of a real email (the welcome), as a mail client.
            welcome = wait_until(
                lambda: next((m for m in mail_sink.to(address) if m["List-Unsubscribe"]), None),
                what="an email with List-Unsubscribe",
            )
            assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            one_click = requests.post(
                one_click_unsubscribe_url(welcome),
                data={"List-Unsubscribe": "One-Click"},
                timeout=30,
            )
            assert one_click.status_code == 200

            # 8. Mailchimp shows the member unsubscribed.
            wait_until(
                lambda: (mailchimp.member(address) or {}).get("status") == "unsubscribed",
                timeout=90,
                what="the unsubscribe reaching Mailchimp",
            )

            # 9. Erasure from the hosted privacy page, confirmed from the emailed link.
            supporter.goto(f"{subscribers.url}/fr/privacy/")
            supporter.get_by_label("Adresse e-mail").fill(address)
            supporter.get_by_label("Effacer les données que vous détenez sur moi").check()
            supporter.get_by_role("button", name="M\u2019envoyer le lien").click()
            expect(supporter.get_by_role("heading", level=1)).to_have_text(
                "Consultez votre boîte de réception"
            )
            _, link = mail_sink.wait_for_match(address, r"http://\S+/fr/privacy/\S+/", timeout=90)
            supporter.goto(link[0])
            supporter.get_by_role("button", name="Effacer mes données").click()
            expect(
                supporter.get_by_role("heading", name="Vos données sont effacées")
            ).to_be_visible()

            # The member deleted for good at Mailchimp, nothing held here.
            wait_until(
                lambda: mailchimp.member(address) is None, what="the erasure reaching Mailchimp"
            )
            with mailchimp.store.lock:
                assert member_hash in mailchimp.store.forgotten
            erasing = rf"/members/{member_hash}/actions/delete-permanent$"
            assert mailchimp.requests_to("POST", erasing)
            traces = TRACES.format(address=address)
            wait_until(
                lambda: last_json_line(subscribers.manage("shell", "-c", traces)) == NOTHING_HELD,
                timeout=60,
                what="nothing left about the address in the subscriber service",
            )
        finally:
            browser.close()

    # 10. A later import of an old list with the address does not bring it back.
    old_list = tmp_path / "old-list.csv"
    old_list.write_text(f"email,consent_source,consent_date\n{address},old list,2020-01-01\n")
    writes_before = len(mailchimp.requests_to("PUT", member_hash))
    imported = subscribers.manage("import_subscribers", str(old_list)).stdout
    assert "imported: 0 new, 0 pending confirmed, 0 already subscribed, 1 rejected" in imported
    assert "erased at the person's request: never re-added" in imported
    assert last_json_line(subscribers.manage("shell", "-c", traces)) == NOTHING_HELD
    assert mailchimp.member(address) is None
    assert len(mailchimp.requests_to("PUT", member_hash)) == writes_before
    assert mailchimp.spec_violations == []
