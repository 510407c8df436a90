"""The CORS allow-list of the public API: listed sites may call it from a browser, no others."""

import pytest

from subscriber_service.abuse.testing import solved_proof_of_work

pytestmark = pytest.mark.django_db

ALLOWED = "https://partner.example.org"


@pytest.fixture(autouse=True)
def allow_list(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def signup(client, origin):
    body = {
        "email": "reader@rights.org",
        "interests": ["monitor"],
        "consent": True,
        "altcha": solved_proof_of_work(),
    }
    return client.post(
        "/api/v1/subscriptions/", body, content_type="application/json", HTTP_ORIGIN=origin
    )


def preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


def test_a_listed_site_may_sign_people_up_from_a_browser_without_credentials(client):
    allowed = preflight(client, "/api/v1/subscriptions/", ALLOWED)
    response = signup(client, ALLOWED)

    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in allowed["Access-Control-Allow-Methods"]
    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in response


def test_another_site_gets_no_cors_permission(client):
    refused = preflight(client, "/api/v1/subscriptions/", "https://evil.example")
    response = signup(client, "https://evil.example")

    assert "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/subscribe/", "/api/internal/audience/", "/admin/login/"])
def test_only_the_public_api_answers_cross_origin_requests(client, path):
    response = client.get(path, HTTP_ORIGIN=ALLOWED)

    assert "Access-Control-Allow-Origin" not in response
