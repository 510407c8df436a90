"""The one entry point of signup views: :func:`signup_guard`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from subscriber_service.abuse import checks, proof_of_work, ratelimits
from subscriber_service.abuse.forms import FORM_STARTED_FIELD, issue_form_started


def signup_guard(
    request: HttpRequest,
    *,
    email: str,
    data: Mapping[str, Any],
    require_proof_of_work: bool = True,
    require_form_timing: bool = False,
) -> None:
    """Refuse an abusive signup with :class:`~subscriber_service.abuse.exceptions.AbuseRejected`.

    Checks run cheapest first and stop at the first failure: request size
    (413), honeypot, form fill time, email syntax and domain, proof of work
    (400), then the rate limits per network and per address (429 with
    ``retry_after``), so refused requests do not use up anyone's allowance.

    ``data`` is the submitted form or JSON body. The fill time is checked when
    ``data`` has a ``form_started`` token, and required when
    ``require_form_timing`` is true (hosted and embedded forms, which always
    render one); the JSON API for external sites leaves it false. The proof of
    work is required unless the caller passes ``require_proof_of_work=False``
    or ``SIGNUP_PROOF_OF_WORK_REQUIRED`` is off.
    """
    checks.check_request_size(request)
    checks.check_honeypot(data)
    checks.check_fill_time(data, required=require_form_timing)
    normalised_email = checks.check_email(email)
    answer = None
    if require_proof_of_work and settings.SIGNUP_PROOF_OF_WORK_REQUIRED:
        answer = proof_of_work.check_proof_of_work(data.get(proof_of_work.FIELD))
    # Marks the answer as used, then counts: one Redis round trip.
    ratelimits.check_rate_limits(
        request, normalised_email=normalised_email, proof_of_work_answer=answer
    )


def signup_form_context(request: HttpRequest) -> dict[str, Any]:
    """What a hosted signup form renders (see ``abuse/signup_protection_fields.html``).

    ``challenge_url`` goes into the form's ``data-pow-challenge-url`` attribute
    and ``pow_script_url`` into a ``<script defer>``; the rest names and fills
    the hidden fields.
    """
    return {
        "challenge_url": reverse("abuse-challenge"),
        "pow_script_url": static("abuse/pow.js"),
        "proof_of_work_required": settings.SIGNUP_PROOF_OF_WORK_REQUIRED,
        "proof_of_work_field": proof_of_work.FIELD,
        "form_started_field": FORM_STARTED_FIELD,
        "form_started": issue_form_started(),
        "honeypot_field": settings.SIGNUP_HONEYPOT_FIELD,
    }
