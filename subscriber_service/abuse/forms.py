"""What a hosted or embedded signup form carries besides the supporter's answers.

- ``form_started``: when the form was rendered, signed, so that a form filled
  faster than a person could is refused (and a stale or altered one too);
- a honeypot: a text input hidden from people (``hidden`` wrapper, out of the
  tab order and the accessibility tree) that bots fill in;
- ``altcha``: the proof-of-work solution, filled in by ``abuse/pow.js``.

Templates include ``abuse/signup_protection_fields.html`` inside the form with
the context of :func:`subscriber_service.abuse.guard.signup_form_context`.
"""

from __future__ import annotations

import time

from django.core import signing

FORM_STARTED_FIELD = "form_started"
_FORM_STARTED_SALT = "subscriber_service.abuse.form_started"


def issue_form_started() -> str:
    """A signed token recording now as the moment the form was rendered."""
    return signing.dumps({"t": time.time()}, salt=_FORM_STARTED_SALT, compress=False)


def form_started_age(token: str, *, max_age: float) -> float:
    """Seconds since ``token`` was issued.

    Raises ``signing.SignatureExpired`` past ``max_age`` and ``signing.BadSignature``
    for anything not issued by :func:`issue_form_started`.
    """
    data = signing.loads(token, salt=_FORM_STARTED_SALT, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("t"), int | float):
        raise signing.BadSignature("form_started carries no time")
    return time.time() - data["t"]
