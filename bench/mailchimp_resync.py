"""A full Mailchimp resync of 100,000 confirmed subscribers, against the ideal time.

    .venv/bin/python bench/mailchimp_resync.py [--members 100000] [--latency 0.05]

Starts the fake Mailchimp (``fake_mailchimp``) in a process of its own, with
``--latency`` seconds added to every request and its cap of 10 simultaneous
connections (429 beyond). Creates a scratch PostgreSQL database with
``--members`` confirmed subscribers, each with two interests mapped to the
fake's interest groups, then runs ``audience_resync()`` in a fresh process
(Django set up against that database, the service pointed at the fake through
the ``MAILCHIMP_*`` variables, connection slots in Redis database 10) and
prints members, calls, elapsed and ideal time (calls needed x latency / 10),
their ratio, the most requests the fake saw at once, its 429s, and the peak
memory of the resync process. Everything is removed afterwards.
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine, peak_rss_mib, scratch, use_environment

TARGET_RATIO = 2.0
BATCH_LIMIT = 500
INTERESTS_PER_MEMBER = 2
FAKE_GC_THRESHOLDS = (100_000, 50, 100)


def serve_fake(options: dict, connection) -> None:
    """Run the fake until told to stop; answer its address, then its counters."""
    from fake_mailchimp.server import FakeMailchimp

    fake = FakeMailchimp(
        latency=options["latency"],
        max_connections=options["max_connections"],
        # The answers' own schema check is the fake's, not Mailchimp's, work; requests
        # are still checked against the spec (every member, or a sample: see --fake-validation).
        validate_responses=options["validate_responses"],
        validate=options["validate"],
    )
    with fake:
        groups = {key: fake.add_interest("Topics", key) for key in options["interests"]}
        # The fake keeps every member and request body in memory; with the default
        # thresholds the cyclic collector rescans them again and again (a third of the
        # fake's CPU at 100,000 members). Its data are trees, so collect less often.
        gc.freeze()
        gc.set_threshold(*FAKE_GC_THRESHOLDS)
        connection.send(
            {
                "host": fake.host,
                "api_key": fake.api_key,
                "server_prefix": fake.server_prefix,
                "list_id": fake.list_id,
                "category_id": fake.interest_category_id("Topics"),
                "groups": groups,
            }
        )
        while connection.recv() == "cpu":
            connection.send(time.process_time())
        members = fake.members()
        connection.send(
            {
                "requests": fake.counters["requests"],
                "batches": len(fake.requests_to("POST", r"^/lists/[^/]+$")),
                "too_many_requests": fake.too_many_requests,
                "max_in_flight_seen": fake.max_in_flight_seen,
                "spec_violations": len(fake.spec_violations),
                "members": len(members),
                "subscribed": sum(1 for member in members if member["status"] == "subscribed"),
            }
        )


def seed(env: dict[str, str], members: int, fake: dict) -> None:
    """Confirmed subscribers with interests, bulk-inserted; interests mapped to the fake."""
    use_environment(env)
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from subscriber_service.subscriptions.models import Interest, Subscriber

    interests = list(Interest.objects.order_by("pk"))
    for interest in interests:
        interest.mailchimp_category_id = fake["category_id"]
        interest.mailchimp_interest_id = fake["groups"][interest.key]
        interest.save()
    through = Subscriber.interests.through
    now = timezone.now()
    chunk = 5000
    for start in range(0, members, chunk):
        rows = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"supporter{number}@bench-resync.org",
                name=f"Supporter {number}",
                language=("en", "fr", "es")[number % 3],
                status=Subscriber.Status.SUBSCRIBED,
                source="bench",
                confirmed_at=now,
            )
            for number in range(start, min(start + chunk, members))
        )
        through.objects.bulk_create(
            through(
                subscriber_id=row.pk,
                interest_id=interests[(row.pk + offset) % len(interests)].pk,
            )
            for row in rows
            for offset in range(INTERESTS_PER_MEMBER)
        )
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()


def resync(env: dict[str, str]) -> dict:
    """Run the full resync in this (fresh) process; its report, time and memory."""
    use_environment(env)
    import django

    django.setup()
    from django.db import connections

    from subscriber_service.audience.services import audience_resync

    baseline = peak_rss_mib()
    started = time.perf_counter()
    cpu_started = time.process_time()
    report = audience_resync()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    connections.close_all()
    return {
        "members": report.members,
        "calls": report.calls,
        "created": report.created,
        "updated": report.updated,
        "errors": report.errors,
        "elapsed": elapsed,
        "cpu_seconds": cpu,
        "rss_before": baseline,
        "rss_peak": peak_rss_mib(),
    }


def in_process(context, function, *args):
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--max-connections", type=int, default=10)
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="also check the fake's own answers against the spec (slower fake)",
    )
    parser.add_argument(
        "--fake-validation",
        choices=("sample", "full"),
        default="sample",
        help="sample (default): the fake checks each batch's envelope and one member in 50 "
        "against the spec; full: every member, as in the tests (slower fake)",
    )
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    fake_process = context.Process(
        target=serve_fake,
        args=(
            {
                "latency": args.latency,
                "max_connections": args.max_connections,
                "validate_responses": args.validate_responses,
                "validate": args.fake_validation,
                "interests": ["monitor", "news", "events", "appeals"],
            },
            theirs,
        ),
        daemon=True,
    )
    fake_process.start()
    try:
        if not ours.poll(30):
            raise SystemExit("the fake Mailchimp did not start")
        fake = ours.recv()
        env = {
            "MAILCHIMP_API_KEY": fake["api_key"],
            "MAILCHIMP_SERVER_PREFIX": fake["server_prefix"],
            "MAILCHIMP_API_HOST": fake["host"],
            "MAILCHIMP_AUDIENCE_ID": fake["list_id"],
            "MAILCHIMP_MAX_CONNECTIONS": str(args.max_connections),
        }
        with scratch("resync", env) as db:
            db.manage("migrate", "--noinput")
            print(f"machine  {machine()}")
            started = time.perf_counter()
            in_process(context, seed, db.env, args.members, fake)
            print(f"seeded   {args.members} subscribers in {time.perf_counter() - started:.1f} s")
            ours.send("cpu")
            fake_cpu_before = ours.recv()
            result = in_process(context, resync, db.env)
            ours.send("cpu")
            result["fake_cpu_seconds"] = ours.recv() - fake_cpu_before
            ours.send("stop")
            seen = ours.recv() if ours.poll(60) else {}
        report(args, result, seen)
        ok = (
            result["members"] == args.members
            and seen.get("too_many_requests", 1) == 0
            and seen.get("max_in_flight_seen", 99) <= args.max_connections
            and seen.get("members") == args.members
        )
        return 0 if ok else 1
    finally:
        fake_process.join(timeout=10)
        if fake_process.is_alive():
            fake_process.terminate()


def report(args: argparse.Namespace, result: dict, seen: dict) -> None:
    calls_needed = math.ceil(args.members / BATCH_LIMIT)
    ideal = calls_needed * args.latency / args.max_connections
    ratio = result["elapsed"] / ideal if ideal else 0.0
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"members  {result['members']} sent, {result['created']} created, "
        f"{result['updated']} updated, {result['errors']} refused; "
        f"the fake now holds {seen.get('members', '?')} ({seen.get('subscribed', '?')} subscribed)"
    )
    print(
        f"calls    {result['calls']} batch calls (needed {calls_needed}); the fake saw "
        f"{seen.get('requests', '?')} requests, {seen.get('batches', '?')} of them batches"
    )
    print(
        f"time     {result['elapsed']:.2f} s, ideal {ideal:.2f} s "
        f"({calls_needed} x {args.latency * 1000:.0f} ms / {args.max_connections}): "
        f"{ratio:.2f}x (target <= {TARGET_RATIO:.0f}x: {verdict})"
    )
    print(
        f"cap      max in flight {seen.get('max_in_flight_seen', '?')} "
        f"(must be <= {args.max_connections}), 429s {seen.get('too_many_requests', '?')} "
        f"(must be 0), spec violations {seen.get('spec_violations', '?')}"
    )
    # The fake answers from one Python process: its own CPU time is a floor no client beats.
    fake_floor = result["fake_cpu_seconds"]
    client = result["cpu_seconds"]
    print(
        f"cpu      resync process {client:.2f} s "
        f"({client * 1e6 / max(result['members'], 1):.1f} us per member, "
        f"{client * 1000 / max(calls_needed, 1):.1f} ms per batch); fake Mailchimp process "
        f"{fake_floor:.2f} s during the resync ({fake_floor * 1000 / max(calls_needed, 1):.1f} ms "
        f"per batch); together {client + fake_floor:.2f} s of CPU in {result['elapsed']:.2f} s"
    )
    print(
        f"floor    elapsed is {result['elapsed'] / max(ideal, fake_floor):.2f}x the larger of the "
        "ideal and the fake's own CPU time"
    )
    sampled = (
        "envelope and 1 member in 50 of each batch checked against the spec "
        "(benchmark only; the tests check every member)"
        if args.fake_validation == "sample"
        else "every member checked against the spec, as in the tests"
    )
    print(
        f"fake     {sampled}; its answers "
        f"{'checked too' if args.validate_responses else 'not checked'}; cyclic GC thresholds "
        f"{FAKE_GC_THRESHOLDS} in its process"
    )
    print(
        f"memory   resync process peak RSS {result['rss_peak']:.0f} MiB "
        f"({result['rss_before']:.0f} MiB before the resync began)"
    )


if __name__ == "__main__":
    sys.exit(main())
