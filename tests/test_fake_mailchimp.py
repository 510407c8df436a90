"""The fake Mailchimp, exercised through the official SDK as the services will use it.

Every test checks, on the way out, that the fake's own answers matched the
response schemas of Mailchimp's spec, so a passing suite also means the fake
still speaks Mailchimp's shapes.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mailchimp_marketing
import pytest
import requests
from mailchimp_marketing.api_client import ApiClientError

from fake_mailchimp import FakeMailchimp, FakeMailchimpControl, subscriber_hash
from fake_mailchimp.spec import extract
from fake_mailchimp.validation import SPEC_PATH

pytest_plugins = ["fake_mailchimp.pytest_plugin"]

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake(fake_mailchimp: FakeMailchimp) -> Iterator[FakeMailchimp]:
    yield fake_mailchimp
    assert fake_mailchimp.response_violations == []


def sdk(fake: FakeMailchimp, *, timeout: float = 5) -> mailchimp_marketing.Client:
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": fake.api_key, "server": fake.server_prefix, "timeout": timeout})
    client.api_client.host = fake.host
    return client


def put_member(client, fake: FakeMailchimp, email: str, **fields) -> dict:
    body = {"email_address": email, "status_if_new": "subscribed", **fields}
    return client.lists.set_list_member(fake.list_id, subscriber_hash(email), body)


def problem(error: ApiClientError) -> dict:
    """The problem document of an SDK error; the SDK leaves problem+json as text."""
    assert isinstance(error.text, str)
    return json.loads(error.text)


class ManualClock:
    """A clock the test moves, so times in answers are known in advance."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


# Members -------------------------------------------------------------------------------------


def test_a_member_upserted_by_hash_is_read_back_with_the_fields_mailchimp_returns(fake):
    client = sdk(fake)
    email = "Ana.Lopez@Rights.org"

    put_member(
        client,
        fake,
        email,
        status_if_new="pending",
        merge_fields={"FNAME": "Ana", "LNAME": "López"},
        language="es",
    )
    member = client.lists.get_list_member(fake.list_id, subscriber_hash(email))

    assert member["id"] == subscriber_hash("ana.lopez@rights.org")
    assert member["email_address"] == email
    assert member["status"] == "pending"
    assert member["full_name"] == "Ana López"
    assert member["language"] == "es"
    assert member["list_id"] == fake.list_id
    assert re.fullmatch(r"[0-9a-f]{10}", member["unique_email_id"])
    assert datetime.fromisoformat(member["last_changed"]).tzinfo is not None
    assert fake.spec_violations == []


def test_status_if_new_applies_only_to_a_new_member(fake):
    client = sdk(fake)
    email = "defender@rights.org"

    first = put_member(client, fake, email, status_if_new="subscribed")
    again = put_member(client, fake, email, status_if_new="pending")
    changed = put_member(client, fake, email, status_if_new="pending", status="unsubscribed")

    assert first["status"] == "subscribed"
    assert again["status"] == "subscribed"
    assert changed["status"] == "unsubscribed"
    assert len(fake.members()) == 1


def test_a_put_whose_hash_does_not_match_the_address_is_refused_as_problem_json(fake):
    client = sdk(fake)

    with pytest.raises(ApiClientError) as raised:
        client.lists.set_list_member(
            fake.list_id,
            subscriber_hash("someone.else@rights.org"),
            {"email_address": "writer@rights.org", "status_if_new": "subscribed"},
        )

    assert raised.value.status_code == 400
    document = problem(raised.value)
    assert document["title"] == "Invalid Resource"
    assert document["status"] == 400
    assert {"type", "detail", "instance"} <= document.keys()
    assert document["errors"][0]["field"] == "email_address"
    assert fake.members() == []


def test_an_address_on_an_invalid_domain_is_refused(fake):
    with pytest.raises(ApiClientError) as raised:
        put_member(sdk(fake), fake, "nobody@example.com")

    assert raised.value.status_code == 400
    assert "looks fake or invalid" in problem(raised.value)["detail"]


def test_patching_an_unknown_member_answers_404(fake):
    with pytest.raises(ApiClientError) as raised:
        sdk(fake).lists.update_list_member(
            fake.list_id, subscriber_hash("ghost@rights.org"), {"language": "fr"}
        )

    assert raised.value.status_code == 404
    assert problem(raised.value)["title"] == "Resource Not Found"


def test_archiving_answers_204_which_the_sdk_returns_as_a_raw_response(fake):
    client = sdk(fake)
    put_member(client, fake, "leaving@rights.org")

    answer = client.lists.delete_list_member(fake.list_id, subscriber_hash("leaving@rights.org"))

    assert isinstance(answer, requests.Response)
    assert answer.status_code == 204
    assert answer.content == b""
    assert fake.member("leaving@rights.org")["status"] == "archived"
    listed = client.lists.get_list_members_info(fake.list_id)
    assert listed["total_items"] == 0


def test_a_permanently_deleted_address_cannot_be_added_again_by_put_or_batch(fake):
    client = sdk(fake)
    email = "erase.me@rights.org"
    put_member(client, fake, email)

    answer = client.lists.delete_list_member_permanent(fake.list_id, subscriber_hash(email))
    with pytest.raises(ApiClientError) as raised:
        put_member(client, fake, email)
    batch = client.lists.batch_list_members(
        fake.list_id, {"members": [{"email_address": email, "status": "subscribed"}]}
    )

    assert answer.status_code == 204
    assert raised.value.status_code == 400
    assert problem(raised.value)["title"] == "Forgotten Email Not Subscribed"
    assert batch["total_created"] == 0
    assert batch["error_count"] == 1
    assert batch["errors"][0]["email_address"] == email
    assert fake.member(email) is None
    assert fake.spec_violations == []


def test_batch_subscribe_counts_new_updated_and_failed_members(fake):
    client = sdk(fake)
    put_member(client, fake, "known@rights.org", status_if_new="pending")
    members = [
        {"email_address": "known@rights.org", "status": "subscribed"},
        {"email_address": "new.one@rights.org", "status": "subscribed"},
        {"email_address": "new.two@rights.org", "status": "pending"},
        {"email_address": "not-an-address", "status": "subscribed"},
    ]

    without_update = client.lists.batch_list_members(fake.list_id, {"members": members})
    with_update = client.lists.batch_list_members(
        fake.list_id, {"members": members[:1], "update_existing": True}
    )

    assert without_update["total_created"] == 2
    assert without_update["total_updated"] == 0
    assert without_update["error_count"] == 2
    assert {e["error_code"] for e in without_update["errors"]} == {
        "ERROR_CONTACT_EXISTS",
        "ERROR_GENERIC",
    }
    assert [m["email_address"] for m in without_update["new_members"]] == [
        "new.one@rights.org",
        "new.two@rights.org",
    ]
    assert with_update["total_updated"] == 1
    assert fake.member("known@rights.org")["status"] == "subscribed"


def test_batch_subscribe_refuses_more_than_500_members(fake):
    client = sdk(fake)
    members = [{"email_address": f"p{n}@rights.org", "status": "subscribed"} for n in range(501)]

    with pytest.raises(ApiClientError) as raised:
        client.lists.batch_list_members(fake.list_id, {"members": members})
    accepted = client.lists.batch_list_members(fake.list_id, {"members": members[:500]})

    assert raised.value.status_code == 400
    assert problem(raised.value)["errors"][0]["field"] == "members"
    assert accepted["total_created"] == 500


def test_members_are_paged_and_filtered_by_when_they_last_changed():
    clock = ManualClock(datetime(2030, 3, 1, 9, 0, tzinfo=UTC))
    with FakeMailchimp(clock=clock) as fake:
        client = sdk(fake)
        for n in range(5):
            put_member(client, fake, f"early{n}@rights.org")
        cursor = clock.now.isoformat()
        clock.now += timedelta(minutes=5)
        put_member(client, fake, "late@rights.org")
        put_member(client, fake, "early0@rights.org", language="fr")  # a real change
        put_member(client, fake, "early1@rights.org")  # nothing changes

        first = client.lists.get_list_members_info(fake.list_id, count=2, offset=0)
        third = client.lists.get_list_members_info(fake.list_id, count=2, offset=4)
        changed = client.lists.get_list_members_info(
            fake.list_id, since_last_changed=cursor, count=1000
        )

        assert first["total_items"] == 6
        assert [m["email_address"] for m in first["members"]] == [
            "early0@rights.org",
            "early1@rights.org",
        ]
        assert [m["email_address"] for m in third["members"]] == [
            "early4@rights.org",
            "late@rights.org",
        ]
        assert sorted(m["email_address"] for m in changed["members"]) == [
            "early0@rights.org",
            "late@rights.org",
        ]
        assert fake.spec_violations == []
        assert fake.response_violations == []


def test_asking_for_more_than_1000_members_breaks_the_spec(fake):
    # The SDK's generated method refuses this itself; a raw call, as SdkTransport makes, does not.
    with pytest.raises(ApiClientError) as raised:
        sdk(fake).api_client.call_api(
            f"/lists/{fake.list_id}/members", "GET", query_params=[("count", 1001)]
        )

    assert raised.value.status_code == 400
    assert fake.spec_violations[0]["errors"][0]["field"] == "count"


# Connections, faults and latency -------------------------------------------------------------


def call_at_once(fake: FakeMailchimp, calls: int) -> list[int]:
    """Ping from ``calls`` threads released together; the status each one got."""
    barrier = threading.Barrier(calls)
    statuses: list[int] = []
    lock = threading.Lock()

    def ping() -> None:
        client = sdk(fake)
        barrier.wait()
        try:
            client.ping.get()
            status = 200
        except ApiClientError as error:
            status = error.status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=ping) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_more_than_ten_simultaneous_requests_get_429_and_no_more_than_ten_are_served(fake):
    fake.latency = 0.5

    statuses = call_at_once(fake, 14)

    assert sorted(statuses) == [200] * 10 + [429] * 4
    assert fake.max_in_flight_seen == 10
    assert fake.too_many_requests == 4
    refused = [r for r in fake.requests if r.status == 429]
    assert len(refused) == 4


def test_a_client_that_keeps_ten_requests_in_flight_never_gets_429(fake):
    fake.latency = 0.02

    def worker() -> None:
        client = sdk(fake)
        for _ in range(5):
            client.ping.get()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert fake.too_many_requests == 0
    assert fake.max_in_flight_seen <= 10
    assert len(fake.requests_to("GET", r"^/ping$")) == 50


def test_a_lower_connection_cap_is_enforced(fake):
    fake.latency = 0.5
    fake.max_connections = 3

    statuses = call_at_once(fake, 5)

    assert sorted(statuses) == [200, 200, 200, 429, 429]
    assert fake.max_in_flight_seen == 3


def test_injected_503s_end_and_the_next_request_succeeds(fake):
    client = sdk(fake)
    fake.fail_next(2, status=503)

    failures = []
    for _ in range(2):
        with pytest.raises(ApiClientError) as raised:
            client.ping.get()
        failures.append(raised.value)
    answer = client.ping.get()

    assert [f.status_code for f in failures] == [503, 503]
    assert problem(failures[0])["title"] == "Service Unavailable"
    assert answer == {"health_status": "Everything's Chimpy!"}
    assert fake.counters["injected_failures"] == 2


def test_fail_for_answers_500_until_the_window_closes(fake):
    client = sdk(fake)
    fake.fail_for(0.3)

    with pytest.raises(ApiClientError) as raised:
        client.ping.get()
    time.sleep(0.35)

    assert raised.value.status_code == 500
    assert client.ping.get()["health_status"]


def test_timeout_for_holds_requests_past_the_client_timeout_then_answers_again(fake):
    fake.timeout_for(0.5)

    started = time.monotonic()
    with pytest.raises(ApiClientError) as raised:
        sdk(fake, timeout=0.3).ping.get()
    waited = time.monotonic() - started
    time.sleep(0.3)

    assert raised.value.status_code is None  # a transport failure, not an answer
    assert isinstance(raised.value.text, requests.exceptions.Timeout)
    assert 0.3 <= waited < 2
    assert sdk(fake).ping.get()["health_status"]


def test_latency_is_added_to_every_request(fake):
    client = sdk(fake)
    fake.latency = 0.3

    started = time.monotonic()
    client.ping.get()
    client.lists.get_list(fake.list_id)
    elapsed = time.monotonic() - started

    assert elapsed >= 0.6


def test_the_log_says_when_a_request_arrived_and_when_its_answer_was_ready(fake):
    client = sdk(fake)
    fake.latency = 0.3

    before = time.time()
    client.ping.get()
    after = time.time()

    [ping] = fake.requests_to("GET", r"^/ping$")
    assert before <= ping.arrived <= before + 0.25
    assert ping.arrived + 0.3 <= ping.time <= after


def test_a_delayed_path_takes_effect_at_once_and_answers_late(fake):
    client = sdk(fake)
    fake.delay_path(r"/members/[0-9a-f]{32}$", 0.6)
    answered = threading.Event()

    def upsert() -> None:
        put_member(client, fake, "late@rights.org")
        answered.set()

    started = time.monotonic()
    caller = threading.Thread(target=upsert)
    caller.start()
    deadline = time.monotonic() + 5
    while fake.member("late@rights.org") is None and time.monotonic() < deadline:
        time.sleep(0.01)
    # The member exists while its caller still waits for the answer.
    assert fake.member("late@rights.org") is not None
    assert not answered.is_set()
    caller.join(timeout=5)
    elapsed = time.monotonic() - started
    other = time.monotonic()
    client.ping.get()

    assert answered.is_set()
    assert elapsed >= 0.6
    assert time.monotonic() - other < 0.5  # only the matching path is late
    fake.clear_faults()
    other = time.monotonic()
    put_member(client, fake, "late@rights.org")
    assert time.monotonic() - other < 0.5
    # The control API sets the same delay for a test in another process.
    fake.configure({"delay_path": {"path": "^/ping$", "seconds": 0.3}})
    other = time.monotonic()
    client.ping.get()
    assert time.monotonic() - other >= 0.3


def test_a_wrong_api_key_gets_401_api_key_invalid(fake):
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": "0" * 32 + "-us1", "server": "us1", "timeout": 5})
    client.api_client.host = fake.host

    with pytest.raises(ApiClientError) as raised:
        client.ping.get()

    assert raised.value.status_code == 401
    assert problem(raised.value)["title"] == "API Key Invalid"


def test_an_oauth_bearer_token_is_accepted(fake):
    client = mailchimp_marketing.Client()
    client.set_config({"access_token": fake.api_key, "server": "us1", "timeout": 5})
    client.api_client.host = fake.host

    assert client.ping.get()["health_status"]


def test_paths_mailchimp_does_not_have_get_a_404_problem(fake):
    response = requests.get(
        f"{fake.host}/lists/{fake.list_id}/nonsense", auth=("user", fake.api_key), timeout=5
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["title"] == "Resource Not Found"


# Spec validation and the request log ---------------------------------------------------------


def test_a_body_that_breaks_the_spec_is_refused_and_recorded(fake):
    with pytest.raises(ApiClientError) as raised:
        put_member(sdk(fake), fake, "typo@rights.org", status="bogus")

    assert raised.value.status_code == 400
    assert problem(raised.value)["errors"] == [
        {
            "field": "status",
            "message": "'bogus' is not one of "
            "['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']",
        }
    ]
    assert [v["operation"] for v in fake.spec_violations] == ["putListsIdMembersId"]
    assert fake.member("typo@rights.org") is None


def _bodies_broken_one_way_each(valid: dict) -> list:
    """``valid``, and copies with one field of one member wrong in each way the spec forbids."""
    broken: list = [valid, {}, [], {"members": "all"}, {**valid, "update_existing": "yes"}]
    first = valid["members"][0]
    for change in (
        {"status": "bogus"},
        {"status": 1},
        {"email_address": None},
        {"email_address": ["a@rights.org"]},
        {"merge_fields": "Ana"},
        {"interests": {"abc": "true"}},
        {"interests": {"abc": 1}},
        {"interests": []},
        {"vip": 0},
        {"language": True},
        {"location": {"latitude": "north"}},
        {"location": {"latitude": True}},
        {"timestamp_opt": "yesterday"},
        {"timestamp_opt": "2026-01-01T10:00:00"},
        {"timestamp_opt": "2026-01-01T10:00:00+00:00"},
        {"unknown_field": {"x": 1}},
    ):
        broken.append({**valid, "members": [*valid["members"], {**first, **change}]})
    return broken


def test_the_compiled_spec_check_accepts_exactly_what_jsonschema_accepts():
    from fake_mailchimp import validation

    valid = {
        "members": [
            {
                "email_address": f"p{n}@rights.org",
                "status": "subscribed",
                "merge_fields": {"FNAME": "Ana", "ADDRESS": {"addr1": "1 Rue"}},
                "language": "fr",
                "interests": {"abc": True, "def": False},
                "marketing_permissions": [{"marketing_permission_id": "m1", "enabled": True}],
                "location": {"latitude": 48.8, "longitude": 2},
            }
            for n in range(3)
        ],
        "update_existing": True,
    }
    checked = 0
    for operation in validation.operations():
        for schema, strict in ((operation.body_schema, False), (operation.response_schema, True)):
            if schema is None or validation._fast_check(schema, strict) is None:
                continue
            fast = validation._fast_check(schema, strict)
            full = validation._validator(schema, strict)
            for instance in [*_bodies_broken_one_way_each(valid), *valid["members"], "x", None]:
                assert fast(instance) == full.is_valid(instance), (schema, strict, instance)
                checked += 1
    # Batch subscribe, member PUT/PATCH and their answers are among those compiled.
    assert checked > 100
    assert (
        validation._fast_check("Members to SubscribeUnsubscribe tofrom a List in batch", False)
        is not None
    )


def test_sample_validation_for_benchmarks_checks_the_envelope_and_one_member_in_n():
    from fake_mailchimp.server import SAMPLE_EVERY

    members = [{"email_address": f"p{n}@rights.org", "status": "subscribed"} for n in range(60)]
    second_broken = [members[0], {**members[1], "status": "bogus"}, *members[2:]]
    with FakeMailchimp(validate="sample") as sampled, FakeMailchimp() as full:
        for fake in (sampled, full):
            lists = sdk(fake).lists
            with pytest.raises(ApiClientError):
                lists.batch_list_members(fake.list_id, {"members": members, "sync_tags": 1})
            with pytest.raises(ApiClientError):
                lists.batch_list_members(fake.list_id, {"members": [{"status": "x"}]})
            with contextlib.suppress(ApiClientError):
                lists.batch_list_members(fake.list_id, {"members": second_broken})

    assert SAMPLE_EVERY > 1
    assert len(sampled.spec_violations) == 2
    assert len(full.spec_violations) == 3
    with pytest.raises(ValueError, match="validate"):
        FakeMailchimp(validate="none")


def test_a_segment_condition_the_spec_does_not_know_is_a_violation(fake):
    with pytest.raises(ApiClientError):
        sdk(fake).campaigns.create(
            {
                "type": "regular",
                "recipients": {
                    "list_id": fake.list_id,
                    "segment_opts": {
                        "match": "all",
                        "conditions": [{"condition_type": "Language", "op": "equals"}],
                    },
                },
            }
        )

    fields = {e["field"] for e in fake.spec_violations[0]["errors"]}
    assert "recipients.segment_opts.conditions.0.op" in fields
    assert "recipients.segment_opts.conditions.0.field" in fields


def test_the_request_log_records_method_path_query_body_and_status(fake):
    client = sdk(fake)
    put_member(client, fake, "logged@rights.org", language="ar")
    client.lists.get_list_members_info(fake.list_id, status="subscribed")

    [put] = fake.requests_to("PUT", r"/members/[0-9a-f]{32}$")
    [listed] = fake.requests_to("GET", r"/members$")

    assert put.path == f"/lists/{fake.list_id}/members/{subscriber_hash('logged@rights.org')}"
    assert put.body["language"] == "ar"
    assert put.status == 200
    assert put.operation == "putListsIdMembersId"
    assert listed.query == {"status": "subscribed"}


# Campaigns, segments and reports -------------------------------------------------------------


def ready_campaign(client, fake: FakeMailchimp, segment_opts: dict | None = None) -> str:
    recipients = {"list_id": fake.list_id}
    if segment_opts is not None:
        recipients["segment_opts"] = segment_opts
    campaign = client.campaigns.create(
        {
            "type": "regular",
            "recipients": recipients,
            "settings": {
                "subject_line": "Monitor: March",
                "preview_text": "Defenders at risk",
                "title": "Monitor 2030-03",
                "from_name": "Rights Watch",
                "reply_to": "news@rights.org",
            },
        }
    )
    client.campaigns.set_content(campaign["id"], {"html": "<p>News</p>", "plain_text": "News"})
    return campaign["id"]


def test_a_campaign_is_created_edited_and_read_back(fake):
    client = sdk(fake)
    campaign_id = ready_campaign(client, fake)

    client.campaigns.update(
        campaign_id,
        {
            "settings": {
                "subject_line": "Monitor: April",
                "from_name": "Rights Watch",
                "reply_to": "news@rights.org",
            }
        },
    )
    campaign = client.campaigns.get(campaign_id)
    content = client.campaigns.get_content(campaign_id)
    listed = client.campaigns.list(status="save")

    assert campaign["status"] == "save"
    assert campaign["settings"]["subject_line"] == "Monitor: April"
    assert campaign["settings"]["title"] == "Monitor 2030-03"
    assert campaign["send_time"] == ""
    assert content["plain_text"] == "News"
    assert [c["id"] for c in listed["campaigns"]] == [campaign_id]
    assert fake.spec_violations == []


def test_a_schedule_time_off_the_quarter_hour_is_refused_and_one_on_it_is_accepted(fake):
    client = sdk(fake)
    campaign_id = ready_campaign(client, fake)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)

    with pytest.raises(ApiClientError) as raised:
        client.campaigns.schedule(
            campaign_id, {"schedule_time": tomorrow.replace(minute=7).isoformat()}
        )
    with pytest.raises(ApiClientError) as past:
        client.campaigns.schedule(
            campaign_id,
            {"schedule_time": (tomorrow - timedelta(days=2)).replace(minute=0).isoformat()},
        )
    accepted = client.campaigns.schedule(
        campaign_id, {"schedule_time": tomorrow.replace(minute=45).isoformat()}
    )
    campaign = client.campaigns.get(campaign_id)

    assert raised.value.status_code == 400
    assert "quarter-hour" in problem(raised.value)["detail"]
    assert past.value.status_code == 400
    assert accepted.status_code == 204
    assert campaign["status"] == "schedule"
    assert datetime.fromisoformat(campaign["send_time"]) == tomorrow.replace(minute=45)

    assert client.campaigns.unschedule(campaign_id).status_code == 204
    assert client.campaigns.get(campaign_id)["status"] == "save"
    assert fake.spec_violations == []  # unschedule sends the body `null`: accepted


def test_a_scheduled_campaign_is_sent_when_its_time_comes():
    clock = ManualClock(datetime(2030, 3, 1, 9, 5, tzinfo=UTC))
    with FakeMailchimp(clock=clock) as fake:
        client = sdk(fake)
        put_member(client, fake, "reader@rights.org")
        campaign_id = ready_campaign(client, fake)
        client.campaigns.schedule(campaign_id, {"schedule_time": "2030-03-01T09:15:00+00:00"})

        before = client.campaigns.get(campaign_id)["status"]
        clock.now = datetime(2030, 3, 1, 9, 16, tzinfo=UTC)
        after = client.campaigns.get(campaign_id)

        assert before == "schedule"
        assert after["status"] == "sent"
        assert after["emails_sent"] == 1
        assert fake.sent_to(campaign_id) == ["reader@rights.org"]


def test_sending_a_campaign_twice_is_refused(fake):
    client = sdk(fake)
    put_member(client, fake, "reader@rights.org")
    campaign_id = ready_campaign(client, fake)

    first = client.campaigns.send(campaign_id)
    with pytest.raises(ApiClientError) as raised:
        client.campaigns.send(campaign_id)
    campaign = client.campaigns.get(campaign_id)

    assert first.status_code == 204
    assert raised.value.status_code == 400
    assert "already been sent" in problem(raised.value)["detail"]
    assert campaign["status"] == "sent"
    assert campaign["emails_sent"] == 1
    assert fake.spec_violations == []  # send's body is the text `null`: accepted


def test_a_campaign_without_content_is_not_ready_to_send(fake):
    client = sdk(fake)
    campaign = client.campaigns.create({"type": "regular", "recipients": {"list_id": fake.list_id}})

    with pytest.raises(ApiClientError) as raised:
        client.campaigns.send(campaign["id"])

    assert raised.value.status_code == 400
    fields = {e["field"] for e in problem(raised.value)["errors"]}
    assert {"settings.subject_line", "content.html"} <= fields


def test_a_segment_of_interests_and_language_selects_exactly_the_matching_subscribers(fake):
    client = sdk(fake)
    defenders = fake.add_interest("Topics", "Defenders")
    reports = fake.add_interest("Topics", "Annual reports")
    category = fake.interest_category_id("Topics")
    people = {
        "es.defenders@rights.org": ("es", {defenders: True}, "subscribed"),
        "es.both@rights.org": ("es", {defenders: True, reports: True}, "subscribed"),
        "en.defenders@rights.org": ("en", {defenders: True}, "subscribed"),
        "es.reports@rights.org": ("es", {reports: True}, "subscribed"),
        "es.pending@rights.org": ("es", {defenders: True}, "pending"),
    }
    for email, (language, interests, status) in people.items():
        put_member(
            client, fake, email, language=language, interests=interests, status_if_new=status
        )

    campaign_id = ready_campaign(
        client,
        fake,
        {
            "match": "all",
            "conditions": [
                {
                    "condition_type": "Interests",
                    "field": f"interests-{category}",
                    "op": "interestcontains",
                    "value": [defenders],
                },
                {"condition_type": "Language", "field": "language", "op": "is", "value": "es"},
            ],
        },
    )
    preview = client.campaigns.get(campaign_id)["recipients"]["recipient_count"]
    client.campaigns.send(campaign_id)

    assert fake.sent_to(campaign_id) == ["es.defenders@rights.org", "es.both@rights.org"]
    assert preview == 2
    assert fake.spec_violations == []


@pytest.mark.parametrize(
    ("op", "match", "expected"),
    [
        ("interestcontainsall", "all", ["both@rights.org"]),
        ("interestnotcontains", "all", ["neither@rights.org"]),
        ("interestcontains", "any", ["one@rights.org", "both@rights.org"]),
    ],
)
def test_each_interest_operator_selects_its_members(fake, op, match, expected):
    client = sdk(fake)
    first = fake.add_interest("Regions", "Africa")
    second = fake.add_interest("Regions", "Asia")
    put_member(client, fake, "one@rights.org", interests={first: True})
    put_member(client, fake, "both@rights.org", interests={first: True, second: True})
    put_member(client, fake, "neither@rights.org")
    condition = {
        "condition_type": "Interests",
        "field": f"interests-{fake.interest_category_id('Regions')}",
        "op": op,
        "value": [first, second] if op != "interestcontains" else [first],
    }

    campaign_id = ready_campaign(client, fake, {"match": match, "conditions": [condition]})
    client.campaigns.send(campaign_id)

    assert fake.sent_to(campaign_id) == expected


def test_an_unknown_interest_id_on_a_member_is_refused(fake):
    with pytest.raises(ApiClientError) as raised:
        put_member(sdk(fake), fake, "curious@rights.org", interests={"0123456789": True})

    assert raised.value.status_code == 400
    assert "Invalid interest ID" in problem(raised.value)["detail"]


def test_interest_categories_and_interests_can_be_set_up_through_the_api(fake):
    client = sdk(fake)

    category = client.lists.create_list_interest_category(
        fake.list_id, {"title": "Languages", "type": "checkboxes"}
    )
    interest = client.lists.create_interest_category_interest(
        fake.list_id, category["id"], {"name": "Français"}
    )
    categories = client.lists.get_list_interest_categories(fake.list_id)
    interests = client.lists.list_interest_category_interests(fake.list_id, category["id"])

    assert [c["title"] for c in categories["categories"]] == ["Languages"]
    assert [i["id"] for i in interests["interests"]] == [interest["id"]]
    assert fake.add_interest("Languages", "Français") == interest["id"]


def test_a_report_shows_the_figures_a_test_sets(fake):
    client = sdk(fake)
    for n in range(4):
        put_member(client, fake, f"reader{n}@rights.org")
    campaign_id = ready_campaign(client, fake)
    client.campaigns.send(campaign_id)

    fake.set_report(campaign_id, opens=3, clicks=1, unsubscribed=1, bounces={"soft_bounces": 2})
    report = client.reports.get_campaign_report(campaign_id)

    assert report["emails_sent"] == 4
    assert report["opens"]["unique_opens"] == 3
    assert report["opens"]["open_rate"] == 0.75
    assert report["clicks"]["unique_subscriber_clicks"] == 1
    assert report["unsubscribed"] == 1
    assert report["bounces"] == {"hard_bounces": 0, "soft_bounces": 2, "syntax_errors": 0}


def test_a_test_email_is_recorded_and_not_sent_to_the_audience(fake):
    client = sdk(fake)
    put_member(client, fake, "reader@rights.org")
    campaign_id = ready_campaign(client, fake)

    answer = client.campaigns.send_test_email(
        campaign_id, {"test_emails": ["editor@rights.org"], "send_type": "html"}
    )

    assert answer.status_code == 204
    assert fake.test_sends == [
        {"campaign_id": campaign_id, "test_emails": ["editor@rights.org"], "send_type": "html"}
    ]
    assert fake.sent_to(campaign_id) == []
    assert client.campaigns.get(campaign_id)["status"] == "save"


def test_a_deleted_campaign_is_gone(fake):
    client = sdk(fake)
    campaign_id = ready_campaign(client, fake)

    answer = client.campaigns.remove(campaign_id)
    with pytest.raises(ApiClientError) as raised:
        client.campaigns.get(campaign_id)

    assert answer.status_code == 204
    assert raised.value.status_code == 404


# The spec subset -----------------------------------------------------------------------------


def test_the_spec_subset_holds_every_operation_and_every_schema_they_reach():
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]

    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    dangling = extract.references(spec) - schemas.keys()

    assert operations == set(extract.OPERATIONS)
    assert dangling == set()
    assert spec["info"]["version"] == "3.0.76"


# The standalone process ----------------------------------------------------------------------


def test_the_standalone_process_serves_the_sdk_obeys_its_control_client_and_stops_on_sigterm():
    api_key = "0123456789abcdef0123456789abcdef-us1"
    command = [
        sys.executable,
        "-m",
        "fake_mailchimp",
        "--port",
        "0",
        "--api-key",
        api_key,
        "--list-id",
        "proc0list1",
    ]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            ready = process.stdout.readline()
            host = re.fullmatch(
                r"fake mailchimp listening on (http://127\.0\.0\.1:\d+/3\.0)\n", ready
            ).group(1)
            client = mailchimp_marketing.Client()
            client.set_config({"api_key": api_key, "server": "us1", "timeout": 5})
            client.api_client.host = host
            control = FakeMailchimpControl(host)

            pong = client.ping.get()
            client.lists.set_list_member(
                "proc0list1",
                subscriber_hash("cross@rights.org"),
                {"email_address": "cross@rights.org", "status_if_new": "subscribed"},
            )
            control.set_faults(fail_next=1, fail_next_status=503)
            with pytest.raises(ApiClientError) as raised:
                client.ping.get()
            state = control.state()
            control.reset()
            after_reset = control.state()
        finally:
            process.send_signal(signal.SIGTERM)
            exit_code = process.wait(timeout=10)
        rest = process.stdout.read()

    assert pong["health_status"]
    assert raised.value.status_code == 503
    assert [m["email_address"] for m in state["members"]] == ["cross@rights.org"]
    assert state["counters"]["injected_failures"] == 1
    assert state["spec_violations"] == []
    assert after_reset["members"] == []
    assert exit_code == 0
    assert "fake mailchimp stopped" in rest
