"""Load test: public signups and the CMS's content API at once, then every signup accounted for.

    .venv/bin/python bench/load_platform.py [--signups 2000] [--clients 50] [--readers 10]

Starts the CMS (scratch database, migrated, demo content loaded) and the
subscriber service (scratch database, migrated) under gunicorn with
``deploy/gunicorn.conf.py`` and production settings, on 127.0.0.1, Redis
database 10 as their cache and broker (no Celery worker runs: the
confirmation emails wait in the outbox and the queue). Then, from the same
clock:

- ``--clients`` (50) clients send ``--signups`` (2,000) signups to
  ``POST /api/v1/subscriptions/``, each with its own ``@rights.org`` address
  and a proof-of-work answer solved before the clock starts;
- ``--readers`` (10) clients read the content API (half of them listings,
  half details of the demo content, in turn) until the last signup is answered;
  each of those URLs was asked once before the clock started, so the reads
  meet the image renditions made and the answers in the CMS's Redis cache, as
  a CMS in service would.

Every client connects from its own loopback address (127.0.P.T). Afterwards it
counts in the subscriber database, for every signup answered 2xx: one
subscriber, one signup consent record, one confirmation email in the outbox;
and none stored without a 2xx. It prints p50/p99/max latency and requests/s of
signups, listings and details side by side. The exit status is 0 when no
request failed or answered 5xx, every signup was sent and accepted, and the
accounting holds; the figures are for people to read. The databases, Redis
database 10 and the servers are gone afterwards.

``run_load`` is the part ``tests/test_load.py`` runs in CI against the CMS
of the cross-service tests.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench._load import PhaseResult, new_stop_event, run_phase
from bench._support import REDIS_DB, REPO_ROOT, machine, percentile, scratch
from bench.content_api import start_gunicorn as start_cms
from bench.signup_throughput import bench_environment, start_gunicorn
from tests.harness import free_port, stop_process

SIGNUP_PATH = "/api/v1/subscriptions/"
API = "/api/v2/pages/"
DOMAIN = "rights.org"
# What the load test changes in the subscriber service's production defaults, and why.
LOAD_SETTINGS = {
    "ALTCHA_MAX_NUMBER": (
        "100,000",
        "answers solved cheaply before the clock starts; the server verifies every one",
    ),
    "ALTCHA_EXPIRY_SECONDS": ("300", "the answers are all prepared before the clock starts"),
    "SIGNUP_RATE_PER_IP": (
        "20/h",
        "each client is one loopback address sending dozens of signups",
    ),
}


@dataclass
class LoadReport:
    """What the clients saw and what the subscriber database holds afterwards."""

    signups: PhaseResult
    listings: PhaseResult
    details: PhaseResult
    sent_signups: int
    stored: dict = field(default_factory=dict)

    def problems(self, *, expected_signups: int) -> list[str]:
        """Every correctness point that does not hold (empty: all hold)."""
        found = []
        for name, phase in self.phases().items():
            server_errors = {code: n for code, n in phase.statuses.items() if code >= 500}
            if server_errors:
                found.append(f"{name}: 5xx answers {server_errors}")
            if phase.failures:
                found.append(f"{name}: requests without an answer {dict(phase.failures)}")
        not_accepted = {c: n for c, n in self.signups.statuses.items() if not 200 <= c < 300}
        if not_accepted:
            found.append(f"signups not accepted: {not_accepted}")
        if self.signups.requests < expected_signups:
            found.append(f"{self.signups.requests} signups sent of {expected_signups}")
        for name in ("listings", "details"):
            phase = self.phases()[name]
            if not phase.requests or set(phase.statuses) - {200}:
                found.append(f"{name}: {dict(phase.statuses)} (expected only 200s)")
        stored = self.stored
        accepted = len(self.signups.accepted)
        for key in ("subscribers", "consent_records", "confirmation_emails"):
            if stored.get(key) != accepted:
                found.append(f"{stored.get(key)} {key.replace('_', ' ')} for {accepted} accepted")
        for key in ("missing", "duplicated", "without_2xx"):
            if stored.get(key):
                found.append(f"{stored[key]} accepted signups {key.replace('_', ' ')}")
        return found

    def phases(self) -> dict[str, PhaseResult]:
        return {"signups": self.signups, "listings": self.listings, "details": self.details}


# --- in the subscriber service's environment ---------------------------------------------------


def in_service(env: dict[str, str], action: str, payload: object) -> object:
    """Run ``action`` in a Python process with Django set up as the service under load."""
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        exchange = Path(folder)
        (exchange / "in.json").write_text(json.dumps({"action": action, "payload": payload}))
        completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [
                sys.executable,
                "-c",
                "from bench.load_platform import _service_main; _service_main()",
                folder,
            ],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if completed.returncode:
            raise RuntimeError(f"{action} in the service failed:\n{completed.stderr[-3000:]}")
        return json.loads((exchange / "out.json").read_text())


def _service_main() -> None:
    import django

    django.setup()
    exchange = Path(sys.argv[1])
    request = json.loads((exchange / "in.json").read_text())
    action = {"solve": _solved_answers, "count": _stored_counts}[request["action"]]
    (exchange / "out.json").write_text(json.dumps(action(request["payload"])))


def _solved_answers(count: int) -> list[str]:
    """``count`` proof-of-work answers, each to its own challenge, signed with the service's key."""
    from subscriber_service.abuse.testing import solved_proof_of_work

    return [solved_proof_of_work() for _ in range(count)]


def _stored_counts(payload: dict) -> dict[str, int]:
    """Rows of this run (addresses starting with its prefix) against the accepted addresses."""
    from django.db.models import Count

    from subscriber_service.outbox.models import OutboxMessage
    from subscriber_service.subscriptions.models import ConsentRecord, Subscriber

    accepted = payload["accepted"]
    rows = Subscriber.objects.filter(email__startswith=payload["prefix"])
    stored = Counter(rows.values_list("email", flat=True))
    ids = rows.values("pk")
    consents = ConsentRecord.objects.filter(subscriber__in=ids, action="signup")
    emails = OutboxMessage.objects.filter(subscriber_id__in=ids, kind="confirmation_email")
    per_subscriber = [
        emails.values("subscriber_id").annotate(n=Count("pk")).filter(n__gt=1).count(),
        consents.values("subscriber_id").annotate(n=Count("pk")).filter(n__gt=1).count(),
    ]
    return {
        "subscribers": sum(stored.values()),
        "consent_records": consents.count(),
        "confirmation_emails": emails.count(),
        "missing": len(set(accepted) - set(stored)),
        "duplicated": (
            sum(n - 1 for n in stored.values())
            + len(accepted)
            - len(set(accepted))
            + sum(per_subscriber)
        ),
        "without_2xx": len(set(stored) - set(accepted)),
    }


# --- the load ---------------------------------------------------------------------------------


def signup_bodies(answers: list[str], *, prefix: str) -> list[dict]:
    return [
        {
            "email": f"{prefix}{number}@{DOMAIN}",
            "name": "Load Test Supporter",
            "language": "en",
            "interests": ["news", "monitor"],
            "consent": True,
            "source": "load-test",
            "altcha": answer,
        }
        for number, answer in enumerate(answers)
    ]


def warm(urls: list[str]) -> None:
    """Each read URL once, before the clock: renditions made and answers cached, as in service."""
    session = requests.Session()
    try:
        for url in urls:
            session.get(url, timeout=120).raise_for_status()
    finally:
        session.close()


def read_urls(cms_url: str) -> tuple[list[str], list[str]]:
    """Listing and detail URLs of the content the CMS holds (every live page, every type)."""
    session = requests.Session()
    pages = []
    for offset in range(0, 2000, 100):
        response = session.get(f"{cms_url}{API}?limit=100&offset={offset}", timeout=30)
        response.raise_for_status()
        body = response.json()
        pages.extend(body["items"])
        if offset + 100 >= body["meta"]["total_count"]:
            break
    session.close()
    if not pages:
        raise RuntimeError(f"the CMS at {cms_url} has no live pages: load its demo content")
    types = sorted({page["meta"]["type"] for page in pages})
    listings = [f"{cms_url}{API}?type={kind}&fields=*&limit=20" for kind in types]
    listings += [f"{cms_url}{API}?limit=20&offset={offset}" for offset in (0, 20, 40)]
    details = [f"{cms_url}{API}{page['id']}/?fields=*" for page in pages]
    return listings, details


def run_load(
    *,
    cms_url: str,
    signups: int = 2000,
    clients: int = 50,
    readers: int = 10,
    client_processes: int = 2,
    workers: int = 2,
    max_seconds: float = 120.0,
    redis_db: int = REDIS_DB,
    detail_pages: int | None = None,
) -> LoadReport:
    """Start a subscriber service, send the load beside reads of ``cms_url``, count the rows.

    The subscriber service gets a scratch database and Redis database
    ``redis_db`` (emptied before and after), production settings with
    ``LOAD_SETTINGS`` changed, and ``workers`` gunicorn workers. The load ends
    when every signup is answered, or after ``max_seconds``. ``detail_pages``
    limits the detail URLs read (default: every live page).
    """
    processes = max(1, min(client_processes, clients))
    threads = -(-clients // processes)
    reader_threads = max(1, readers // 2)
    prefix = f"load-{secrets.token_hex(4)}-"
    began = time.perf_counter()
    with scratch("load", bench_environment(), redis_db=redis_db) as db:
        db.manage("migrate", "--noinput")
        print(f"machine  {machine()}")
        print(
            "settings the subscriber service runs with production defaults except: "
            + "; ".join(
                f"{name}={db.env[name]} (production {default}: {why})"
                for name, (default, why) in LOAD_SETTINGS.items()
            )
            + ". Honeypot, size, address and per-address checks as in production."
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(1) as pool:
            # The answers are solved in another process while this one warms the CMS.
            answers = pool.submit(in_service, db.env, "solve", signups)
            listings, details = read_urls(cms_url)
            details = details[:detail_pages]
            warm(listings + details)
            bodies = signup_bodies(answers.result(), prefix=prefix)
        print(
            f"prepared {signups} signups with solved proofs of work; asked each of "
            f"{len(listings)} listing and {len(details)} detail URLs once, so that the load "
            "meets the CMS's image renditions made and its answers cached "
            f"({time.perf_counter() - started:.1f} s)"
        )
        port = free_port()
        log = db.var_dir / "gunicorn.log"
        server = start_gunicorn(db.env, port=port, workers=workers, log=log)
        threads_per_worker = db.env.get("GUNICORN_THREADS", "8")
        print(
            f"servers  subscriber service: gunicorn {workers} workers x {threads_per_worker} "
            f"threads; CMS at {cms_url}"
        )
        print(
            f"clients  {processes * threads} signup clients ({processes} processes), "
            f"{reader_threads} listing and {reader_threads} detail readers; "
            f"at most {max_seconds:.0f} s"
        )
        try:
            report = _send(
                f"http://127.0.0.1:{port}",
                bodies=bodies,
                listings=listings,
                details=details,
                processes=processes,
                threads=threads,
                reader_threads=reader_threads,
                max_seconds=max_seconds,
            )
        finally:
            stop_process(server)
        report.stored = in_service(
            db.env, "count", {"prefix": prefix, "accepted": report.signups.accepted}
        )
    print(f"elapsed  {time.perf_counter() - began:.1f} s from the subscriber database's creation")
    return report


def _send(
    base: str,
    *,
    bodies: list[dict],
    listings: list[str],
    details: list[str],
    processes: int,
    threads: int,
    reader_threads: int,
    max_seconds: float,
) -> LoadReport:
    """Signups and reads from one clock; the readers stop once the last signup is answered."""
    stop = new_stop_event()
    # Time for every client process to start and unpickle its share first.
    start_at = time.time() + 3.0
    common = {"duration": max_seconds, "start_at": start_at, "timeout": 30.0}
    with ThreadPoolExecutor(3) as pool:
        signups = pool.submit(
            run_phase,
            base + SIGNUP_PATH,
            processes=processes,
            threads=threads,
            bodies=bodies,
            **common,
        )
        reads = [
            pool.submit(
                run_phase,
                "",
                processes=1,
                threads=reader_threads,
                urls=urls,
                repeat=True,
                first_process=processes + index,
                stop=stop,
                **common,
            )
            for index, urls in enumerate((listings, details))
        ]
        try:
            signup_result = signups.result()
        finally:
            stop.set()
        listing_result, detail_result = (read.result() for read in reads)
    return LoadReport(
        signups=signup_result,
        listings=listing_result,
        details=detail_result,
        sent_signups=signup_result.requests,
    )


def print_report(report: LoadReport) -> None:
    print(f"{'':<9} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  errors")
    for name, phase in report.phases().items():
        latencies = sorted(phase.latencies)
        errors = {str(code): n for code, n in phase.statuses.items() if not 200 <= code < 300}
        errors.update(phase.failures)
        print(
            f"{name:<9} {phase.requests:>8} {len(latencies) / phase.seconds:>7.1f} "
            f"{percentile(latencies, 0.50) * 1000:>7.0f} "
            f"{percentile(latencies, 0.99) * 1000:>7.0f} "
            f"{(latencies[-1] if latencies else 0) * 1000:>7.0f}  "
            f"{sum(errors.values())} {errors or ''}".rstrip()
        )
    print(f"{'':<9} signups ran for {report.signups.seconds:.1f} s; reads until they ended")
    stored = report.stored
    print(
        f"stored   {len(report.signups.accepted)} signups answered 2xx: "
        f"{stored.get('subscribers')} subscribers, {stored.get('consent_records')} signup "
        f"consent records, {stored.get('confirmation_emails')} confirmation emails in the "
        f"outbox; {stored.get('missing')} missing, {stored.get('duplicated')} duplicated, "
        f"{stored.get('without_2xx')} stored without a 2xx"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50, help="concurrent signup clients")
    parser.add_argument("--readers", type=int, default=10, help="concurrent content API clients")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--max-seconds", type=float, default=180.0, help="bound of the load")
    args = parser.parse_args()

    cms_port = free_port()
    cms_env = {"WAGTAILAPI_BASE_URL": f"http://127.0.0.1:{cms_port}", "CMS_2FA_REQUIRED": "false"}
    with scratch("loadcms", cms_env, service="cms") as cms:
        started = time.perf_counter()
        try:
            cms.manage("migrate", "--noinput")
            cms.manage("load_demo_content")
        except subprocess.CalledProcessError as error:
            raise SystemExit(f"{' '.join(error.cmd[1:])} failed:\n{error.stderr[-3000:]}") from None
        print(f"content  CMS migrated and demo loaded in {time.perf_counter() - started:.1f} s")
        server = start_cms(
            cms.env, port=cms_port, workers=args.workers, log=cms.var_dir / "gunicorn.log"
        )
        try:
            report = run_load(
                cms_url=f"http://127.0.0.1:{cms_port}",
                signups=args.signups,
                clients=args.clients,
                readers=args.readers,
                client_processes=args.client_processes,
                workers=args.workers,
                max_seconds=args.max_seconds,
            )
        finally:
            stop_process(server)
    print_report(report)
    problems = report.problems(expected_signups=args.signups)
    print("verdict  " + ("; ".join(problems) if problems else "every correctness point holds"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
