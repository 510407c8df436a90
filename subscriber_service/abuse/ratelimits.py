"""Signup rate limits per client network and per email address.

Fixed windows, counted in the default cache. With Redis there (production),
:func:`check_rate_limits` does it all in one round trip, a Lua script run by
a Redis client kept for the process: it marks the signup's proof-of-work
answer as used, then counts the network, then the address (a counter starts
its window with its first count and expires with it). Any other cache
backend counts with django-ratelimit's ``get_usage`` (``cache.add`` and
``cache.incr``), a round trip each. Neither django-ratelimit's decorator nor
its middleware is used: the limits apply only once a signup has passed the
cheaper checks, and the answer must be this service's problem details with
``Retry-After``. Its app is not installed either: its system check warns
(W001) about Django's own Redis backend, and production runs ``check --deploy
--fail-level WARNING``.

Neither an address nor an IP address is written to the cache: both are
replaced by a keyed hash first (django-ratelimit would only hash them with
plain SHA-256, which anyone can recompute for a guessed address).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from django_ratelimit.core import get_usage
from ipware import get_client_ip
from redis.exceptions import RedisError
from rest_framework.settings import api_settings

from subscriber_service.abuse import proof_of_work
from subscriber_service.abuse.exceptions import AbuseRejected, protection_unavailable

logger = logging.getLogger(__name__)

_HASH_SALT = "subscriber_service.abuse.ratelimits"


_CLIENT_IP_KEY = "subscriber_service.abuse.client_ip"


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, trusting as many proxies as DRF's ``NUM_PROXIES``.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``; addresses the client wrote there itself are ignored.
    Worked out once per request (kept in ``request.META``, which a DRF request
    shares with the Django request it wraps).
    """
    if _CLIENT_IP_KEY not in request.META:
        request.META[_CLIENT_IP_KEY] = _client_ip(request)
    return request.META[_CLIENT_IP_KEY]


def _client_ip(request: HttpRequest) -> str | None:
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


@dataclass(frozen=True)
class _Limit:
    group: str
    rate: str
    value: str


def check_rate_limits(
    request: HttpRequest,
    *,
    normalised_email: str,
    proof_of_work_answer: proof_of_work.CheckedAnswer | None = None,
) -> None:
    """Count this signup against both limits; raise a 429 when one is exceeded.

    With ``proof_of_work_answer``, the answer is marked as used first: a
    reused one is a 400 and counts nothing. The network is counted next, then
    the address: a flood from one network does not use up the allowance of the
    addresses it names.
    """
    limits = [
        _Limit(
            "signup:ip", settings.SIGNUP_RATE_PER_IP, keyed_hash("network", client_network(request))
        ),
        _Limit("signup:address", settings.SIGNUP_RATE_PER_ADDRESS, address_key(normalised_email)),
    ]
    limits = [limit for limit in limits if limit.rate]
    client = _redis_client()
    if client is None:
        if proof_of_work_answer is not None:
            proof_of_work.mark_used(proof_of_work_answer)
        for limit in limits:
            retry_after = _count(request, limit)
            if retry_after is not None:
                raise _refusal(limit.group, retry_after)
        return
    try:
        refused, retry_after = _count_in_redis(client, limits, proof_of_work_answer)
    except (RedisError, OSError):
        if not settings.SIGNUP_ABUSE_FAIL_OPEN:
            raise protection_unavailable() from None
        logger.warning("Signup limits not checked: the cache is unavailable")
        return
    if refused == "proof_of_work":
        raise proof_of_work.reused()
    if refused:
        logger.info("Signup refused: rate limit %s reached", refused)
        raise _refusal(refused, max(1, retry_after))


def _refusal(group: str, retry_after: int) -> AbuseRejected:
    if group == "signup:ip":
        return AbuseRejected(
            gettext("Too many signups from this network; try again in %(wait)s.")
            % {"wait": _wait_text(retry_after)},
            code="rate_limited_ip",
            status_code=429,
            retry_after=retry_after,
        )
    return AbuseRejected(
        gettext("Too many signups for this email address; try again in %(wait)s.")
        % {"wait": _wait_text(retry_after)},
        code="rate_limited_address",
        status_code=429,
        field="email",
        retry_after=retry_after,
    )


def _count(request: HttpRequest, limit: _Limit) -> int | None:
    """Count one use in any cache; the seconds until the window ends if over the limit."""
    try:
        usage = get_usage(
            request,
            group=limit.group,
            key=lambda _group, _request: limit.value,
            rate=limit.rate,
            increment=True,
        )
    except (RedisError, OSError):
        usage = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}
    if usage is None or not usage["should_limit"]:
        return None
    if usage["limit"] == 0 and usage["time_left"] < 0:
        # The cache could not count (django-ratelimit's answer, or an error above).
        if not settings.SIGNUP_ABUSE_FAIL_OPEN:
            raise protection_unavailable()
        logger.warning("Signup rate limit %s not checked: the cache is unavailable", limit.group)
        return None
    logger.info("Signup refused: rate limit %s reached", limit.group)
    return max(1, usage["time_left"])


# KEYS[1]: the proof-of-work answer's marker, set for ARGV[1] seconds (nothing when 0).
# KEYS[k] (k >= 2): a counter, its limit ARGV[2k-2] and window ARGV[2k-1] in seconds.
# Returns {1, 0} when the answer was used before (nothing is counted), {k, seconds
# left} when counter k is over its limit (the counters after it are left alone),
# {0, 0} when the signup may go on.
_COUNT_SCRIPT = """
local marker_ttl = tonumber(ARGV[1])
if marker_ttl > 0 and not redis.call('SET', KEYS[1], 1, 'NX', 'EX', marker_ttl) then
    return {1, 0}
end
for k = 2, #KEYS do
    local limit, window = tonumber(ARGV[2 * k - 2]), tonumber(ARGV[2 * k - 1])
    local count = redis.call('INCR', KEYS[k])
    local left = redis.call('TTL', KEYS[k])
    if left < 0 then
        redis.call('EXPIRE', KEYS[k], window)
        left = window
    end
    if count > limit then
        return {k, left}
    end
end
return {0, 0}
"""


def _count_in_redis(
    client: _RedisClient, limits: list[_Limit], answer: proof_of_work.CheckedAnswer | None
) -> tuple[str, int]:
    """One round trip: what refused the signup ("" for nothing) and the seconds to wait."""
    cache = caches[settings.RATELIMIT_USE_CACHE]
    keys = [cache.make_key(answer.cache_key if answer else proof_of_work.USED_PREFIX)]
    args: list[int] = [answer.ttl if answer else 0]
    for limit in limits:
        count, period = parse_rate(limit.rate)
        keys.append(
            cache.make_key(
                f"{settings.RATELIMIT_CACHE_PREFIX}{limit.group}:{count}/{period}s:{limit.value}"
            )
        )
        args += [count, period]
    refused, seconds = client.script(keys=keys, args=args)
    if refused == 0:
        return "", 0
    if refused == 1:
        return "proof_of_work", 0
    return limits[refused - 2].group, int(seconds)


_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/h"`` is (20, 3600); ``"100/6h"`` is (100, 21600)."""
    match = _RATE.fullmatch(rate.strip())
    if match is None:
        raise ImproperlyConfigured(f"A signup rate looks like 20/h or 100/6h, not {rate!r}.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


@dataclass(frozen=True)
class _RedisClient:
    connection: redis.Redis
    script: redis.commands.core.Script


_clients: dict[tuple, _RedisClient] = {}


def _redis_client() -> _RedisClient | None:
    """A client of the rate-limit cache's Redis, made once per process; None for other caches.

    Django's cache builds a new ``redis.Redis`` for every command, which
    costs more CPU than the command itself.
    """
    if not isinstance(caches[settings.RATELIMIT_USE_CACHE], RedisCache):
        return None
    config = settings.CACHES[settings.RATELIMIT_USE_CACHE]
    location = config["LOCATION"]
    if isinstance(location, str):
        location = location.split(",")
    # The first server is the one Django's cache writes to.
    url = location[0].strip()
    options = {
        key: value
        for key, value in config.get("OPTIONS", {}).items()
        if key not in ("serializer", "pool_class", "parser_class")
    }
    identity = (url, repr(sorted(options.items())))
    client = _clients.get(identity)
    if client is None:
        connection = redis.Redis(connection_pool=redis.ConnectionPool.from_url(url, **options))
        client = _RedisClient(connection, connection.register_script(_COUNT_SCRIPT))
        _clients[identity] = client
    return client


def _wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
