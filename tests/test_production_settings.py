"""Production settings pass Django's deployment checks and refuse to start half-configured."""

import secrets
import subprocess
import sys

import pytest

from tests.harness import REPO_ROOT, SERVICES, base_environment


def production_env(tmp_path, **overrides):
    env = base_environment(tmp_path)
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "cms.example.org",
            "DATABASE_URL": "postgres://app@db.internal:5432/app",
            "REDIS_URL": "redis://redis.internal:6379/0",
        }
    )
    env.pop("SECURE_SSL_REDIRECT")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(name, env, *args):
    return subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / name / "manage.py"),
            *args,
            "--settings",
            f"{name}.settings.production",
        ],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", SERVICES)
def test_production_settings_pass_the_deployment_checks(name, tmp_path):
    result = manage(name, production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without_a_required_variable(name, missing, tmp_path):
    result = manage(name, production_env(tmp_path, **{missing: None}), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_production_settings_refuse_a_short_secret_key(name, tmp_path):
    result = manage(name, production_env(tmp_path, SECRET_KEY="changeme"), "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50" in result.stderr
