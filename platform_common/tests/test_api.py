from rest_framework.test import APIClient


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
