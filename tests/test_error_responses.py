"""Error answers of the real processes (production settings, PostgreSQL) reveal nothing.

Each service runs as the ``platform`` fixture starts it: gunicorn, production
settings with ``DEBUG`` off, its own secrets. Requests that fail in every way a
caller can make them fail (an unknown address, a method not allowed, a body
that is not JSON or is nested too deeply, a foreign Host header, a bad
credential) get a 4xx whose body holds no traceback, no file path, no setting
and no credential. Under ``/api/`` the answer is problem details.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import CMS_WEBHOOK_SECRET
from tests.harness import REPO_ROOT

JSON = {"Content-Type": "application/json"}
# (service, method, path, headers, body, status, problem details expected)
PROBES = [
    ("subscriber_service", "GET", "/api/v1/no-such-thing/", {}, None, 404, True),
    ("subscriber_service", "GET", "/no-such-page/", {}, None, 404, False),
    ("subscriber_service", "DELETE", "/api/v1/subscriptions/", {}, None, 405, True),
    ("subscriber_service", "POST", "/api/v1/subscriptions/", JSON, b"{not json", 400, True),
    ("subscriber_service", "POST", "/api/v1/subscriptions/", JSON, b"[" * 5000, 400, True),
    ("subscriber_service", "POST", "/api/v1/privacy/erase/", JSON, b'{"token": "x"}', 400, True),
    ("subscriber_service", "PATCH", "/api/v1/preferences/forged/", JSON, b"{}", 400, True),
    ("subscriber_service", "GET", "/api/internal/audience/", {}, None, 401, True),
    ("subscriber_service", "GET", "/confirm/forged/", {}, None, 400, False),
    ("newsletter_service", "GET", "/api/v1/no-such-thing/", {}, None, 404, True),
    ("newsletter_service", "GET", "/api/v1/campaigns/not-a-number/", {}, None, 404, True),
    ("newsletter_service", "GET", "/api/v1/cms-events/", {}, None, 405, True),
    ("newsletter_service", "POST", "/api/v1/cms-events/", JSON, b"{not json", 401, True),
    ("newsletter_service", "POST", "/api/v1/campaigns/", JSON, b"[" * 5000, 401, True),
    (
        "newsletter_service",
        "GET",
        "/api/v1/campaigns/",
        {"Authorization": "Bearer x"},
        None,
        401,
        True,
    ),
    ("cms", "GET", "/api/v2/pages/?limit=ten", {}, None, 400, True),
    ("cms", "GET", "/api/v2/pages/?colour=red", {}, None, 400, True),
    ("cms", "POST", "/api/v2/pages/", JSON, b"{}", 405, False),
    ("cms", "GET", "/no-such-page/", {}, None, 404, False),
    ("cms", "GET", "/api/v2/page_preview/?content_type=x&token=forged", {}, None, 400, False),
]
LEAK_MARKERS = ["Traceback", 'File "', "site-packages", '.py", line', "django.db", "psycopg"]


def secrets_of(service) -> list[str]:
    """Values no answer may contain: the service's own settings and every credential."""
    env = service.env
    values = [env.get("SECRET_KEY", ""), CMS_WEBHOOK_SECRET, env["MAILCHIMP_WEBHOOK_SECRET"]]
    values += [pair.split("=", 1)[1] for pair in env["SERVICE_CLIENTS"].split(",")]
    values += [value for key, value in env.items() if key.endswith("_TOKEN")]
    password = urlsplit(env.get("DATABASE_URL", "")).password
    return [value for value in [*values, password] if value]


@pytest.mark.parametrize(
    ("name", "method", "path", "headers", "body", "status", "problem"),
    PROBES,
    ids=[f"{name}-{method}-{path[:40]}" for name, method, path, *_ in PROBES],
)
def test_an_error_answer_holds_no_trace_path_setting_or_credential(
    platform, name, method, path, headers, body, status, problem
):
    service = platform[name]

    response = requests.request(
        method, f"{service.url}{path}", headers=headers, data=body, timeout=30
    )

    assert response.status_code == status, response.text[:300]
    text = response.text
    for marker in [*LEAK_MARKERS, str(REPO_ROOT)]:
        assert marker not in text, marker
    for value in secrets_of(service):
        assert value not in text
    if problem:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status


@pytest.mark.parametrize("name", ["cms", "subscriber_service", "newsletter_service"])
def test_a_host_that_is_not_allowed_is_refused_without_naming_the_allowed_ones(platform, name):
    service = platform[name]

    response = requests.get(
        f"{service.url}/api/v1/anything/", headers={"Host": "evil.example"}, timeout=30
    )

    assert response.status_code == 400
    assert "evil.example" not in response.text
    assert "ALLOWED_HOSTS" not in response.text
    assert "127.0.0.1" not in response.text
