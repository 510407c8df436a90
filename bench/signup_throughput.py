"""Signups per second on gunicorn, beside the framework's floor on the same server.

    .venv/bin/python bench/signup_throughput.py [--duration 20] [--clients 50]

Creates a scratch PostgreSQL database, migrates the subscriber service into
it and starts it under gunicorn with ``deploy/gunicorn.conf.py`` (production
settings, ``gthread`` workers, one worker per core), Redis database 10 as cache
and broker. Then, for ``--duration`` seconds each, concurrent clients send:

- floor: ``GET /healthz``, a Django view that only returns a small JSON body
  through the full middleware stack;
- signup: ``POST /api/v1/subscriptions/``, each with a new address, a valid
  body and a proof-of-work answer solved before the clock starts (the server
  verifies every one; ``ALTCHA_MAX_NUMBER`` is lowered so solving is cheap).

It prints requests per second, latency percentiles and errors of both, their
ratio, whether every accepted signup was stored exactly once, and the SQL
queries of one signup. The database, Redis database 10 and gunicorn are gone
afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._load import PhaseResult, run_phase
from bench._support import (
    REPO_ROOT,
    SERVICE,
    child_pids,
    cpu_seconds,
    machine,
    percentile,
    scratch,
    use_environment,
)
from tests.harness import free_port, stop_process, wait_for_http

SIGNUP_PATH = "/api/v1/subscriptions/"
FLOOR_PATH = "/healthz"
WARM_UP_SECONDS = 2.0
TARGET_RATIO = 0.5
# deploy/gunicorn.conf.py's default when GUNICORN_THREADS is not set.
CONFIG_THREADS = "8"


def bench_environment() -> dict[str, str]:
    """Limits raised so the clients are never refused, and a cheap proof of work."""
    return {
        "ALTCHA_HMAC_KEY": secrets.token_urlsafe(32),
        # A hundred numbers to try instead of 100,000: solving is cheap, checking unchanged.
        "ALTCHA_MAX_NUMBER": "100",
        "ALTCHA_EXPIRY_SECONDS": "1800",
        # Each client has its own address; these stay far above what one client sends.
        "SIGNUP_RATE_PER_IP": "100000/m",
    }


def start_gunicorn(env: dict[str, str], *, port: int, workers: int, log: Path):
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (the venv's gunicorn)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                # No recycling of workers mid-phase (the config recycles every ~2000 requests):
                # a restart would be counted against whichever phase it fell in.
                "--max-requests",
                "0",
                f"{SERVICE}.wsgi:application",
            ],
            env=env,
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_http(f"http://127.0.0.1:{port}{FLOOR_PATH}", process=process)
    return process


def signup_bodies(count: int, *, run: str, start: int) -> list[dict]:
    from subscriber_service.abuse.testing import solved_proof_of_work

    return [
        {
            "email": f"supporter-{run}-{number}@bench-signups.org",
            "name": "Bench Supporter",
            "language": "en",
            "interests": ["news", "monitor"],
            "consent": True,
            "source": "bench",
            "altcha": solved_proof_of_work(),
        }
        for number in range(start, start + count)
    ]


def postgres_pids() -> list[int]:
    """The PostgreSQL backends serving the scratch database (gunicorn's connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def measured_phase(url: str, *, server_pid: int, **options) -> tuple[PhaseResult, dict]:
    """A phase, and the CPU seconds gunicorn's workers and PostgreSQL spent during it."""
    pids = {"gunicorn": child_pids(server_pid), "PostgreSQL": postgres_pids()}
    before = {name: cpu_seconds(group) for name, group in pids.items()}
    result = run_phase(url, **options)
    used = {}
    for name, group in pids.items():
        after = cpu_seconds(group)
        if after is not None and before[name] is not None:
            used[name] = after - before[name]
    return result, used


def report_cpu(name: str, result: PhaseResult, used: dict) -> dict:
    answered = max(len(result.latencies), 1)
    per_request = {key: seconds * 1000 / answered for key, seconds in used.items()}
    figures = ", ".join(f"{key} {ms:.2f} ms" for key, ms in per_request.items())
    print(f"{'':<8} server CPU per request: {figures or 'not measurable here'}")
    return per_request


def report(name: str, result: PhaseResult) -> float:
    latencies = sorted(result.latencies)
    rate = len(latencies) / result.seconds
    errors = {str(code): n for code, n in result.statuses.items() if not 200 <= code < 300}
    errors.update(result.failures)
    print(
        f"{name:<8} {result.requests:>7} req in {result.seconds:5.1f} s  {rate:8.1f} req/s  "
        f"p50 {percentile(latencies, 0.50) * 1000:6.1f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:6.1f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms  "
        f"errors {sum(errors.values())} {errors or ''}".rstrip()
    )
    if result.ran_out:
        print(f"         ({result.ran_out} clients ran out of prepared signups before the end)")
    return rate


def check_stored(accepted: list[str], *, domain: str) -> bool:
    from subscriber_service.outbox.models import OutboxMessage
    from subscriber_service.subscriptions.models import ConsentRecord, Subscriber

    rows = Subscriber.objects.filter(email__endswith=f"@{domain}")
    stored = list(rows.values_list("email", flat=True))
    accepted_set, stored_set = set(accepted), set(stored)
    ids = rows.values("pk")
    consents = ConsentRecord.objects.filter(subscriber__in=ids, action="signup").count()
    emails = OutboxMessage.objects.filter(subscriber_id__in=ids, kind="confirmation_email").count()
    missing = len(accepted_set - stored_set)
    duplicates = len(stored) - len(stored_set) + len(accepted) - len(accepted_set)
    print(
        f"stored   {len(accepted)} accepted (202), {len(stored)} rows with the bench's addresses, "
        f"{missing} accepted but missing, {duplicates} duplicated, "
        f"{len(stored_set - accepted_set)} stored without a 202 seen; "
        f"{consents} consent records, {emails} confirmation emails queued"
    )
    return missing == 0 and duplicates == 0 and consents == len(stored) == emails


def count_queries(body: dict) -> None:
    """Queries of one signup and of one floor request, served in this process."""
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.200.1")
    with CaptureQueriesContext(connection) as floor:
        client.get(FLOOR_PATH)
    with CaptureQueriesContext(connection) as signup:
        response = client.post(SIGNUP_PATH, json.dumps(body), content_type="application/json")
    if response.status_code != 202:
        print(f"queries  (the in-process signup answered {response.status_code})")
        return
    statements = [" ".join(query["sql"].split())[:90] for query in signup.captured_queries]
    print(f"queries  {len(signup)} per signup ({len(floor)} per floor request):")
    for statement in statements:
        print(f"           {statement}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help=f"threads per gunicorn worker (GUNICORN_THREADS; default: the config's "
        f"{CONFIG_THREADS})",
    )
    args = parser.parse_args()
    processes = max(1, min(args.client_processes, args.clients))
    threads = max(1, args.clients // processes)

    run = secrets.token_hex(4)
    domain = "bench-signups.org"
    extra = bench_environment()
    if args.threads:
        extra["GUNICORN_THREADS"] = str(args.threads)
    with scratch("signup", extra) as db:
        db.manage("migrate", "--noinput")
        use_environment(db.env)
        import django

        django.setup()
        print(f"machine  {machine()}")
        threads_per_worker = db.env.get("GUNICORN_THREADS", CONFIG_THREADS)
        print(
            f"server   gunicorn, {args.workers} workers x {threads_per_worker} threads (gthread), "
            "production settings, PostgreSQL + Redis on 127.0.0.1"
        )
        clients = processes * threads
        print(f"clients  {clients} ({processes} processes), {args.duration:.0f} s per phase")
        port = free_port()
        log = db.var_dir / "gunicorn.log"
        server = start_gunicorn(db.env, port=port, workers=args.workers, log=log)
        base = f"http://127.0.0.1:{port}"
        try:
            run_phase(
                base + FLOOR_PATH, duration=WARM_UP_SECONDS, processes=processes, threads=threads
            )
            floor, floor_cpu = measured_phase(
                base + FLOOR_PATH,
                server_pid=server.pid,
                duration=args.duration,
                processes=processes,
                threads=threads,
            )
            floor_rate = report("floor", floor)
            floor_cpu = report_cpu("floor", floor, floor_cpu)

            # Enough answers for the signups to run as fast as the floor, plus a margin.
            needed = int(floor_rate * (args.duration + WARM_UP_SECONDS) * 1.3) + 1000
            started = time.perf_counter()
            bodies = signup_bodies(needed, run=run, start=0)
            print(
                f"prepared {needed} signups with solved proofs of work in "
                f"{time.perf_counter() - started:.1f} s"
            )
            warm_count = int(floor_rate * WARM_UP_SECONDS * 1.3) + 100
            warm = run_phase(
                base + SIGNUP_PATH,
                duration=WARM_UP_SECONDS,
                processes=processes,
                threads=threads,
                bodies=bodies[:warm_count],
            )
            signup, signup_cpu = measured_phase(
                base + SIGNUP_PATH,
                server_pid=server.pid,
                duration=args.duration,
                processes=processes,
                threads=threads,
                bodies=bodies[warm_count:],
            )
            signup_rate = report("signup", signup)
            signup_cpu = report_cpu("signup", signup, signup_cpu)
            ratio = signup_rate / floor_rate if floor_rate else 0.0
            verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
            print(f"ratio    signup/floor {ratio:.1%} (target >= {TARGET_RATIO:.0%}: {verdict})")
            if floor_cpu.get("gunicorn") and signup_cpu.get("gunicorn"):
                # Less noisy than requests/s on a shared machine: the server's own cost.
                cost = floor_cpu["gunicorn"] / signup_cpu["gunicorn"]
                print(f"         gunicorn CPU per request, floor/signup: {cost:.1%}")
        finally:
            stop_process(server)
        ok = check_stored(warm.accepted + signup.accepted, domain=domain)
        count_queries(signup_bodies(1, run=run, start=len(bodies))[0])
        from django.db import connections

        connections.close_all()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
