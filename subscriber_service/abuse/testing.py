"""Helpers for tests of views protected by :func:`~subscriber_service.abuse.guard.signup_guard`."""

from __future__ import annotations

from altcha import PayloadV1, solve_challenge_v1

from subscriber_service.abuse.proof_of_work import create_challenge


def solved_proof_of_work() -> str:
    """A fresh challenge solved with the altcha package: the ``altcha`` field of a signup.

    Cheap under test settings (``ALTCHA_MAX_NUMBER`` is small there).
    """
    challenge = create_challenge()
    solution = solve_challenge_v1(challenge)
    if solution is None:
        raise AssertionError("the altcha solver found no number for a fresh challenge")
    return PayloadV1(
        algorithm=challenge.algorithm,
        challenge=challenge.challenge,
        number=solution.number,
        salt=challenge.salt,
        signature=challenge.signature,
    ).to_base64()
