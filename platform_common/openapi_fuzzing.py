"""Schemathesis against a service's own OpenAPI schema, in-process, bounded for CI.

Each service's ``tests/test_schemathesis.py`` loads its schema from the real
Django application (``/api/schema/``, WSGI, no server) and calls every
operation with generated requests, valid and invalid. The checks are the
contract every JSON API here keeps: no 5xx, and every answer (status code,
content type, body) is one its schema declares. Test-only: schemathesis is a
dev dependency.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Generated cases per operation and phase: enough to reach every validation
# branch of these small inputs, few enough that a suite gains well under a minute.
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Same cases on every run (derandomised, no example database left in the work
# tree), no time limit per case: CI machines are shared and slow.
HYPOTHESIS_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much],
)

_client_numbers = itertools.count(1)


def schema_of(app: WSGIHandler, path: str = "/api/schema/") -> Any:
    """The service's schema, read from the application itself, set to call it in-process."""
    config = schemathesis.Config.from_dict(
        {
            "seed": 20260301,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            # Examples from the schema, boundary values of each field (valid ones: every
            # invalid variant of every field would be hundreds of calls per operation),
            # then generated cases, valid and invalid; stateful chains of calls are left
            # to the hand-written tests.
            "phases": {
                "coverage": {"generation": {"mode": "positive"}},
                "stateful": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_wsgi(path, app, config=config)


def another_client_address() -> dict[str, Any]:
    """WSGI environ of a new client address, so per-address limits see many clients.

    Rate limits are part of the contract (429 is declared where they apply), but a
    run whose every call comes from one address would test little else.
    """
    number = next(_client_numbers)
    return {"REMOTE_ADDR": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"}


@contextmanager
def database_kept_open() -> Iterator[None]:
    """Keep the test's connection (and its transaction) across in-process WSGI calls.

    A WSGI request closes old connections when it starts and ends; the test's
    own transaction would go with them. Django's test client does the same.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
