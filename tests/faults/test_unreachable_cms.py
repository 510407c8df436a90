"""The CMS down while the newsletter service builds the Monitor digest, then back.

The platform's CMS web process is stopped and started again on its port;
the newsletter service's worker runs the beat task that builds (and, with
``NEWSLETTER_DIGEST_AUTO_SEND``, sends) the digest of each language.
"""

from __future__ import annotations

import pytest
import requests

from tests.faults.support import celery_client, wait_until
from tests.harness import stop_process

pytestmark = pytest.mark.faults

BUILD_TASK = "newsletter_service.campaigns.digest_build_all"


def test_a_digest_built_while_the_cms_is_down_fails_clearly_and_is_sent_once_on_retry(
    platform, workers, interests, monitor_article, mailchimp, service_tokens, backing, monkeypatch
):
    """The digest build meets a CMS that refuses connections, and retries until it is back.

    While the CMS is down the build fails with a message that says so and
    that nothing was changed (recorded as the task's retry reason), no
    digest is created or changed and nothing is created at Mailchimp. Its
    retry (backoff with jitter, up to 6 times) after the CMS is back builds
    the English digest from the new article and sends it, once.
    """
    cms = platform["cms"]
    api = f"{workers['newsletter_service'].url}/api/v1/campaigns"
    headers = {"Authorization": f"Bearer {service_tokens[('cms', 'newsletter_service')]}"}

    def digests() -> list[tuple]:
        listed = requests.get(f"{api}/?kind=digest&limit=100", headers=headers, timeout=10)
        return sorted(
            (c["id"], c["state"], c["updated_at"], tuple(c["page_ids"]))
            for c in listed.json()["results"]
        )

    app = celery_client("newsletter_service", backing, monkeypatch)
    before = digests()
    created_at_mailchimp = len(mailchimp.requests_to("POST", r"^/campaigns$"))
    stop_process(cms.web)
    try:
        build = app.send_task(BUILD_TASK, queue="newsletter_service")
        wait_until(lambda: build.state == "RETRY", timeout=60, what="the build failing")
        failure = build.info
        during = digests()
        created_during = len(mailchimp.requests_to("POST", r"^/campaigns$"))
    finally:
        cms.start_web()
    try:
        built = build.get(timeout=120)
    finally:
        app.close()
    digest_id = built["en"]

    def digest_once_sent() -> dict | None:
        found = requests.get(f"{api}/{digest_id}/", headers=headers, timeout=10).json()
        return None if found["state"] in ("draft", "sending") else found

    digest = wait_until(digest_once_sent, timeout=90, what="the digest sent")

    assert type(failure).__name__ == "DependencyUnavailable"
    assert "no digest was changed" in str(failure)
    assert during == before
    assert created_during == created_at_mailchimp
    # Every language's build ran; the English digest is the one made of this test's article.
    # (Other languages have a digest only if an earlier test published articles in them.)
    assert sorted(built) == ["en", "es", "fr"]
    assert digest_id is not None
    for language in ("fr", "es"):
        if built[language] is not None:
            other = requests.get(f"{api}/{built[language]}/", headers=headers, timeout=10).json()
            assert (other["kind"], other["language"]) == ("digest", language)
    assert digest["state"] == "sent"
    assert monitor_article in digest["page_ids"]
    provider_id = digest["mailchimp_campaign_id"]
    assert len(mailchimp.requests_to("POST", rf"^/campaigns/{provider_id}/actions/send$")) == 1
    assert mailchimp.campaign(provider_id)["status"] in ("sending", "sent")
