"""Signup rate limits per client network and per email address.

Counting is django-ratelimit's ``get_usage`` (fixed windows, counted with
``cache.add``/``cache.incr`` in the default cache: Redis in production). Its
decorator and middleware are not used: the limits apply only once a signup has
passed the cheaper checks, and the answer must be this service's problem
details with ``Retry-After``. Its app is not installed either: its system check
warns (W001) about Django's own Redis backend, and production runs
``check --deploy --fail-level WARNING``.

Neither an address nor an IP address is written to the cache: both are
replaced by a keyed hash first (django-ratelimit would only hash them with
plain SHA-256, which anyone can recompute for a guessed address).
"""

from __future__ import annotations

import ipaddress
import logging
import math

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from django_ratelimit.core import get_usage
from ipware import get_client_ip
from redis.exceptions import RedisError
from rest_framework.settings import api_settings

from subscriber_service.abuse.exceptions import AbuseRejected, protection_unavailable

logger = logging.getLogger(__name__)

_HASH_SALT = "subscriber_service.abuse.ratelimits"


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, trusting as many proxies as DRF's ``NUM_PROXIES``.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``; addresses the client wrote there itself are ignored.
    """
    proxies = api_settings.NUM_PROXIES or 0
    if proxies > 0:
        # The outermost proxy's entry is the proxies-th from the right.
        ip, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
            strict=False,
        )
        if ip:
            return ip
    ip, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return ip


def client_network(request: HttpRequest) -> str:
    """The client's address, or for IPv6 its network, as counted by the per-IP limit."""
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        prefix = settings.SIGNUP_IPV6_PREFIX_LENGTH
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    return str(address)


def address_key(normalised_email: str) -> str:
    """A keyed hash of an address, for counting it without storing it."""
    return keyed_hash("address", normalised_email)


def keyed_hash(kind: str, value: str) -> str:
    return salted_hmac(f"{_HASH_SALT}.{kind}", value, algorithm="sha256").hexdigest()


def check_rate_limits(request: HttpRequest, *, normalised_email: str) -> None:
    """Count this signup against both limits; raise a 429 when one is exceeded.

    The network is counted first: a flood from one network does not use up the
    allowance of the addresses it names.
    """
    retry_after = _count(
        request,
        group="signup:ip",
        rate=settings.SIGNUP_RATE_PER_IP,
        value=keyed_hash("network", client_network(request)),
    )
    if retry_after is not None:
        raise AbuseRejected(
            gettext("Too many signups from this network; try again in %(wait)s.")
            % {"wait": _wait_text(retry_after)},
            code="rate_limited_ip",
            status_code=429,
            retry_after=retry_after,
        )
    retry_after = _count(
        request,
        group="signup:address",
        rate=settings.SIGNUP_RATE_PER_ADDRESS,
        value=address_key(normalised_email),
    )
    if retry_after is not None:
        raise AbuseRejected(
            gettext("Too many signups for this email address; try again in %(wait)s.")
            % {"wait": _wait_text(retry_after)},
            code="rate_limited_address",
            status_code=429,
            field="email",
            retry_after=retry_after,
        )


def _count(request: HttpRequest, *, group: str, rate: str, value: str) -> int | None:
    """Count one use; the seconds until the window ends if the limit is exceeded, else None."""
    if not rate:
        return None
    try:
        usage = get_usage(
            request, group=group, key=lambda _group, _request: value, rate=rate, increment=True
        )
    except (RedisError, OSError):
        usage = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}
    if usage is None or not usage["should_limit"]:
        return None
    if usage["limit"] == 0 and usage["time_left"] < 0:
        # The cache could not count (django-ratelimit's answer, or an error above).
        if not settings.SIGNUP_ABUSE_FAIL_OPEN:
            raise protection_unavailable()
        logger.warning("Signup rate limit %s not checked: the cache is unavailable", group)
        return None
    logger.info("Signup refused: rate limit %s reached", group)
    return max(1, usage["time_left"])


def _wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
