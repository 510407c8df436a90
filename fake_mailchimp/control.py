"""A typed client for the fake's control API, for tests in another process.

A fake started with ``python -m fake_mailchimp`` cannot be reached through
Python attributes; this client does over HTTP what :class:`FakeMailchimp`'s
methods do in-process (state, faults, reset, clock, report figures).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, TypedDict

import requests


class FakeState(TypedDict):
    """What ``GET /_fake/state`` answers."""

    list_id: str
    members: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    test_sends: list[dict[str, Any]]
    counters: dict[str, int]
    max_in_flight_seen: int
    spec_violations: list[dict[str, Any]]
    response_violations: list[dict[str, Any]]
    requests: list[dict[str, Any]]


class FakeMailchimpControlError(Exception):
    """The control API refused a request or could not be reached."""


class FakeMailchimpControl:
    """Drive a fake Mailchimp over HTTP; ``url`` is its base URL or its ``/3.0`` host."""

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/").removesuffix("/3.0")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = requests.request(
                method, f"{self.url}/_fake/{path}", json=body, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise FakeMailchimpControlError(f"{method} /_fake/{path}: {error}") from error
        with response:
            if not response.ok:
                raise FakeMailchimpControlError(
                    f"{method} /_fake/{path} answered {response.status_code}: {response.text}"
                )
            return response.json()

    def state(self) -> FakeState:
        return self._call("GET", "state")

    def set_faults(
        self,
        *,
        latency: float | None = None,
        fail_next: int | None = None,
        fail_next_status: int = 503,
        fail_for: float | None = None,
        fail_for_status: int = 500,
        timeout_for: float | None = None,
        timeout_hold: float | None = None,
        max_connections: int | None = None,
        clear: bool = False,
    ) -> None:
        """Change the injected faults; arguments left as None are not changed."""
        settings: dict[str, Any] = {"clear": clear}
        if latency is not None:
            settings["latency"] = latency
        if fail_next is not None:
            settings["fail_next"] = {"count": fail_next, "status": fail_next_status}
        if fail_for is not None:
            settings["fail_for"] = {"seconds": fail_for, "status": fail_for_status}
        if timeout_for is not None:
            settings["timeout_for"] = timeout_for
        if timeout_hold is not None:
            settings["timeout_hold"] = timeout_hold
        if max_connections is not None:
            settings["max_connections"] = max_connections
        self._call("POST", "faults", settings)

    def reset(self) -> None:
        self._call("POST", "reset")

    def now(self) -> datetime:
        """The fake account's time (see ``advance_clock``)."""
        return datetime.fromisoformat(self._call("GET", "clock")["now"])

    def advance_clock(self, seconds: float) -> datetime:
        """Move the fake's time forward, delivering campaigns scheduled up to then."""
        return datetime.fromisoformat(
            self._call("POST", "clock", {"advance_seconds": seconds})["now"]
        )

    def set_report(self, campaign_id: str, **figures: Any) -> dict[str, Any]:
        """Set report figures (opens, clicks, unsubscribed, bounces); returns the report."""
        return self._call("POST", f"reports/{campaign_id}", figures)

    def wait_until_ready(self, seconds: float = 10.0) -> None:
        """Wait for a fake that is still starting to answer."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.state()
                return
            except FakeMailchimpControlError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
