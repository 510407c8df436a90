from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from fake_mailchimp.server import FakeMailchimp
from tests.harness import (
    SERVICES,
    Backing,
    ServiceProcesses,
    base_environment,
    free_port,
    with_path,
)
from tests.mail_sink import MailSink

CMS_WEBHOOK_SECRET = secrets.token_urlsafe(32)

# Who may call whom: each pair has its own credential.
CALLERS = {
    "cms": ("newsletter_service",),
    "subscriber_service": ("newsletter_service",),
    "newsletter_service": ("cms",),
}


@pytest.fixture(scope="session")
def backing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backing]:
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        import redis

        # A database of its own, emptied first, so no stale task from an earlier run is met.
        redis_url = with_path(redis_url, f"/{os.environ.get('CROSS_SERVICE_REDIS_DB', '13')}")
        redis.Redis.from_url(redis_url).flushdb()
    backing = Backing(
        var_dir=tmp_path_factory.mktemp("var"),
        database_url=os.environ.get("DATABASE_URL", ""),
        redis_url=redis_url,
    )
    yield backing
    backing.drop_databases()


@pytest.fixture(scope="session")
def service_tokens() -> dict[tuple[str, str], str]:
    return {
        (caller, callee): secrets.token_urlsafe(32)
        for callee, callers in CALLERS.items()
        for caller in callers
    }


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """Where the services' emails go: a real SMTP server on 127.0.0.1."""
    sink = MailSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def mailchimp() -> Iterator[FakeMailchimp]:
    """The Mailchimp the services talk to: the fake, a real HTTP server on 127.0.0.1."""
    with FakeMailchimp() as fake:
        yield fake


def service_environment(
    name: str,
    backing: Backing,
    tokens: dict[tuple[str, str], str],
    ports: dict[str, int],
    *,
    mailchimp: FakeMailchimp,
    mail_sink: MailSink,
) -> dict[str, str]:
    env = base_environment(backing.var_dir)
    env.update(
        {
            "EMAIL_URL": mail_sink.url,
            "MAILCHIMP_API_KEY": mailchimp.api_key,
            "MAILCHIMP_SERVER_PREFIX": mailchimp.server_prefix,
            "MAILCHIMP_API_HOST": mailchimp.host,
            "MAILCHIMP_AUDIENCE_ID": mailchimp.list_id,
            "MAILCHIMP_TIMEOUT": "5",
            "MAILCHIMP_WEBHOOK_SECRET": "cross-service-webhook-secret",
            "SUBSCRIBER_SERVICE_PUBLIC_URL": f"http://127.0.0.1:{ports['subscriber_service']}",
            # A cheap proof of work: the tests solve it like a browser would.
            "ALTCHA_MAX_NUMBER": "2000",
            "OUTBOX_SWEEP_SECONDS": "5",
            # Calls between services: generous, for a small machine running everything.
            "CMS_TIMEOUT": "30",
            "SUBSCRIBER_SERVICE_TIMEOUT": "30",
            "NEWSLETTER_SERVICE_TIMEOUT": "30",
            # Publish events: the CMS signs them, the newsletter service verifies them.
            "CMS_WEBHOOK_ENDPOINTS": (
                f"newsletter_service=http://127.0.0.1:{ports['newsletter_service']}"
                f"/api/v1/cms-events/|{CMS_WEBHOOK_SECRET}"
            ),
            "CMS_WEBHOOK_SECRET": CMS_WEBHOOK_SECRET,
        }
    )
    env["DJANGO_SETTINGS_MODULE"] = f"{name}.settings.{backing.settings_flavour}"
    if backing.real:
        env["DATABASE_URL"] = backing.database_for(name)
        env["REDIS_URL"] = backing.redis_url
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["SERVICE_CLIENTS"] = ",".join(
        f"{caller}={tokens[(caller, name)]}" for caller in CALLERS[name]
    )
    for (caller, callee), token in tokens.items():
        if caller == name:
            env[f"{callee.upper()}_URL"] = f"http://127.0.0.1:{ports[callee]}"
            env[f"{callee.upper()}_TOKEN"] = token
    return env


@pytest.fixture(scope="session")
def platform(
    backing: Backing,
    service_tokens: dict[tuple[str, str], str],
    tmp_path_factory: pytest.TempPathFactory,
    mailchimp: FakeMailchimp,
    mail_sink: MailSink,
) -> Iterator[dict[str, ServiceProcesses]]:
    """The three services, migrated and running as gunicorn and Celery worker processes."""
    ports = {name: free_port() for name in SERVICES}
    log_dir = tmp_path_factory.mktemp("logs")
    services = {
        name: ServiceProcesses(
            name=name,
            env=service_environment(
                name,
                backing,
                service_tokens,
                ports,
                mailchimp=mailchimp,
                mail_sink=mail_sink,
            ),
            port=ports[name],
            log_dir=log_dir,
        )
        for name in SERVICES
    }
    try:
        for service in services.values():
            service.manage("migrate", "--noinput")
            if backing.real:  # production settings serve collected, hashed static files
                service.manage("collectstatic", "--noinput", "-v0")
            service.start_worker()
            service.start_web()
        yield services
    finally:
        for service in services.values():
            service.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """More time per test here than in the unit suites.

    The first test to use ``platform`` pays for starting three services with
    their migrations (and a test may load the CMS's demo content), which on a
    small, busy machine can take longer than the 300 s every other test gets.
    """
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(900))
