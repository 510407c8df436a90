"""Load: 2,000 public signups from 50 clients while the CMS's content API serves reads.

The bounded CI form of ``bench/load_platform.py``: the same ``run_load``, against
the CMS of the session's ``platform`` (its database, with the demo content
loaded, served here by a gunicorn of two workers that are not recycled
mid-test, as the bench serves it), with a subscriber service of its own (a
scratch database and Redis database, production settings, the proof of work
cheap to solve and the per-network limit raised for the loopback clients, as
its output says). It asserts the correctness points, not the speed: every
signup sent and answered 2xx, each stored exactly once with one consent record
and one confirmation email in the outbox, no 5xx and no unanswered request
anywhere, reads served all along.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator

import pytest

from bench.content_api import start_gunicorn
from bench.load_platform import print_report, run_load
from tests.harness import Backing, ServiceProcesses, free_port, stop_process

pytestmark = pytest.mark.load

SIGNUPS = 2000
CLIENTS = 50
# The load itself is bounded well below the test's budget (90 s on 2 cores).
MAX_SECONDS = 60.0


def load_redis_db(backing: Backing) -> int:
    """A Redis database of the load's own: ``LOAD_REDIS_DB`` (default 12), emptied before and after.

    The load's subscriber service queues 2,000 confirmation tasks that no worker
    must take (the platform's worker would look their ids up in its own database),
    so it must not share the platform's (``CROSS_SERVICE_REDIS_DB``).
    """
    database = int(os.environ.get("LOAD_REDIS_DB", "12"))
    platform_database = int(urllib.parse.urlsplit(backing.redis_url).path.strip("/") or 0)
    assert database != platform_database, (
        f"LOAD_REDIS_DB is {database}, the Redis database the cross-service platform uses: "
        "set one of LOAD_REDIS_DB and CROSS_SERVICE_REDIS_DB to another"
    )
    return database


@pytest.fixture(scope="module")
def cms_url(
    backing: Backing,
    platform: dict[str, ServiceProcesses],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The platform's CMS with its demo content, served by two workers of its own."""
    if not backing.real:
        pytest.skip("the load test needs DATABASE_URL and REDIS_URL (PostgreSQL and Redis)")
    cms = platform["cms"]
    cms.manage("load_demo_content")
    port = free_port()
    log = tmp_path_factory.mktemp("load") / "cms-gunicorn.log"
    server = start_gunicorn(cms.env, port=port, workers=2, log=log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)


def test_2000_signups_from_50_clients_beside_content_reads_are_each_stored_once(
    cms_url: str, backing: Backing
) -> None:
    report = run_load(
        cms_url=cms_url,
        signups=SIGNUPS,
        clients=CLIENTS,
        readers=6,
        client_processes=2,
        workers=2,
        max_seconds=MAX_SECONDS,
        redis_db=load_redis_db(backing),
        # Enough pages to mix listings and details; each is asked once before the clock.
        detail_pages=20,
    )
    print_report(report)

    assert report.signups.requests == SIGNUPS
    assert len(report.signups.accepted) == SIGNUPS
    assert report.listings.requests > 0 and report.details.requests > 0
    # The reads ran beside the signups, not before or after them.
    assert report.listings.ended >= report.signups.ended - 1.0
    assert report.problems(expected_signups=SIGNUPS) == []
    assert report.stored == {
        "subscribers": SIGNUPS,
        "consent_records": SIGNUPS,
        "confirmation_emails": SIGNUPS,
        "missing": 0,
        "duplicated": 0,
        "without_2xx": 0,
    }
