"""SdkTransport against the fake Mailchimp: the real SDK, a faithful server, real HTTP."""

from collections.abc import Iterator

import pytest

from fake_mailchimp import FakeMailchimp, subscriber_hash
from platform_common.mailchimp import MailchimpError, SdkTransport


@pytest.fixture
def fake() -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as server:
        yield server
    assert server.spec_violations == []


@pytest.fixture
def transport(fake: FakeMailchimp) -> SdkTransport:
    return SdkTransport(api_key=fake.api_key, server=fake.server_prefix, timeout=3, host=fake.host)


def member_path(fake: FakeMailchimp, email: str) -> str:
    return f"/lists/{fake.list_id}/members/{subscriber_hash(email)}"


def test_sdk_transport_upserts_a_member_and_reads_the_audience(fake, transport):
    email = "supporter@rights.org"

    answer = transport.request(
        "PUT",
        member_path(fake, email),
        body={"email_address": email, "status_if_new": "pending", "language": "fr"},
    )
    listed = transport.request(
        "GET", f"/lists/{fake.list_id}/members", query={"status": "pending", "count": 5}
    )
    archived = transport.request("DELETE", member_path(fake, email))

    assert answer["id"] == subscriber_hash(email)
    assert answer["status"] == "pending"
    assert [m["email_address"] for m in listed["members"]] == [email]
    assert archived is None  # 204: the SDK's raw response becomes None
    assert fake.member(email)["status"] == "archived"


def test_sdk_transport_turns_a_400_into_an_error_that_is_not_retried(fake, transport):
    with pytest.raises(MailchimpError) as raised:
        transport.request(
            "PUT",
            member_path(fake, "someone@rights.org"),
            body={"email_address": "another@rights.org", "status_if_new": "subscribed"},
        )

    assert raised.value.status_code == 400
    assert raised.value.retryable is False
    assert raised.value.detail["title"] == "Invalid Resource"
    assert raised.value.detail["errors"][0]["field"] == "email_address"


def test_sdk_transport_turns_a_503_into_an_error_that_is_retried(fake, transport):
    fake.fail_next(1, status=503)

    with pytest.raises(MailchimpError) as raised:
        transport.request("GET", "/ping")
    recovered = transport.request("GET", "/ping")

    assert raised.value.status_code == 503
    assert raised.value.retryable is True
    assert raised.value.detail["title"] == "Service Unavailable"
    assert recovered == {"health_status": "Everything's Chimpy!"}


def test_sdk_transport_reports_a_refused_send_of_an_empty_body_as_an_error(fake, transport):
    with pytest.raises(MailchimpError) as raised:
        transport.request("POST", "/campaigns/0123456789/actions/send")

    assert raised.value.status_code == 404
    assert raised.value.retryable is False
