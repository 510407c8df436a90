"""Run the fake Mailchimp on its own, for tests across processes and for benchmarks.

    python -m fake_mailchimp --port 8765 --api-key KEY --list-id LIST --latency 0.05

Prints ``fake mailchimp listening on http://127.0.0.1:PORT/3.0`` once it
answers, and stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import threading

from fake_mailchimp.server import (
    DEFAULT_MAX_CONNECTIONS,
    SAMPLE_EVERY,
    VALIDATION_MODES,
    FakeMailchimp,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fake_mailchimp", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="default: a random key")
    parser.add_argument("--server-prefix", default="us1")
    parser.add_argument("--list-id", default="a1b2c3d4e5")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS)
    parser.add_argument(
        "--no-response-validation",
        action="store_true",
        help="skip checking the fake's own answers against the spec (faster benchmarks)",
    )
    parser.add_argument(
        "--validate",
        choices=VALIDATION_MODES,
        default="full",
        help="full: check every request against the spec; sample (benchmarks only): of a "
        f"batch subscribe, the envelope and one member in {SAMPLE_EVERY}",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    fake = FakeMailchimp(
        port=args.port,
        api_key=args.api_key,
        server_prefix=args.server_prefix,
        list_id=args.list_id,
        latency=args.latency,
        max_connections=args.max_connections,
        validate_responses=not args.no_response_validation,
        validate=args.validate,
    )
    with fake:
        print(f"fake mailchimp listening on {fake.host}", flush=True)
        print(f"api key {fake.api_key}", flush=True)
        while not stop.wait(0.5):
            pass
    print("fake mailchimp stopped", flush=True)


if __name__ == "__main__":
    main()
