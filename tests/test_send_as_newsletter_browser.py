"""A moderator sends a Monitor article as a newsletter from the Wagtail admin, in a real browser.

The three services run as gunicorn and Celery processes (``platform``), with
the fake Mailchimp; Debian's Chromium is driven by Playwright. The moderator
signs in with a password *and* a TOTP code, as production requires (the CMS
runs its production settings here, 2FA mandatory), previews the email,
sends a test, schedules it and unschedules it again (confirming on its own
screen), sends it, and watches its status become "sent" in Wagtail.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from datetime import UTC, datetime, timedelta

from django_otp.oath import totp
from playwright.sync_api import expect, sync_playwright

from platform_common.mailchimp import subscriber_hash
from platform_common.pytest_browser import CHROMIUM_ARGS

PASSWORD = "a long moderator password 7"  # a throwaway account of this test

# Run in the CMS's environment: a moderator (Moderators only: the send permission is
# the group's, granted by cms/newsletters' data migration) with a confirmed TOTP device,
# and the latest English Monitor article that has a French translation.
CMS_SETUP = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from cms.monitor.models import ArticlePage

user, _ = get_user_model().objects.get_or_create(
    username="newsletter-moderator", defaults={{"email": "moderator@rights.test"}}
)
user.set_password({PASSWORD!r})
user.save()
user.groups.set([Group.objects.get(name="Moderators")])
TOTPDevice.objects.filter(user=user).delete()
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
article = next(
    a
    for a in ArticlePage.objects.live().filter(locale__language_code="en").order_by("-date")
    if a.get_translations().filter(locale__language_code="fr", live=True).exists()
)
print(json.dumps({{
    "key": device.key, "step": device.step, "digits": device.digits,
    "article_id": article.pk, "title": article.title,
    "can_send": user.has_perm("newsletters.send_newsletter"),
}}))
"""


def map_interest(platform, mailchimp, key: str) -> str:
    """Point the subscriber service's interest at the fake Mailchimp's group (as an admin does)."""
    interest_id = mailchimp.add_interest("Topics", key)
    platform["subscriber_service"].manage(
        "shell",
        "-c",
        "from subscriber_service.subscriptions.models import Interest; "
        f"Interest.objects.filter(key='{key}').update(mailchimp_interest_id='{interest_id}', "
        f"mailchimp_category_id='{mailchimp.interest_category_id('Topics')}')",
    )
    return interest_id


def add_member(mailchimp, email: str, *, language: str, interest_id: str) -> None:
    mailchimp.sdk_client().lists.set_list_member(
        mailchimp.list_id,
        subscriber_hash(email),
        {
            "email_address": email,
            "status_if_new": "subscribed",
            "status": "subscribed",
            "language": language,
            "interests": {interest_id: True},
        },
    )


def current_code(setup: dict) -> str:
    """What the moderator's authenticator app shows now."""
    code = totp(bytes.fromhex(setup["key"]), step=setup["step"], digits=setup["digits"])
    return f"{code:0{setup['digits']}d}"


def test_a_moderator_sends_a_monitor_article_as_a_newsletter_and_sees_it_sent(platform, mailchimp):
    cms = platform["cms"]
    monitor_id = map_interest(platform, mailchimp, "monitor")
    reader = f"lecteur-{secrets.token_hex(4)}@rights.test"
    add_member(mailchimp, reader, language="fr", interest_id=monitor_id)
    english_reader = f"reader-{secrets.token_hex(4)}@rights.test"
    add_member(mailchimp, english_reader, language="en", interest_id=monitor_id)
    cms.manage("load_demo_content")
    setup = json.loads(cms.manage("shell", "-c", CMS_SETUP).stdout.strip().splitlines()[-1])
    assert setup["can_send"], "Moderators should have newsletters.send_newsletter"
    tester = f"tester-{secrets.token_hex(4)}@rights.test"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)

            page.goto(f"{cms.url}/admin/login/")
            page.fill("input[name=username]", "newsletter-moderator")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/admin/2fa/verify/"))
            page.fill("input[name=otp_token]", current_code(setup))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_url(re.compile(r"/admin/$"))

            page.goto(f"{cms.url}/admin/pages/{setup['article_id']}/edit/")
            header = page.get_by_role("navigation", name="Actions", exact=True)
            header.get_by_role("button", name="Actions").click()
            page.get_by_role("link", name="Send as newsletter").click()
            page.wait_for_url(re.compile(rf"/admin/newsletters/pages/{setup['article_id']}/$"))

            expect(page.get_by_label("Subject")).to_have_value(setup["title"])
            for checkbox in page.locator("input[name=interests]").all():
                checkbox.uncheck()
            page.get_by_label("Human Rights Monitor").check()
            page.get_by_label("Language").select_option(label="French")
            page.get_by_role("button", name="Create draft and preview").click()
            page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
            expect(page.get_by_text("Draft newsletter")).to_be_visible()

            preview = page.frame_locator("iframe[title='Email preview']")
            expect(preview.locator("body")).to_contain_text(setup["title"])

            page.get_by_label("Send a test to").fill(tester)
            page.get_by_role("button", name="Send test").click()
            expect(page.get_by_text(f"Test sent to 1 address: {tester}.")).to_be_visible()
            tests = [send for send in mailchimp.test_sends if send["test_emails"] == [tester]]
            assert len(tests) == 1

            # Scheduled, then unscheduled after a confirmation screen: a draft again.
            when = datetime.now(UTC) + timedelta(hours=3)
            page.get_by_label("Send at").fill(when.strftime("%Y-%m-%d %H:00"))
            page.get_by_label("Send at").press("Tab")  # closes the date picker
            page.get_by_role("button", name="Schedule", exact=True).click()
            expect(page.get_by_text("Scheduled: it will be sent at")).to_be_visible()
            expect(page.locator("[data-campaign-state=scheduled]")).to_have_count(1)
            page.get_by_role("link", name="Unschedule", exact=True).click()
            page.wait_for_url(re.compile(r"/campaigns/\d+/unschedule/$"))
            page.get_by_label("Reason").fill("The embargo moved")
            page.get_by_role("button", name="Yes, unschedule it").click()
            expect(page.get_by_text("Unscheduled: the newsletter is a draft again")).to_be_visible()
            expect(page.locator("[data-campaign-state=draft]")).to_have_count(1)
            expect(page.get_by_text("The embargo moved")).to_be_visible()

            page.get_by_label("Send it to the whole audience now").check()
            page.get_by_role("button", name="Send now").click()
            expect(page.get_by_text("Sending: the newsletter service")).to_be_visible()

            # The send is a task of the newsletter service's worker, queued behind the
            # CMS publish events that loading the demo content sent it: on a busy
            # machine those can take minutes.
            deadline = time.monotonic() + 360
            while page.locator("[data-campaign-state=sent]").count() == 0:
                assert time.monotonic() < deadline, "the campaign never showed as sent"
                time.sleep(3)
                page.reload()
            expect(page.get_by_role("heading", name="Report")).to_be_visible()
        finally:
            browser.close()

    # The test went to the campaign that was then sent: once, to the French Monitor reader only.
    mailchimp_campaign = tests[0]["campaign_id"]
    assert (
        len(mailchimp.requests_to("POST", rf"/campaigns/{mailchimp_campaign}/actions/send$")) == 1
    )
    # Other tests of the session share this Mailchimp and add French Monitor
    # readers of their own: every recipient is one, the English reader is not.
    recipients = mailchimp.sent_to(mailchimp_campaign)
    assert reader in recipients
    assert english_reader not in recipients
    assert all(mailchimp.member(address)["language"] == "fr" for address in recipients)
    assert mailchimp.spec_violations == []
