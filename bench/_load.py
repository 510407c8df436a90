"""A small HTTP load generator: processes of threads, each thread with its own session.

Each client thread connects from its own loopback address (127.0.P.T), so the
per-network limits of the service count the clients as it would count a crowd
of supporters rather than one very busy address. Work is a list of prepared
request bodies (POSTs) or of URLs (GETs, each sent once, or again and again in
turn), or none (the same GET again and again), handed out per thread before the
clock starts; a thread stops at the deadline, when its work runs out, or when
the phase's stop event is set (``new_stop_event``: another phase running at the
same time has ended).
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

# Set in each client process by the pool's initializer when the phase has a stop event.
_stop_event: Any = None


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source_ip: str) -> None:
        self.source_ip = source_ip
        super().__init__(pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class PhaseResult:
    """What the clients saw during one timed phase."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    ran_out: int = 0

    def merge(self, other: PhaseResult) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)
        self.accepted.extend(other.accepted)
        self.started = min(self.started or other.started, other.started)
        self.ended = max(self.ended, other.ended)
        self.ran_out += other.ran_out

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    @property
    def seconds(self) -> float:
        return max(self.ended - self.started, 1e-9)


def _client(
    *,
    process_index: int,
    thread_index: int,
    url: str,
    bodies: list[dict | str] | None,
    repeat: bool,
    start_at: float,
    deadline: float,
    timeout: float,
    result: PhaseResult,
    lock: threading.Lock,
) -> None:
    local = PhaseResult(started=start_at)
    session = requests.Session()
    adapter = _SourceAddressAdapter(f"127.0.{process_index + 1}.{thread_index + 1}")
    session.mount("http://", adapter)
    work = None
    if bodies is not None:
        work = itertools.cycle(bodies) if repeat and bodies else iter(bodies)
    stop = _stop_event
    time.sleep(max(0.0, start_at - time.time()))
    try:
        while time.time() < deadline and not (stop is not None and stop.is_set()):
            body = None
            if work is not None:
                body = next(work, None)
                if body is None:
                    local.ran_out += 1
                    break
            sent = time.perf_counter()
            try:
                if body is None:
                    response = session.get(url, timeout=timeout)
                elif isinstance(body, str):
                    response = session.get(body, timeout=timeout)
                else:
                    response = session.post(url, json=body, timeout=timeout)
            except requests.RequestException as error:
                local.failures[type(error).__name__] += 1
                continue
            local.latencies.append(time.perf_counter() - sent)
            local.statuses[response.status_code] += 1
            if isinstance(body, dict) and 200 <= response.status_code < 300:
                local.accepted.append(body["email"])
    finally:
        session.close()
        local.ended = time.time()
    with lock:
        result.merge(local)


def _set_stop_event(event: Any) -> None:
    global _stop_event
    _stop_event = event


def new_stop_event() -> Any:
    """An event that ends a phase early (``run_phase(stop=...)``) when set from this process."""
    return multiprocessing.get_context("spawn").Event()


def _process(
    process_index: int,
    url: str,
    work: list[list[dict | str] | None],
    start_at: float,
    duration: float,
    timeout: float,
    repeat: bool = False,
) -> PhaseResult:
    result = PhaseResult(started=start_at)
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            kwargs={
                "process_index": process_index,
                "thread_index": index,
                "url": url,
                "bodies": bodies,
                "repeat": repeat,
                "start_at": start_at,
                "deadline": start_at + duration,
                "timeout": timeout,
                "result": result,
                "lock": lock,
            },
        )
        for index, bodies in enumerate(work)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def run_phase(
    url: str,
    *,
    duration: float,
    processes: int,
    threads: int,
    bodies: list[dict] | None = None,
    urls: list[str] | None = None,
    repeat: bool = False,
    timeout: float = 30.0,
    start_at: float | None = None,
    first_process: int = 0,
    stop: Any = None,
) -> PhaseResult:
    """GET ``url`` (no bodies), POST each body once, or GET each of ``urls`` once.

    For ``duration`` seconds, or until the work runs out. With ``repeat``, each
    client GETs its share of ``urls`` in turn until the end. ``start_at`` (a
    ``time.time()`` value) lets phases run side by side start together, and
    ``first_process`` gives them distinct client addresses (its processes are
    numbered from it: 127.0.<first_process + 1>.T, ...). ``stop``, from
    :func:`new_stop_event`, ends the phase when set.
    """
    clients = processes * threads
    work: list[dict | str] | None = urls if urls is not None else bodies
    if work is None:
        shares: list[list[dict | str] | None] = [None] * clients
    else:
        shares = [work[index::clients] for index in range(clients)]
    if start_at is None:
        # Time for the processes to start and unpickle their share before the clock runs.
        start_at = time.time() + 1.5
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_set_stop_event, initargs=(stop,)) as pool:
        pending = [
            pool.apply_async(
                _process,
                (
                    first_process + index,
                    url,
                    shares[index * threads : (index + 1) * threads],
                    start_at,
                    duration,
                ),
                {"timeout": timeout, "repeat": repeat},
            )
            for index in range(processes)
        ]
        result = PhaseResult(started=start_at)
        for job in pending:
            result.merge(job.get(timeout=duration + timeout + 60))
    result.started = start_at
    return result
