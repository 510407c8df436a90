"""A supporter's whole journey through the subscriber service running as real processes.

gunicorn and a Celery worker on PostgreSQL and Redis (or the embedded
defaults), emails over SMTP to a sink on 127.0.0.1, and the fake Mailchimp
as a real HTTP server: the worker's tasks go through the broker, the emails
through SMTP, the audience sync through the real SDK.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time

import requests
from altcha import solve_challenge_v1

from platform_common.mailchimp import subscriber_hash
from tests.mail_sink import text_of


def solve_proof_of_work(base_url: str) -> str:
    """What pow.js does in a browser: fetch a challenge, find the number."""
    challenge = requests.get(f"{base_url}/api/v1/challenge/", timeout=10).json()
    solution = solve_challenge_v1(
        challenge["challenge"],
        salt=challenge["salt"],
        algorithm=challenge["algorithm"],
        max_number=challenge["maxnumber"],
    )
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def wait_until(predicate, *, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def link_in(message, pattern: str) -> str:
    return re.search(pattern, text_of(message)).group(0)


def test_signup_confirm_sync_unsubscribe_and_erasure_across_real_processes(
    platform, mailchimp, mail_sink
):
    service = platform["subscriber_service"]
    base = service.url
    for interest in ("monitor", "news"):
        interest_id = mailchimp.add_interest("Topics", interest)
        service.manage(
            "shell",
            "-c",
            "from subscriber_service.subscriptions.models import Interest; "
            f"Interest.objects.filter(key='{interest}').update("
            f"mailchimp_interest_id='{interest_id}', "
            f"mailchimp_category_id='{mailchimp.interest_category_id('Topics')}')",
        )
    address = f"defender-{secrets.token_hex(4)}@rights.org"

    signup = requests.post(
        f"{base}/api/v1/subscriptions/",
        json={
            "email": address,
            "language": "fr",
            "interests": ["monitor"],
            "consent": True,
            "altcha": solve_proof_of_work(base),
        },
        timeout=10,
    )
    assert signup.status_code == 202, signup.text

    confirmation = mail_sink.wait_for(address)[0]
    confirm_url = link_in(confirmation, r"http://\S+/fr/confirm/\S+/")
    token = confirm_url.rstrip("/").rsplit("/", 1)[1]
    # Opening the link shows a page; it does not confirm.
    assert requests.get(confirm_url, timeout=10).status_code == 200
    assert mailchimp.member(address) is None

    confirmed = requests.post(
        f"{base}/api/v1/subscriptions/confirm/", json={"token": token}, timeout=10
    )
    assert confirmed.json() == {"status": "subscribed"}

    member = wait_until(lambda: mailchimp.member(address), what="the member reaching Mailchimp")
    assert member["status"] == "subscribed"
    assert member["language"] == "fr"
    monitor_id = mailchimp.add_interest("Topics", "monitor")
    assert member["interests"][monitor_id] is True
    assert mailchimp.requests_to("PUT", subscriber_hash(address))

    welcome = mail_sink.wait_for(address, count=2)[1]
    # The header may be folded over several lines: unfold, then take what is between <>.
    one_click = re.search(r"<([^>]+)>", re.sub(r"\s+", "", str(welcome["List-Unsubscribe"])))[1]
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        requests.post(one_click, data={"List-Unsubscribe": "One-Click"}, timeout=10).status_code
        == 200
    )
    wait_until(
        lambda: (mailchimp.member(address) or {}).get("status") == "unsubscribed",
        what="the unsubscribe reaching Mailchimp",
    )

    requests.post(
        f"{base}/api/v1/privacy/requests/", json={"email": address, "kind": "erasure"}, timeout=10
    )
    privacy = mail_sink.wait_for(address, count=3)[2]
    privacy_token = link_in(privacy, r"http://\S+/privacy/\S+/").rstrip("/").rsplit("/", 1)[1]
    erased = requests.post(
        f"{base}/api/v1/privacy/erase/", json={"token": privacy_token}, timeout=10
    )
    assert erased.status_code == 204
    wait_until(lambda: mailchimp.member(address) is None, what="the erasure reaching Mailchimp")

    # A later import of an old list that still holds the address cannot bring it back.
    imported = service.manage(
        "shell",
        "-c",
        "from subscriber_service.subscriptions.imports import subscribers_import; "
        "r = subscribers_import(['email,consent_source,consent_date\\n', "
        f"'{address},old list,2020-01-01\\n']); print(r.created, r.rejected[0][2])",
    )
    assert imported.stdout.strip().splitlines()[-1] == (
        "0 erased at the person's request: never re-added"
    )
    assert mailchimp.spec_violations == []
    assert mailchimp.too_many_requests == 0
