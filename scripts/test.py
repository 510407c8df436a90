"""Run every test suite: ``make test`` (extra arguments go to each pytest run).

Each Django service is tested in its own pytest process with its own test
settings (one process can configure only one Django project), then the
cross-service tests in tests/, which start the services as real processes.
The service suites run two at a time (much of their time is spent waiting on
browsers, servers and databases), each with a test database and a Redis
database of its own; their output is printed as each one ends. The last line
sums up every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# (name, pytest arguments, Redis database of its own). The cross-service suite
# runs last and alone: it starts all three services and uses Redis database 13.
SERVICE_SUITES = [
    ("cms", ["cms", "--ds=cms.settings.test"], 1),
    ("subscriber_service", ["subscriber_service", "--ds=subscriber_service.settings.test"], 2),
    ("newsletter_service", ["newsletter_service", "--ds=newsletter_service.settings.test"], 3),
    ("platform_common", ["platform_common", "--ds=platform_common.tests.settings"], 4),
]
CROSS_SERVICE = ("cross-service", ["tests"], None)
PARALLEL = int(os.environ.get("TEST_PARALLEL", "2"))


def run_suite(name: str, args: list[str], redis_db: int | None) -> tuple[str, int, str, float]:
    report = REPO_ROOT / "var" / "test-results" / f"{name}.xml"
    report.unlink(missing_ok=True)
    # Settings come from --ds; a value left in the shell must not override it.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    if redis_db is not None and env.get("REDIS_URL"):
        env["REDIS_URL"] = (
            urllib.parse.urlsplit(env["REDIS_URL"])._replace(path=f"/{redis_db}").geturl()
        )
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", *args, f"--junitxml={report}", *sys.argv[1:]],
        cwd=REPO_ROOT,
        env=env,
        check=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return name, completed.returncode, completed.stdout, time.monotonic() - started


def main() -> int:
    (REPO_ROOT / "var" / "test-results").mkdir(parents=True, exist_ok=True)
    backing = "PostgreSQL and Redis" if os.environ.get("DATABASE_URL") else "embedded defaults"
    print(f"Running the test suites against {backing}.", flush=True)
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failed_suites = []

    def record(result: tuple[str, int, str, float]) -> None:
        name, code, output, seconds = result
        print(f"\n==> {name} ({seconds:.0f} s)\n{output}", flush=True)
        counts = count(REPO_ROOT / "var" / "test-results" / f"{name}.xml")
        for key in totals:
            totals[key] += counts[key]
        # 5 is "no test collected", which a filter given on the command line may cause.
        if code not in (0, 5) or (code == 5 and not sys.argv[1:]):
            failed_suites.append(name)

    with ThreadPoolExecutor(max_workers=max(PARALLEL, 1)) as pool:
        futures = [pool.submit(run_suite, *suite) for suite in SERVICE_SUITES]
        for future in futures:
            record(future.result())
    record(run_suite(*CROSS_SERVICE))
    print()
    if failed_suites:
        print(f"Failing suites: {', '.join(failed_suites)}")
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if failed_suites else 0


def count(report: Path) -> dict[str, int]:
    if not report.exists():
        return {"passed": 0, "failed": 1, "skipped": 0}
    suite = ET.parse(report).getroot()  # noqa: S314 - pytest's own report
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, errors, failures, skipped = (
        int(suite.get(key, 0)) for key in ("tests", "errors", "failures", "skipped")
    )
    failed = errors + failures
    return {"passed": tests - failed - skipped, "failed": failed, "skipped": skipped}


if __name__ == "__main__":
    sys.exit(main())
