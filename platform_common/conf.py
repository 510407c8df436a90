"""Settings read from the environment, with embedded defaults.

Every service builds its Django settings from these helpers so that the same
variables mean the same thing everywhere. When a variable is unset, the
platform falls back to something that needs no other server (SQLite under
``var/``, a filesystem Celery broker, file-based cache and email): good for a
laptop demo, never for production. Production settings refuse to start
without the variables that matter (see ``platform_common.production``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import environ

REPO_ROOT = Path(__file__).resolve().parent.parent

env = environ.Env()


def var_dir() -> Path:
    """The git-ignored folder where embedded defaults keep their files."""
    path = Path(env.str("VAR_DIR", default=str(REPO_ROOT / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def service_var_dir(service: str, *parts: str) -> Path:
    path = var_dir().joinpath(service, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(service: str, *, required: bool) -> str:
    """``SECRET_KEY`` from the environment.

    In development a random key is generated once and kept under ``var/`` so
    that sessions survive restarts; production (``required=True``) refuses to
    start without one.
    """
    if required:
        return env.str("SECRET_KEY")
    if value := env.str("SECRET_KEY", default=""):
        return value
    key_file = service_var_dir(service) / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(service: str) -> dict[str, Any]:
    """``DATABASE_URL``, or an SQLite file under ``var/``."""
    if env.str("DATABASE_URL", default=""):
        config = env.db_url("DATABASE_URL")
    else:
        config = env.db_url_config(f"sqlite:///{service_var_dir(service) / 'db.sqlite3'}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several processes (web, worker, beat) share the file in the demo.
        config.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    else:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
        # Each service gets its own test database, so the three suites can
        # share one server without stepping on each other (SQLite tests run in memory).
        # TEST_DATABASE_PREFIX keeps two checkouts' runs apart on one server.
        prefix = env.str("TEST_DATABASE_PREFIX", default="")
        config["TEST"] = {"NAME": f"test_{prefix}{service}"}
    return config


def static_root(service: str) -> str:
    """``STATIC_ROOT``, or ``var/<service>/static`` (made now, so WhiteNoise finds it)."""
    if value := env.str("STATIC_ROOT", default=""):
        return value
    return str(service_var_dir(service, "static"))


def redis_url() -> str:
    return env.str("REDIS_URL", default="")


def cache(service: str) -> dict[str, Any]:
    """Redis when ``REDIS_URL`` is set, else a file cache shared by local processes."""
    if url := redis_url():
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": service,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(service_var_dir(service, "cache")),
        "KEY_PREFIX": service,
    }


def email() -> dict[str, Any]:
    """``EMAIL_URL`` (smtp://, smtp+tls://), or ``.eml`` files under ``var/<service>/mail``."""
    common = {"DEFAULT_FROM_EMAIL": env.str("DEFAULT_FROM_EMAIL", default="no-reply@localhost")}
    if url := env.str("EMAIL_URL", default=""):
        return {**common, **environ.Env.email_url_config(url)}
    return {
        **common,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(service_var_dir("mail")),
    }


def service_clients() -> dict[str, str]:
    """Who may call this service: ``SERVICE_CLIENTS="cms=token1,newsletter_service=token2"``."""
    clients = env.dict("SERVICE_CLIENTS", default={})
    return {name: token for name, token in clients.items() if token}


def remote_service(name: str) -> dict[str, Any]:
    """URL and credential this service uses to call another one.

    ``CMS_URL`` / ``CMS_TOKEN``, ``SUBSCRIBER_SERVICE_URL`` / ``SUBSCRIBER_SERVICE_TOKEN``...
    """
    prefix = name.upper()
    defaults = {"cms": 8000, "subscriber_service": 8001, "newsletter_service": 8002}
    return {
        "url": env.str(f"{prefix}_URL", default=f"http://127.0.0.1:{defaults[name]}"),
        "token": env.str(f"{prefix}_TOKEN", default=""),
        "timeout": env.float(f"{prefix}_TIMEOUT", default=5.0),
    }


def mailchimp() -> dict[str, Any]:
    """Mailchimp settings; with no API key the local stand-in records calls under ``var/``."""
    api_key = env.str("MAILCHIMP_API_KEY", default="")
    server = env.str("MAILCHIMP_SERVER_PREFIX", default="")
    if api_key and not server and "-" in api_key:
        server = api_key.rsplit("-", 1)[1]
    return {
        "BACKEND": env.str("MAILCHIMP_BACKEND", default="mailchimp" if api_key else "local"),
        "API_KEY": api_key,
        "SERVER_PREFIX": server,
        "AUDIENCE_ID": env.str("MAILCHIMP_AUDIENCE_ID", default=""),
        # Only for tests against a fake Mailchimp on 127.0.0.1.
        "API_HOST": env.str("MAILCHIMP_API_HOST", default=""),
        "TIMEOUT": env.float("MAILCHIMP_TIMEOUT", default=10.0),
        # Mailchimp allows 10 simultaneous connections per account, whoever opens them.
        "MAX_CONNECTIONS": env.int("MAILCHIMP_MAX_CONNECTIONS", default=10),
        "LOCAL_OUTBOX": str(service_var_dir("mailchimp")),
    }
