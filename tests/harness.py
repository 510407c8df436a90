"""Runs the services as real processes for the cross-service tests.

With ``DATABASE_URL`` and ``REDIS_URL`` set, each service gets a fresh
PostgreSQL database on that server and the Redis broker, and runs with its
production settings. Without them, each gets SQLite files and the filesystem
broker in a temporary folder, with its development settings: the embedded
defaults the demo uses.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("cms", "subscriber_service", "newsletter_service")
BIN = Path(sys.executable).parent
# Variables of the developer's shell that must not leak into a service under test.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SERVICE_CLIENTS",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_URL",
    "MAILCHIMP_API_KEY",
    "VAR_DIR",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, *, timeout: float = 60.0, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException as error:
            last_error = error
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last_error}")


def stop_process(process: subprocess.Popen, *, timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class Backing:
    """Where the services under test keep their data and queue their tasks."""

    var_dir: Path
    database_url: str = ""
    redis_url: str = ""
    created_databases: list[str] = field(default_factory=list)

    @property
    def real(self) -> bool:
        return bool(self.database_url and self.redis_url)

    @property
    def settings_flavour(self) -> str:
        return "production" if self.real else "dev"

    def database_for(self, service: str) -> str:
        """A new, empty database for ``service`` on the configured server."""
        if not self.database_url:
            return ""
        name = f"hrp_{service}_{os.getpid()}_{secrets.token_hex(3)}"
        with admin_connection(self.database_url) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created_databases.append(name)
        return with_path(self.database_url, f"/{name}")

    def drop_databases(self) -> None:
        if not self.created_databases:
            return
        with admin_connection(self.database_url) as connection:
            for name in self.created_databases:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created_databases.clear()


def with_path(url: str, path: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=path))


@contextmanager
def admin_connection(database_url: str) -> Iterator[object]:
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    connection = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )
    try:
        yield connection
    finally:
        connection.close()


def base_environment(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "VAR_DIR": str(var_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


@dataclass
class ServiceProcesses:
    """One service under test: its environment, web process and worker."""

    name: str
    env: dict[str, str]
    port: int
    log_dir: Path
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    beat: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(REPO_ROOT / self.name / "manage.py"), *args],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def _spawn(self, role: str, command: list[str]) -> subprocess.Popen:
        # The child keeps its own copy of the file descriptor.
        with (self.log_dir / f"{self.name}-{role}.log").open("ab") as log:
            return subprocess.Popen(
                command,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_web(self) -> None:
        self.web = self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "--config",
                str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                f"{self.name}.wsgi:application",
            ],
        )
        wait_for_http(f"{self.url}/healthz", process=self.web)

    def start_worker(self, *, pool: str = "solo", concurrency: int = 1, node: str = "") -> None:
        """The Celery worker; with ``prefork`` tasks run in child processes, as in production.

        ``node`` names a second worker of the same service (Celery node names must differ).
        """
        self.worker = self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                self.name,
                "worker",
                "-Q",
                self.name,
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "-n",
                f"{node or self.name}@%h",
            ],
        )

    def start_beat(self) -> None:
        """Celery beat: the service's periodic tasks (sweepers), its schedule file in VAR_DIR."""
        self.beat = self._spawn(
            "beat", [str(BIN / "celery"), "-A", self.name, "beat", "--loglevel", "INFO"]
        )

    def stop(self) -> None:
        for process in (self.web, self.worker, self.beat):
            if process is not None:
                stop_process(process)

    def log(self, role: str) -> str:
        path = self.log_dir / f"{self.name}-{role}.log"
        return path.read_text(errors="replace") if path.exists() else ""
