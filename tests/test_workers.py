"""A task queued in each service is executed by that service's own worker process."""

import os
import secrets
from types import SimpleNamespace

import pytest
from celery import Celery

from platform_common.celery import celery_settings
from tests.harness import SERVICES


def client_app(service, backing, monkeypatch) -> Celery:
    """A Celery app configured exactly as ``service`` configures its own."""
    monkeypatch.setenv("VAR_DIR", str(backing.var_dir))
    if backing.redis_url:
        monkeypatch.setenv("REDIS_URL", backing.redis_url)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    app = Celery(f"test-client-{service}")
    app.config_from_object(SimpleNamespace(**celery_settings(service)), namespace="CELERY")
    return app


@pytest.mark.parametrize("name", SERVICES)
def test_task_queued_in_the_service_queue_runs_in_its_worker_process(
    platform, backing, monkeypatch, name
):
    service = platform[name]
    app = client_app(name, backing, monkeypatch)
    nonce = secrets.token_hex(8)

    result = app.send_task("platform_common.tasks.ping", args=[nonce], queue=name)
    answer = result.get(timeout=60)

    assert answer["nonce"] == nonce
    assert answer["service"] == name
    assert answer["worker_pid"] == service.worker.pid
    assert answer["worker_pid"] != os.getpid()
    assert answer["database"] == ("postgresql" if backing.real else "sqlite")
    expected_transport = "redis" if backing.real else "filesystem"
    assert app.conf.broker_url.startswith(expected_transport)


def test_each_service_routes_its_own_tasks_to_its_own_queue(backing, monkeypatch):
    for name in SERVICES:
        app = client_app(name, backing, monkeypatch)

        assert app.conf.task_default_queue == name
        assert app.conf.task_routes == {f"{name}.*": {"queue": name}}
        assert app.conf.task_acks_late is True
        assert app.conf.task_reject_on_worker_lost is True
        assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
