"""Run every test suite: ``make test`` (extra arguments go to each pytest run).

Each Django service is tested in its own pytest process with its own test
settings (one process can configure only one Django project), then the shared
library, then the cross-service tests in tests/, which start the services as
real processes. The last line sums up every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SUITES = [
    ("platform_common", ["platform_common", "--ds=platform_common.tests.settings"]),
    ("cms", ["cms", "--ds=cms.settings.test"]),
    ("subscriber_service", ["subscriber_service", "--ds=subscriber_service.settings.test"]),
    ("newsletter_service", ["newsletter_service", "--ds=newsletter_service.settings.test"]),
    ("cross-service", ["tests"]),
]


def main() -> int:
    results_dir = REPO_ROOT / "var" / "test-results"
    results_dir.mkdir(parents=True, exist_ok=True)
    backing = "PostgreSQL and Redis" if os.environ.get("DATABASE_URL") else "embedded defaults"
    print(f"Running the test suites against {backing}.", flush=True)
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failed_suites = []
    for name, args in SUITES:
        report = results_dir / f"{name}.xml"
        report.unlink(missing_ok=True)
        print(f"\n==> {name}", flush=True)
        # Settings come from --ds; a value left in the shell must not override it.
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        code = subprocess.run(
            [sys.executable, "-m", "pytest", *args, f"--junitxml={report}", *sys.argv[1:]],
            cwd=REPO_ROOT,
            env=env,
            check=False,
        ).returncode
        counts = count(report)
        for key in totals:
            totals[key] += counts[key]
        # 5 is "no test collected", which a filter given on the command line may cause.
        if code not in (0, 5) or (code == 5 and not sys.argv[1:]):
            failed_suites.append(name)
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
