"""Signed, expiring, single-purpose tokens for the links in emails.

A token names one subscriber (by public id, never by address or primary
key) or one privacy request, and one purpose; the purpose is part of the
signing salt, so a preference link cannot be used to confirm or to erase.
Tokens expire (``SUBSCRIPTIONS["TOKEN_MAX_AGE"]``); privacy links also work
only once, which :mod:`.services` enforces with the request's state.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.core import signing

Purpose = Literal["confirm", "manage", "privacy"]


class InvalidToken(Exception):
    """The link was altered, made for another purpose, or is not from us."""


class ExpiredToken(InvalidToken):
    """The link was ours but is too old."""


def make_token(purpose: Purpose, subject: str) -> str:
    return signing.dumps({"s": subject}, salt=f"subscriber_service.{purpose}", compress=False)


def read_token(purpose: Purpose, token: str) -> str:
    max_age = settings.SUBSCRIPTIONS["TOKEN_MAX_AGE"][purpose]
    try:
        value = signing.loads(token, salt=f"subscriber_service.{purpose}", max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken("This link has expired.") from error
    except signing.BadSignature as error:
        raise InvalidToken("This link is not valid.") from error
    if not isinstance(value, dict) or not isinstance(value.get("s"), str):
        raise InvalidToken("This link is not valid.")
    return value["s"]
