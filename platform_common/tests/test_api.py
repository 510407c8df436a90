import json

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from rest_framework.test import APIClient

from platform_common import api


def test_invalid_input_is_answered_with_problem_details_naming_the_field():
    response = APIClient().post("/echo", {"email": "not an address"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Bad Request"
    assert body["status"] == 400
    assert list(body["errors"]) == ["email"]


def test_a_broken_business_rule_is_answered_with_its_message():
    response = APIClient().post("/echo", {"email": "someone@blocked.example"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "type": "about:blank",
        "title": "Request cannot be processed",
        "status": 400,
        "detail": "This address cannot be used.",
        "field": "email",
    }


def test_valid_input_passes_through():
    response = APIClient().post("/echo", {"email": "a@example.org"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"email": "a@example.org"}


def test_a_throttled_request_is_answered_with_problem_details_and_retry_after():
    response = APIClient().get("/throttled")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "42"
    assert response.json()["title"] == "Too Many Requests"


def test_json_nested_deeper_than_python_decodes_is_a_400_not_a_crash():
    # Found by the hostile-input tests: json raises RecursionError, which DRF let through.
    client = APIClient(raise_request_exception=False)

    response = client.generic("POST", "/echo", "[" * 5000, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "JSON parse error - the document is nested too deeply."


def test_a_body_over_the_upload_limit_is_a_413_naming_the_limit(settings):
    # Was Django's HTML "Bad Request (400)" page, which names nothing.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient(raise_request_exception=False)

    response = client.post("/echo", {"email": "a@example.org", "pad": "x" * 2000}, format="json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "The request body is too large: at most 1000 bytes are accepted."
    )


@pytest.mark.parametrize(
    ("handler", "status", "args"),
    [
        (api.bad_request, 400, (SuspiciousOperation("refused"),)),
        (api.not_found, 404, (Http404("no route"),)),
        (api.server_error, 500, ()),
    ],
)
def test_django_error_pages_under_api_are_problem_details_and_name_no_internals(
    rf, handler, status, args
):
    response = handler(rf.get("/api/v1/nothing-here/"), *args)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    assert "refused" not in body["detail"] and "no route" not in body["detail"]


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        (api.bad_request, (SuspiciousOperation("refused"),)),
        (api.not_found, (Http404("no route"),)),
        (api.server_error, ()),
    ],
)
def test_django_error_pages_elsewhere_stay_html(rf, handler, args):
    response = handler(rf.get("/admin/nothing-here/"), *args)

    assert response["Content-Type"].startswith("text/html")
