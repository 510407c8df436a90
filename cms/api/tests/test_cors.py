import pytest

pytestmark = pytest.mark.django_db

ALLOWED = "https://partner.example.org"


@pytest.fixture(autouse=True)
def allow_list(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def test_an_allowed_site_may_read_the_content_api(client):
    response = client.get("/api/v2/pages/", HTTP_HOST="localhost", HTTP_ORIGIN=ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in response


def test_another_site_gets_no_cors_permission(client):
    response = client.get(
        "/api/v2/pages/", HTTP_HOST="localhost", HTTP_ORIGIN="https://evil.example"
    )

    assert "Access-Control-Allow-Origin" not in response


def test_only_the_content_api_answers_cross_origin_requests(client):
    response = client.get("/admin/login/", HTTP_HOST="localhost", HTTP_ORIGIN=ALLOWED)

    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_allows_reading_only(client):
    response = client.options(
        "/api/v2/pages/",
        HTTP_HOST="localhost",
        HTTP_ORIGIN=ALLOWED,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
