"""Login attempt limits (django-axes), as the CMS uses them.

Axes counts failed sign-ins per username + client address in the cache and
locks that combination out for ``AXES_COOLOFF_TIME``. Its cache entries are
keyed by a hash of both, so they cannot be found from a username alone: this
module remembers, for the same time, from which addresses a username was
locked out, so that :func:`unlock` (``manage.py unlock_login USERNAME``) can lift
the lock without anyone having to find the address in a log.
"""

from __future__ import annotations

import hashlib
import logging

from axes.helpers import get_cache_timeout, get_cool_off
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.core.cache import caches
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Enough for any real lockout; bounds what an attacker rotating addresses can store.
MAX_REMEMBERED_ADDRESSES = 100


def _cache():
    return caches[getattr(settings, "AXES_CACHE", "default")]


def _key(username: str) -> str:
    return "accounts:locked-out:" + hashlib.sha256(username.encode()).hexdigest()


@receiver(user_locked_out, dispatch_uid="cms.accounts.remember_lockout")
def remember_lockout(sender, request, username, ip_address, **kwargs):
    if not username:
        return
    key = _key(username)
    addresses = [a for a in _cache().get(key, []) if a != ip_address]
    addresses = [*addresses, ip_address][-MAX_REMEMBERED_ADDRESSES:]
    _cache().set(key, addresses, timeout=get_cache_timeout(request))
    # The address is left out of the log on purpose (editors' whereabouts).
    logger.warning(
        "Sign-in locked for username %r after %d failed attempts; "
        "lift it with `manage.py unlock_login USERNAME`.",
        username,
        settings.AXES_FAILURE_LIMIT,
    )


def unlock(username: str, ip_address: str | None = None) -> int:
    """Lift the lockout of ``username`` (from one address, or from all); returns how many."""
    key = _key(username)
    remembered = _cache().get(key, [])
    addresses = [ip_address] if ip_address else remembered
    count = sum(reset(ip=address, username=username) for address in addresses)
    left = [a for a in remembered if a not in addresses]
    if left:
        _cache().set(key, left, timeout=get_cache_timeout())
    else:
        _cache().delete(key)
    return count


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the sign-in form while locked out (``AXES_LOCKOUT_CALLABLE``)."""
    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
