"""``/readyz`` names the dependency that stopped; ``/healthz`` stays up."""

import secrets
import shutil
import subprocess
import time

import pytest
import redis
import requests

from tests.harness import SERVICES, ServiceProcesses, base_environment, free_port, stop_process

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="needs the redis-server binary (Debian package redis-server, installed by .ci/run)",
)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of the test's own, so the test can stop it."""
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield url, process
    stop_process(process)


def production_service(name, tmp_path, *, database_url, redis_url) -> ServiceProcesses:
    env = base_environment(tmp_path / "var")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": f"{name}.settings.production",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_CONNECT_TIMEOUT": "2",
        }
    )
    return ServiceProcesses(name=name, env=env, port=free_port(), log_dir=tmp_path)


@pytest.mark.parametrize("name", SERVICES)
def test_readyz_reports_the_broker_and_cache_when_redis_stops(
    name, tmp_path, private_redis, backing
):
    redis_url, redis_process = private_redis
    database_url = backing.database_for(name) or f"sqlite:///{tmp_path / 'db.sqlite3'}"
    service = production_service(name, tmp_path, database_url=database_url, redis_url=redis_url)
    service.manage("migrate", "--noinput")
    service.start_web()
    try:
        before = requests.get(f"{service.url}/readyz", timeout=10)
        stop_process(redis_process)
        after = requests.get(f"{service.url}/readyz", timeout=20)
        alive = requests.get(f"{service.url}/healthz", timeout=5)
    finally:
        service.stop()

    assert before.status_code == 200, before.text
    assert after.status_code == 503
    assert after.json()["failing"] == ["broker", "cache"]
    assert after.json()["checks"]["database"] == {"ok": True}
    assert "Connection" in after.json()["checks"]["broker"]["error"]
    assert alive.status_code == 200


@pytest.mark.parametrize("name", SERVICES)
def test_readyz_reports_the_database_when_it_cannot_be_reached(name, tmp_path, private_redis):
    redis_url, _ = private_redis
    closed_port = free_port()  # nothing listens there
    service = production_service(
        name,
        tmp_path,
        database_url=f"postgres://postgres@127.0.0.1:{closed_port}/gone",
        redis_url=redis_url,
    )
    service.start_web()
    try:
        ready = requests.get(f"{service.url}/readyz", timeout=20)
        alive = requests.get(f"{service.url}/healthz", timeout=5)
    finally:
        service.stop()

    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]
    assert "OperationalError" in ready.json()["checks"]["database"]["error"]
    assert alive.status_code == 200
