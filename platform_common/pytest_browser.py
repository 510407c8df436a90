"""A ``browser`` fixture: Debian's Chromium driven by Playwright, for pages a person uses.

Use it with ``pytest_plugins = ["platform_common.pytest_browser"]`` in a
service's top-level conftest. Never a downloaded browser: the ``chromium``
package on the PATH (``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these, Chromium keeps calling home, and this machine's closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch) -> Iterator:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not CHROMIUM:
        pytest.fail("needs Debian's chromium package on the PATH (.ci/run installs it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the test makes between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
        # ORM calls made while Playwright runs get connections of their own
        # context; close them, or the test database cannot be dropped.
        connections.close_all()
