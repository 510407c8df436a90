import pytest
import redis
from django.core.cache import cache
from rest_framework.test import APIClient

from platform_common import conf
from subscriber_service.abuse.testing import solved_proof_of_work


@pytest.fixture(autouse=True)
def empty_cache():
    """Counters and used challenges of one test must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_client():
    """The Redis database behind the cache (these tests need REDIS_URL)."""
    url = conf.redis_url()
    assert url, "set REDIS_URL: rate limits are tested against a real Redis"
    client = redis.Redis.from_url(url)
    yield client
    client.close()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def guarded_urls(settings):
    settings.ROOT_URLCONF = "subscriber_service.abuse.tests.urls"


@pytest.fixture
def signup(api):
    """POST a signup to the guarded JSON endpoint, with a fresh proof of work."""

    def post(email, *, ip="203.0.113.7", forwarded_for=None, hosted=False, **fields):
        data = {"email": email, "altcha": solved_proof_of_work(), **fields}
        meta = {"REMOTE_ADDR": ip}
        if forwarded_for:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
        url = "/test/signup/?hosted=1" if hosted else "/test/signup/"
        return api.post(url, data, format="json", **meta)

    return post
