"""Each service boots as a real web process and answers its health checks."""

import json
import re

import pytest
import requests

from tests.harness import SERVICES


@pytest.mark.parametrize("name", SERVICES)
def test_service_answers_healthz_and_readyz_with_every_dependency_ok(platform, backing, name):
    service = platform[name]

    assert requests.get(f"{service.url}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{service.url}/readyz", timeout=10)

    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"ok": True},
        "broker": {"ok": True},
        "cache": {"ok": True},
    }


@pytest.mark.parametrize("name", SERVICES)
def test_service_runs_on_the_configured_database(platform, backing, name):
    result = platform[name].manage(
        "shell", "-c", "from django.db import connection; print(connection.vendor)"
    )

    assert result.stdout.strip().splitlines()[-1] == ("postgresql" if backing.real else "sqlite")


@pytest.mark.parametrize("name", SERVICES)
def test_request_id_is_taken_from_the_caller_and_returned(platform, name):
    response = requests.get(
        f"{platform[name].url}/healthz", headers={"X-Request-ID": "trace-1234"}, timeout=5
    )

    assert response.headers["X-Request-ID"] == "trace-1234"


@pytest.mark.parametrize("name", ["subscriber_service", "newsletter_service"])
def test_api_docs_are_served_without_third_party_scripts(platform, name):
    schema = requests.get(f"{platform[name].url}/api/schema/", timeout=10)
    docs = requests.get(f"{platform[name].url}/api/docs/", timeout=10)

    assert schema.status_code == 200
    assert schema.text.startswith("openapi: 3.1")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert any("swagger-ui" in asset for asset in assets)
    assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets), assets


@pytest.mark.parametrize("name", SERVICES)
def test_log_lines_carry_the_request_id_and_the_service(platform, backing, name):
    service = platform[name]
    request_id = f"trace-{name}-log"

    requests.get(
        f"{service.url}/api/internal/whoami", headers={"X-Request-ID": request_id}, timeout=5
    )

    lines = [line for line in service.log("web").splitlines() if request_id in line]
    assert any("Unauthorized" in line for line in lines), lines
    if backing.real:  # production settings log JSON lines
        records = [json.loads(line) for line in lines if line.startswith("{")]
        assert any(
            record["correlation_id"] == request_id and record["service"] == name
            for record in records
        )
