"""What both benchmarks share: the servers they use, a scratch database, figures.

Everything runs on 127.0.0.1. PostgreSQL comes from ``DATABASE_URL`` (each run
creates its own ``bench_...`` database and drops it afterwards) and Redis from
``REDIS_URL``, always on database 10 (emptied before and after a run), so a
benchmark never touches what a test run on the same servers keeps. A test that
reuses these helpers (``tests/test_load.py``) names another database.
"""

from __future__ import annotations

import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.harness import admin_connection, base_environment, with_path  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_DB = 10
SERVICE = "subscriber_service"


def database_server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def redis_url(db: int = REDIS_DB) -> str:
    """``REDIS_URL`` with its database number replaced by ``db`` (the benchmarks' own, 10)."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    return with_path(url, f"/{db}")


def check_loopback(url: str) -> None:
    """Benchmarks send load to this machine only."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        raise SystemExit(f"benchmarks run against 127.0.0.1 only, not {host!r}")


def flush_redis(db: int = REDIS_DB) -> None:
    import redis

    client = redis.Redis.from_url(redis_url(db), socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclass
class Scratch:
    """A database and a folder of one benchmark run, and the environment of its service."""

    kind: str
    service: str = SERVICE
    redis_db: int = REDIS_DB
    database: str = ""
    var_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-")))
    env: dict[str, str] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return with_path(database_server_url(), f"/{self.database}")

    def create(self, extra_env: dict[str, str]) -> None:
        check_loopback(database_server_url())
        check_loopback(redis_url(self.redis_db))
        flush_redis(self.redis_db)
        self.database = f"bench_{self.kind}_{os.getpid()}_{secrets.token_hex(3)}"
        with admin_connection(database_server_url()) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        # The environment tests/harness.py gives a service under test, production settings.
        self.env = base_environment(self.var_dir)
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": f"{self.service}.settings.production",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": redis_url(self.redis_db),
                "SECRET_KEY": secrets.token_urlsafe(50),
                **extra_env,
            }
        )

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, str(REPO_ROOT / self.service / "manage.py"), *args],
            env=self.env,
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def destroy(self) -> None:
        if self.database:
            with admin_connection(database_server_url()) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            self.database = ""
        flush_redis(self.redis_db)
        shutil.rmtree(self.var_dir, ignore_errors=True)


@contextmanager
def scratch(
    kind: str, extra_env: dict[str, str], *, service: str = SERVICE, redis_db: int = REDIS_DB
) -> Iterator[Scratch]:
    run = Scratch(kind, service=service, redis_db=redis_db)
    try:
        run.create(extra_env)
        yield run
    finally:
        run.destroy()


def use_environment(env: dict[str, str]) -> None:
    """Make this process see ``env`` (for ``django.setup()`` against the scratch database)."""
    for key in list(os.environ):
        if key not in env:
            del os.environ[key]
    os.environ.update(env)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """CPU time (user + system) used so far by these processes, from /proc (Linux only)."""
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers), from /proc (Linux only)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def machine() -> str:
    """Cores and the versions that matter for the figures."""
    import django

    versions = [f"{os.cpu_count()} cores", f"Python {sys.version.split()[0]}"]
    versions.append(f"Django {django.get_version()}")
    try:
        with admin_connection(database_server_url()) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            versions.append(f"PostgreSQL {row[0].split()[0]}")
    except Exception as error:  # the figures still print without it
        versions.append(f"PostgreSQL ? ({type(error).__name__})")
    try:
        import redis

        client = redis.Redis.from_url(redis_url(), socket_timeout=5)
        versions.append(f"Redis {client.info('server')['redis_version']}")
        client.close()
    except Exception as error:
        versions.append(f"Redis ? ({type(error).__name__})")
    return ", ".join(versions)
