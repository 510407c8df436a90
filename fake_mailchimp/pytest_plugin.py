"""A ``fake_mailchimp`` fixture: a fresh fake Mailchimp around each test.

Use it from a service's test suite with
``pytest_plugins = ["fake_mailchimp.pytest_plugin"]`` in its top-level conftest.
Each test gets its own server (its own port and state), so tests cannot see
each other's members or faults.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_mailchimp.server import FakeMailchimp


@pytest.fixture
def fake_mailchimp() -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as fake:
        yield fake
