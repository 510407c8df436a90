import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def client_with(token: str | None = None, scheme: str = "Bearer") -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    return client


def test_a_known_service_credential_identifies_its_client():
    response = client_with("newsletter-test-credential").get("/api/internal/whoami")

    assert response.status_code == 200
    assert response.json() == {"service": "platform_common_tests", "client": "newsletter_service"}


@pytest.mark.parametrize(
    ("token", "scheme"),
    [(None, "Bearer"), ("wrong", "Bearer"), ("", "Bearer"), ("cms-test-credential", "Token")],
)
def test_a_missing_wrong_or_malformed_credential_is_answered_401(token, scheme):
    response = client_with(token, scheme).get("/api/internal/whoami")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="service"'
    assert response.json()["status"] == 401


def test_a_known_client_not_listed_by_the_view_is_answered_403():
    allowed = client_with("cms-test-credential").get("/cms-only")
    refused = client_with("newsletter-test-credential").get("/cms-only")

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This client may not call this endpoint."


def test_a_logged_in_staff_user_is_not_a_service_client():
    user = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client = APIClient()
    client.force_authenticate(user)

    assert client.get("/api/internal/whoami").status_code == 403
