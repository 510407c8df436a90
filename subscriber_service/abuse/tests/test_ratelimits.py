import hashlib
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from subscriber_service.abuse.ratelimits import _wait_text, client_ip, client_network, parse_rate
from subscriber_service.abuse.testing import solved_proof_of_work

pytestmark = pytest.mark.usefixtures("redis_client")

ADDRESS = "Defender.Friend@Example.org"


def test_reaching_the_per_ip_limit_answers_429_with_retry_after_and_the_next_ip_still_passes(
    settings, signup
):
    settings.SIGNUP_RATE_PER_IP = "3/h"
    for number in range(3):
        assert signup(f"reader{number}@example.org", ip="203.0.113.7").status_code == 202

    refused = signup("reader3@example.org", ip="203.0.113.7")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 3600
    body = refused.json()
    assert body["title"] == "Too Many Requests"
    assert body["code"] == "rate_limited_ip"
    assert body["retry_after"] == retry_after
    minutes = -(-retry_after // 60)
    unit = "minute" if minutes == 1 else "minutes"
    assert body["detail"] == (f"Too many signups from this network; try again in {minutes} {unit}.")
    assert signup("reader3@example.org", ip="203.0.113.8").status_code == 202


def test_the_per_address_limit_counts_one_address_from_every_network(settings, signup):
    settings.SIGNUP_RATE_PER_ADDRESS = "2/h"
    assert signup("ana@bücher.de", ip="198.51.100.1").status_code == 202
    assert signup("ANA@xn--bcher-kva.de", ip="198.51.100.2").status_code == 202

    refused = signup(" Ana@Bücher.de ", ip="198.51.100.3")

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited_address"
    assert refused.json()["field"] == "email"
    assert refused.json()["detail"].startswith("Too many signups for this email address;")
    assert int(refused["Retry-After"]) >= 1
    assert signup("someone.else@bücher.de", ip="198.51.100.3").status_code == 202


def test_a_refused_request_does_not_use_up_the_allowance(settings, signup):
    settings.SIGNUP_RATE_PER_IP = "1/h"
    assert signup("reader@mailinator.com").status_code == 400

    assert signup("reader@example.org").status_code == 202


def test_neither_the_address_nor_its_plain_hashes_appear_in_cache_keys_or_logs(
    settings, signup, redis_client, caplog
):
    settings.SIGNUP_RATE_PER_ADDRESS = "1/h"
    caplog.set_level(logging.DEBUG)
    assert signup(ADDRESS).status_code == 202
    assert signup(ADDRESS).status_code == 429

    keys = [key.decode() for key in redis_client.scan_iter(count=1000)]
    assert any("signup-rl:" in key for key in keys), keys
    normalised = ADDRESS.lower()
    forbidden = [
        normalised,
        "defender.friend",
        hashlib.md5(normalised.encode()).hexdigest(),  # noqa: S324 -- what Mailchimp ids are
        hashlib.sha256(normalised.encode()).hexdigest(),
    ]
    values = [redis_client.get(key) for key in keys]
    for text in forbidden:
        assert not [key for key in keys if text in key.lower()]
        assert not [value for value in values if value and text.encode() in value.lower()]
        assert text not in caplog.text.lower()


def test_with_one_trusted_proxy_the_limit_counts_the_address_it_appended(settings, signup):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.SIGNUP_RATE_PER_IP = "1/h"
    proxy = "10.0.0.5"
    assert signup("a@example.org", ip=proxy, forwarded_for="1.1.1.1, 192.0.2.44").status_code == 202

    # What the client wrote before the proxy's entry changes nothing.
    spoofed = signup("b@example.org", ip=proxy, forwarded_for="8.8.8.8, 192.0.2.44")

    assert spoofed.status_code == 429
    assert signup("c@example.org", ip=proxy, forwarded_for="192.0.2.45").status_code == 202


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    request = RequestFactory().post(
        "/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="198.51.100.77"
    )

    assert client_ip(request) == "192.0.2.9"


def test_ipv6_clients_are_counted_per_64_network(settings):
    settings.SIGNUP_IPV6_PREFIX_LENGTH = 64
    first = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2::10")
    neighbour = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    elsewhere = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:3::10")

    assert client_network(first) == client_network(neighbour) == "2001:db8:1:2::/64"
    assert client_network(elsewhere) != client_network(first)


def test_waits_are_told_in_minutes_up_to_an_hour_and_a_half_then_in_hours():
    assert _wait_text(1) == "1 minute"
    assert _wait_text(40 * 60 - 5) == "40 minutes"
    assert _wait_text(90 * 60) == "90 minutes"
    assert _wait_text(5 * 3600 - 100) == "5 hours"


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }


def test_signups_go_through_when_the_cache_is_down_and_failing_open_is_on(
    settings, signup, unreachable_cache
):
    settings.SIGNUP_ABUSE_FAIL_OPEN = True

    assert signup("a@example.org").status_code == 202


def test_signups_are_paused_with_503_when_the_cache_is_down_and_failing_open_is_off(
    settings, signup, unreachable_cache
):
    settings.SIGNUP_ABUSE_FAIL_OPEN = False

    response = signup("a@example.org")

    assert response.status_code == 503
    assert response.json()["code"] == "protection_unavailable"
    assert response["Retry-After"] == "60"


def test_a_reused_proof_of_work_answer_counts_against_no_limit(settings, signup):
    settings.SIGNUP_RATE_PER_IP = "2/h"
    payload = solved_proof_of_work()
    assert signup("a@example.org", altcha=payload).status_code == 202

    reused = signup("b@example.org", altcha=payload)

    assert reused.status_code == 400
    assert reused.json()["code"] == "proof_of_work_reused"
    assert signup("c@example.org").status_code == 202
    assert signup("d@example.org").status_code == 429


def test_each_counter_and_the_used_answer_expire_with_their_window(settings, signup, redis_client):
    settings.SIGNUP_RATE_PER_IP = "20/h"
    settings.SIGNUP_RATE_PER_ADDRESS = "5/10m"

    assert signup("window@example.org").status_code == 202

    ttls = {
        key.decode(): redis_client.ttl(key)
        for key in redis_client.scan_iter(count=1000)
        if b"signup-rl:" in key or b"altcha-used" in key
    }
    network = [ttl for key, ttl in ttls.items() if "signup:ip:20/3600s" in key]
    address = [ttl for key, ttl in ttls.items() if "signup:address:5/600s" in key]
    used = [ttl for key, ttl in ttls.items() if "altcha-used" in key]
    assert len(network) == len(address) == len(used) == 1, ttls
    assert 3500 < network[0] <= 3600
    assert 500 < address[0] <= 600
    assert 0 < used[0] <= settings.ALTCHA_EXPIRY_SECONDS + 1


def test_rates_are_read_as_a_count_per_period():
    assert parse_rate("20/h") == (20, 3600)
    assert parse_rate("100/6h") == (100, 21600)
    assert parse_rate("5/30s") == (5, 30)
    with pytest.raises(ImproperlyConfigured):
        parse_rate("20 per hour")


@pytest.fixture
def local_memory_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def test_without_redis_the_cache_counts_and_remembers_used_answers_too(
    settings, signup, local_memory_cache
):
    settings.SIGNUP_RATE_PER_IP = "2/h"
    payload = solved_proof_of_work()
    assert signup("a@example.org", altcha=payload).status_code == 202
    reused = signup("b@example.org", altcha=payload)
    assert reused.json()["code"] == "proof_of_work_reused"

    assert signup("c@example.org").status_code == 202
    refused = signup("d@example.org")

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited_ip"
