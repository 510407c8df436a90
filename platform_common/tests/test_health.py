import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_broker_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": {"ok": True},
        "broker": {"ok": True},
        "cache": {"ok": True},
    }


def test_readyz_names_a_cache_that_cannot_be_reached(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"]["error"].startswith("ConnectionError")


def test_readyz_refuses_other_methods(client):
    assert client.post("/readyz").status_code == 405
