import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/database-error", "/database-error-page"])
def test_an_unreachable_database_is_a_503_problem_with_retry_after_and_no_details(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The service's database cannot be reached; try again shortly.",
    }
    assert b"10.0.0.5" not in response.content
    assert b"Traceback" not in response.content


def test_other_database_errors_stay_server_errors():
    response = Client(raise_request_exception=False).get("/database-error?error=integrity")

    assert response.status_code == 500
    assert b"duplicate key" not in response.content
