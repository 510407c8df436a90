import pytest
from django.core.exceptions import ImproperlyConfigured

from platform_common import conf
from platform_common.celery import celery_settings
from platform_common.production import production_settings


def test_without_variables_the_embedded_defaults_live_under_var(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MAILCHIMP_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    database = conf.database("svc")
    celery = celery_settings("svc")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "svc" / "db.sqlite3")
    assert conf.cache("svc")["BACKEND"].endswith("FileBasedCache")
    assert conf.email()["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert celery["CELERY_BROKER_URL"] == "filesystem://"
    assert celery["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"] == str(
        tmp_path / "svc" / "broker"
    )
    assert conf.mailchimp()["BACKEND"] == "local"


def test_with_variables_the_real_servers_are_used(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db:5432/subscribers")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/2")
    monkeypatch.delenv("TEST_DATABASE_PREFIX", raising=False)
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:pw@smtp.example.org:587")
    monkeypatch.setenv("MAILCHIMP_API_KEY", "abc123-us21")

    assert conf.database("svc")["ENGINE"] == "django.db.backends.postgresql"
    assert conf.database("svc")["TEST"] == {"NAME": "test_svc"}
    assert conf.cache("svc")["LOCATION"] == "redis://redis:6379/2"
    assert celery_settings("svc")["CELERY_BROKER_URL"] == "redis://redis:6379/2"
    assert conf.email()["EMAIL_HOST"] == "smtp.example.org"
    assert conf.email()["EMAIL_USE_TLS"] is True
    assert conf.mailchimp()["BACKEND"] == "mailchimp"
    assert conf.mailchimp()["SERVER_PREFIX"] == "us21"


def test_service_clients_are_read_as_name_token_pairs(monkeypatch):
    monkeypatch.setenv("SERVICE_CLIENTS", "cms=abc,newsletter_service=def,empty=")

    assert conf.service_clients() == {"cms": "abc", "newsletter_service": "def"}


def test_development_secret_key_is_made_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)

    first = conf.secret_key("svc", required=False)

    assert len(first) >= 50
    assert conf.secret_key("svc", required=False) == first
    assert (tmp_path / "svc" / "secret-key").stat().st_mode & 0o777 == 0o600


def test_production_settings_name_every_missing_variable(monkeypatch):
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(
        ImproperlyConfigured, match="SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL"
    ):
        production_settings("svc")


def test_a_test_database_prefix_keeps_two_checkouts_apart(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db:5432/subscribers")
    monkeypatch.setenv("TEST_DATABASE_PREFIX", "ci_")

    assert conf.database("svc")["TEST"] == {"NAME": "test_ci_svc"}
