"""From "send" to Mailchimp's send call: the newsletter service end to end, per campaign.

    .venv/bin/python bench/campaign_send.py [--campaigns 30] [--latencies 0,0.05]

Starts, on 127.0.0.1:

- the fake Mailchimp (``fake_mailchimp``) in a process of its own, with an
  audience of ``--members`` subscribers and the interest group the campaigns
  target; its latency is changed between campaigns;
- a CMS stand-in serving the content API's answers recorded from the real CMS
  over its demo content (``newsletter_service/content/tests/fake_cms.py``), and
  a stand-in of the subscriber service's audience endpoint mapping interests to
  the fake's groups (``.../fake_subscribers.py``), both in this process;
- the newsletter service with its production settings on a scratch PostgreSQL
  database: gunicorn with ``deploy/gunicorn.conf.py`` and a Celery worker
  (prefork, 2 processes, as ``docker-compose.yml`` runs it), Redis database 10
  as broker, cache and Mailchimp connection slots (``tests/harness.py`` starts
  them, as for the cross-service tests).

Then, one campaign at a time, ``--campaigns`` draft campaigns (single pages,
English, interest ``monitor``) are sent with ``POST /api/v1/campaigns/<id>/send/``
as the CMS sends them, the latencies taking turns so that each sees the same
machine. The clock runs from just before that request to the moment the fake
Mailchimp *received* ``POST /campaigns/{id}/actions/send`` (its request log
notes when each request arrived, before any added latency). The next campaign
starts once the previous one is recorded sent and its report fetched, so the
worker is idle at each start. The first ``--warm-up`` campaigns of each latency
are left out of the figures.

Printed per latency: p50, p99 and max of the whole, and the median of each
part: the API (content fetched from the CMS, audience, render, snapshot and
commit: up to the ``sending`` transition's time), the queue (from that commit to
the worker's request for the audience), creating the campaign at Mailchimp
(audience, ``GET /campaigns`` to find one made by a dead worker,
``POST /campaigns``), setting it up (``GET`` its status, ``PATCH`` settings and
recipients, ``PUT`` content) up to the send's arrival; and, after it, how long
Mailchimp took to answer the send. Also the answer time of the API request
itself. The exit status is 0 when every campaign was sent exactly once (one
``actions/send`` each, state ``sent``) with no spec violation; the figures are
for people to read.
"""

from __future__ import annotations

import argparse
import multiprocessing
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine, percentile, scratch
from newsletter_service.content.tests.fake_cms import FakeCms
from newsletter_service.content.tests.fake_subscribers import FakeSubscriberService
from tests.harness import ServiceProcesses, free_port

SERVICE = "newsletter_service"
INTERESTS = ("monitor", "news", "events", "appeals")
GROUP = "Topics"
# Bounds: every wait below ends, and the run stays within a few minutes.
MAX_CAMPAIGNS = 100
SEND_WAIT_SECONDS = 60.0
SETTLE_WAIT_SECONDS = 30.0
PARTS = (
    ("api", "API: content, render, commit"),
    ("queue", "queue: commit to worker"),
    ("audience", "worker: audience"),
    ("find", "GET /campaigns (find)"),
    ("create", "POST /campaigns (create)"),
    ("content", "status, settings, content"),
)


# --- the fake Mailchimp, in a process of its own ------------------------------------


def serve_fake(options: dict, connection) -> None:
    """Run the fake until told to stop; answer commands sent through ``connection``."""
    from fake_mailchimp.server import FakeMailchimp

    # Its answers' own schema check is the fake's work, not Mailchimp's (requests are
    # always checked against the spec); --validate-responses turns it on.
    fake = FakeMailchimp(validate_responses=options["validate_responses"])
    with fake:
        groups = {key: fake.add_interest(GROUP, key) for key in INTERESTS}
        client = fake.sdk_client()
        members = [
            {
                "email_address": f"reader{number}@bench-newsletter.org",
                "status": "subscribed",
                "language": ("en", "fr", "es")[number % 3],
                "interests": {groups[key]: (number + i) % 2 == 0 for i, key in enumerate(groups)},
            }
            for number in range(options["members"])
        ]
        for start in range(0, len(members), 500):
            client.lists.batch_list_members(
                fake.list_id, {"members": members[start : start + 500], "update_existing": True}
            )
        connection.send(
            {
                "host": fake.host,
                "api_key": fake.api_key,
                "server_prefix": fake.server_prefix,
                "list_id": fake.list_id,
                "category_id": fake.interest_category_id(GROUP),
                "groups": groups,
            }
        )
        while True:
            command, argument = connection.recv()
            if command == "latency":
                fake.latency = argument
                connection.send(fake.latency)
            elif command == "wait":  # until `count` requests match (method, regex), or a timeout
                method, pattern, count, seconds = argument
                deadline = time.monotonic() + seconds
                while len(fake.requests_to(method, pattern)) < count:
                    if time.monotonic() > deadline:
                        break
                    # Seldom enough not to slow the fake serving the campaign being timed.
                    time.sleep(0.02)
                connection.send(len(fake.requests_to(method, pattern)) >= count)
            elif command == "log":
                connection.send(
                    {
                        "requests": [
                            {
                                "method": r.method,
                                "path": r.path,
                                "arrived": r.arrived,
                                "answered": r.time,
                                "status": r.status,
                            }
                            for r in fake.requests
                        ],
                        "spec_violations": len(fake.spec_violations),
                        "response_violations": len(fake.response_violations),
                        "too_many_requests": fake.too_many_requests,
                    }
                )
            else:
                connection.send("stopped")
                return


class FakeHandle:
    def __init__(self, connection) -> None:
        self.connection = connection

    def ask(self, command: str, argument=None, *, timeout: float = 90.0):
        self.connection.send((command, argument))
        if not self.connection.poll(timeout):
            raise SystemExit(f"the fake Mailchimp did not answer {command!r}")
        return self.connection.recv()


# --- the stand-ins in this process ---------------------------------------------------


class TimedAudience(FakeSubscriberService):
    """The tests' audience stand-in, noting when each request for the audience is answered."""

    def __init__(self, *, audience: dict, token: str) -> None:
        self.answered: list[float] = []
        super().__init__(audience=audience, token=token)

    @property
    def audience(self) -> dict:
        self.answered.append(time.time())
        return self._audience

    @audience.setter
    def audience(self, value: dict) -> None:
        self._audience = value


# --- one campaign ----------------------------------------------------------------------


@dataclass
class Sample:
    latency: float
    campaign_id: int
    started: float = 0.0
    answered: float = 0.0
    committed: float = 0.0
    mailchimp_id: str = ""
    parts: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    send_call: float = 0.0
    sends: int = 0
    state: str = ""


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def arrival(log: list[dict], method: str, path: str, window: tuple[float, float]) -> float:
    """When the first ``method path`` request within ``window`` reached the fake."""
    return next(
        r["arrived"]
        for r in log
        if r["method"] == method and r["path"] == path and window[0] <= r["arrived"] <= window[1]
    )


def measure(samples: list[Sample], log: list[dict], audience: list[float], api) -> None:
    """Fill each sample's parts from the fake's log, the audience times and the history."""
    for sample in samples:
        campaign = api("GET", f"{sample.campaign_id}/").json()
        sample.state = campaign["state"]
        sample.mailchimp_id = mailchimp_id = campaign["mailchimp_campaign_id"]
        transitions = api("GET", f"{sample.campaign_id}/transitions/").json()
        sample.committed = next(
            parse_time(t["created_at"]) for t in transitions if t["to_state"] == "sending"
        )
        sends = [
            r
            for r in log
            if r["method"] == "POST" and r["path"] == f"/campaigns/{mailchimp_id}/actions/send"
        ]
        status = [
            r for r in log if r["method"] == "GET" and r["path"] == f"/campaigns/{mailchimp_id}"
        ]
        sample.sends = len(sends)
        if not sends or not status:
            continue
        send, first_status = sends[0], status[0]
        worker_start = min(
            (moment for moment in audience if sample.committed <= moment <= send["arrived"]),
            default=sample.committed,
        )
        window = (worker_start, first_status["arrived"])
        found = arrival(log, "GET", "/campaigns", window)
        created = arrival(log, "POST", "/campaigns", window)
        sample.parts = {
            "api": sample.committed - sample.started,
            "queue": worker_start - sample.committed,
            "audience": found - worker_start,
            "find": created - found,
            "create": first_status["arrived"] - created,
            "content": send["arrived"] - first_status["arrived"],
        }
        sample.total = send["arrived"] - sample.started
        sample.send_call = send["answered"] - send["arrived"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


def report(samples: list[Sample], latencies: list[float]) -> None:
    columns = [f"{latency * 1000:.0f} ms latency" for latency in latencies]
    print()
    print(f"{'ms, median unless said':<34}" + "".join(f"{c:>18}" for c in columns))
    rows: list[tuple[str, list[float]]] = []
    by_latency = {latency: [s for s in samples if s.latency == latency] for latency in latencies}
    totals = {latency: sorted(s.total for s in group) for latency, group in by_latency.items()}
    rows.append(("send -> Mailchimp send, p50", [percentile(totals[x], 0.5) for x in latencies]))
    rows.append(("  p99", [percentile(totals[x], 0.99) for x in latencies]))
    rows.append(("  max", [max(totals[x], default=0.0) for x in latencies]))
    for key, label in PARTS:
        rows.append(
            (
                f"  {label}",
                [
                    statistics.median([s.parts[key] for s in by_latency[x]] or [0.0])
                    for x in latencies
                ],
            )
        )
    rows.append(
        (
            "Mailchimp's answer to the send",
            [statistics.median([s.send_call for s in by_latency[x]] or [0.0]) for x in latencies],
        )
    )
    rows.append(
        (
            "API answer (POST .../send/), p50",
            [
                percentile(sorted(s.answered - s.started for s in by_latency[x]), 0.5)
                for x in latencies
            ],
        )
    )
    for label, values in rows:
        print(f"{label:<34}" + "".join(f"{ms(v):>18}" for v in values))
    print(f"{'campaigns measured':<34}" + "".join(f"{len(by_latency[x]):>18}" for x in latencies))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--campaigns", type=int, default=30, help="measured, per latency")
    parser.add_argument("--warm-up", type=int, default=2, help="left out, per latency")
    parser.add_argument(
        "--latencies", default="0,0.05", help="seconds the fake Mailchimp adds per request"
    )
    parser.add_argument("--members", type=int, default=600, help="the fake's audience")
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="also check the fake's own answers against the spec (slower fake)",
    )
    args = parser.parse_args()
    latencies = [float(value) for value in args.latencies.split(",")]
    per_latency = args.campaigns + args.warm_up
    if per_latency * len(latencies) > MAX_CAMPAIGNS:
        raise SystemExit(f"at most {MAX_CAMPAIGNS} campaigns in one run")

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    fake_process = context.Process(
        target=serve_fake,
        args=({"members": args.members, "validate_responses": args.validate_responses}, theirs),
        daemon=True,
    )
    fake_process.start()
    cms = FakeCms().start()
    audience = None
    service = None
    try:
        if not ours.poll(60):
            raise SystemExit("the fake Mailchimp did not start")
        fake_info = ours.recv()
        fake = FakeHandle(ours)
        subscribers_token = secrets.token_urlsafe(24)
        audience = TimedAudience(
            token=subscribers_token,
            audience={
                "audience_id": fake_info["list_id"],
                "languages": ["en", "fr", "es"],
                "interests": [
                    {
                        "key": key,
                        "labels": {"en": key},
                        "mailchimp_category_id": fake_info["category_id"],
                        "mailchimp_interest_id": fake_info["groups"][key],
                    }
                    for key in INTERESTS
                ],
            },
        ).start()
        cms_token = secrets.token_urlsafe(24)
        env = {
            "SERVICE_CLIENTS": f"cms={cms_token}",
            "CMS_URL": cms.url,
            "CMS_TOKEN": secrets.token_urlsafe(24),
            "NEWSLETTER_CMS_PUBLIC_URL": "https://cms.rights.test",
            "SUBSCRIBER_SERVICE_URL": audience.url,
            "SUBSCRIBER_SERVICE_TOKEN": subscribers_token,
            "MAILCHIMP_API_KEY": fake_info["api_key"],
            "MAILCHIMP_SERVER_PREFIX": fake_info["server_prefix"],
            "MAILCHIMP_API_HOST": fake_info["host"],
            "MAILCHIMP_AUDIENCE_ID": fake_info["list_id"],
            "NEWSLETTER_SEND_BACKEND": "mailchimp",
            "NEWSLETTER_REPLY_TO": "newsletter@rights.test",
        }
        with scratch("send", env, service=SERVICE) as db:
            db.manage("migrate", "--noinput")
            print(f"machine  {machine()} (shared with other work: compare columns, not runs)")
            service = ServiceProcesses(
                name=SERVICE, env=db.env, port=free_port(), log_dir=db.var_dir
            )
            service.start_worker(pool="prefork", concurrency=2)
            service.start_web()
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {cms_token}"
            base = f"{service.url}/api/v1/campaigns"

            def api(method: str, path: str = "", **kwargs):
                return session.request(method, f"{base}/{path}", timeout=60, **kwargs)

            pages = cms.ids()
            plan = [latencies[n % len(latencies)] for n in range(per_latency * len(latencies))]
            samples: list[Sample] = []
            for number, latency in enumerate(plan):
                created = api(
                    "POST",
                    json={
                        "kind": "single",
                        "page_ids": [pages[number % len(pages)]],
                        "subject": f"Bench {number}",
                        "preview_text": "From send to Mailchimp",
                        "from_name": "Human Rights Monitor",
                        "reply_to": "monitor@rights.test",
                        "language": "en",
                        "interests": ["monitor"],
                    },
                    headers={"Idempotency-Key": secrets.token_hex(8)},
                )
                if created.status_code != 201:
                    raise SystemExit(f"creating a campaign: {created.status_code} {created.text}")
                campaign_id = created.json()["id"]
                fake.ask("latency", latency)
                sample = Sample(latency=latency, campaign_id=campaign_id)
                sample.started = time.time()
                sent = api("POST", f"{campaign_id}/send/", json={"reason": "bench"})
                sample.answered = time.time()
                if sent.status_code != 200:
                    raise SystemExit(f"sending campaign {campaign_id}: {sent.status_code}")
                samples.append(sample)
                try:
                    settle(api, fake, campaign_id, sends=len(samples))
                except SystemExit:
                    print(service.log("worker")[-3000:], file=sys.stderr)
                    raise
            state = fake.ask("log")
            measure(samples, state["requests"], audience.answered, api)
        measured = [
            sample
            for latency in latencies
            for sample in [s for s in samples if s.latency == latency][args.warm_up :]
        ]
        report(measured, latencies)
        once = all(s.sends == 1 and s.state == "sent" for s in samples)
        print(
            f"\nchecks   every campaign sent once and recorded sent: {once}; spec violations "
            f"{state['spec_violations']} (answers {state['response_violations']}); "
            f"429s {state['too_many_requests']}"
        )
        clean = not state["spec_violations"] and not state["response_violations"]
        return 0 if once and clean else 1
    finally:
        if service is not None:
            service.stop()
        if audience is not None:
            audience.stop()
        cms.stop()
        if fake_process.is_alive():
            ours.send(("stop", None))
            fake_process.join(timeout=10)
        if fake_process.is_alive():
            fake_process.terminate()


def settle(api, fake: FakeHandle, campaign_id: int, *, sends: int) -> None:
    """Wait for the send at Mailchimp, the state ``sent`` and the report: the worker is idle.

    The API is asked only once Mailchimp has the ``sends``-th send of the run, so that
    the polling does not load the service while the campaign is on its way.
    """
    if not fake.ask("wait", ("POST", r"/actions/send$", sends, SEND_WAIT_SECONDS)):
        raise SystemExit(f"campaign {campaign_id} never reached Mailchimp's send")
    deadline = time.monotonic() + SEND_WAIT_SECONDS
    campaign: dict = {}
    while time.monotonic() < deadline:
        campaign = api("GET", f"{campaign_id}/").json()
        if campaign["state"] in ("sent", "failed"):
            break
        time.sleep(0.05)
    if campaign.get("state") != "sent":
        raise SystemExit(f"campaign {campaign_id} is {campaign.get('state')}, not sent")
    report_path = rf"^/reports/{campaign['mailchimp_campaign_id']}$"
    if not fake.ask("wait", ("GET", report_path, 1, SETTLE_WAIT_SECONDS)):
        raise SystemExit(f"the report of campaign {campaign_id} was never fetched")


if __name__ == "__main__":
    sys.exit(main())
