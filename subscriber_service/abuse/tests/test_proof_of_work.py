import base64
import datetime
import json
import time
from urllib.parse import parse_qs

import pytest
from altcha import ChallengeV1, PayloadV1, create_challenge_v1, solve_challenge_v1
from rest_framework.test import APIClient

from subscriber_service.abuse.exceptions import AbuseRejected
from subscriber_service.abuse.proof_of_work import hmac_key, verify_proof_of_work
from subscriber_service.abuse.testing import solved_proof_of_work


def payload_for(challenge: ChallengeV1, number: int) -> str:
    return PayloadV1(
        algorithm=challenge.algorithm,
        challenge=challenge.challenge,
        number=number,
        salt=challenge.salt,
        signature=challenge.signature,
    ).to_base64()


def challenge_from_json(data: dict) -> ChallengeV1:
    return ChallengeV1(
        data["algorithm"], data["challenge"], data["maxnumber"], data["salt"], data["signature"]
    )


def refusal(payload) -> AbuseRejected:
    with pytest.raises(AbuseRejected) as refused:
        verify_proof_of_work(payload)
    assert refused.value.status_code == 400
    assert refused.value.field == "altcha"
    return refused.value


def test_the_challenge_endpoint_answers_an_altcha_challenge_to_anyone(settings):
    settings.ROOT_URLCONF = "subscriber_service.urls"
    settings.ALTCHA_MAX_NUMBER = 5000
    settings.ALTCHA_EXPIRY_SECONDS = 300

    response = APIClient().get("/api/v1/challenge/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert data["algorithm"] == "SHA-256"
    assert data["maxnumber"] == 5000
    assert len(data["challenge"]) == len(data["signature"]) == 64
    expires = int(parse_qs(data["salt"].split("?", 1)[1])["expires"][0])
    assert time.time() + 290 < expires <= time.time() + 301
    assert APIClient().get("/api/v1/challenge/").json()["salt"] != data["salt"]


def test_a_challenge_from_the_endpoint_solved_by_the_altcha_solver_passes_once():
    data = APIClient().get("/api/v1/challenge/").json()
    challenge = challenge_from_json(data)
    solution = solve_challenge_v1(challenge)
    payload = payload_for(challenge, solution.number)

    verify_proof_of_work(payload)

    reused = refusal(payload)
    assert reused.code == "proof_of_work_reused"
    assert reused.detail == (
        "This proof-of-work answer has already been used; reload the page and try again."
    )


def test_a_reused_solution_is_refused_through_the_api(api):
    payload = solved_proof_of_work()
    first = api.post("/test/signup/", {"email": "a@example.org", "altcha": payload}, format="json")
    second = api.post("/test/signup/", {"email": "b@example.org", "altcha": payload}, format="json")

    assert first.status_code == 202
    assert second.status_code == 400
    assert second.json()["code"] == "proof_of_work_reused"


def test_a_wrong_number_is_refused():
    data = APIClient().get("/api/v1/challenge/").json()
    challenge = challenge_from_json(data)
    number = solve_challenge_v1(challenge).number

    refused = refusal(payload_for(challenge, number + 1))

    assert refused.code == "proof_of_work"
    assert refused.detail == "The proof-of-work answer is missing or invalid."


def test_an_expired_challenge_is_refused():
    challenge = create_challenge_v1(
        algorithm="SHA-256",
        max_number=100,
        salt_length=12,
        hmac_key=hmac_key(),
        salt="",
        number=None,
        expires=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(seconds=1),
        params=None,
    )
    payload = payload_for(challenge, solve_challenge_v1(challenge).number)

    refused = refusal(payload)

    assert refused.code == "proof_of_work_expired"
    assert refused.detail == (
        "The proof-of-work challenge has expired; reload the page and try again."
    )


def test_a_challenge_signed_with_another_key_or_without_expiry_is_refused():
    in_a_day = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    foreign = create_challenge_v1(
        algorithm="SHA-256",
        max_number=100,
        salt_length=12,
        hmac_key="someone else's key",
        salt="",
        number=None,
        expires=in_a_day,
        params=None,
    )
    endless = create_challenge_v1(
        algorithm="SHA-256",
        max_number=100,
        salt_length=12,
        hmac_key=hmac_key(),
        salt="",
        number=None,
        expires=None,
        params=None,
    )

    for challenge in (foreign, endless):
        assert refusal(payload_for(challenge, solve_challenge_v1(challenge).number)).code == (
            "proof_of_work"
        )


def test_an_expiry_moved_later_breaks_the_signature():
    data = APIClient().get("/api/v1/challenge/").json()
    challenge = challenge_from_json(data)
    number = solve_challenge_v1(challenge).number
    payload = json.loads(base64.b64decode(payload_for(challenge, number)))
    nonce, _ = payload["salt"].split("?", 1)
    payload["salt"] = f"{nonce}?expires={int(time.time()) + 86400}&"

    assert refusal(base64.b64encode(json.dumps(payload).encode()).decode()).code == (
        "proof_of_work"
    )


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        42,
        "%%% not base64 %%%",
        base64.b64encode(b"not json").decode(),
        base64.b64encode(b"[1, 2]").decode(),
        base64.b64encode(json.dumps({"algorithm": "SHA-256"}).encode()).decode(),
        "A" * 5000,
    ],
)
def test_a_missing_or_malformed_answer_is_refused(payload):
    assert refusal(payload).code == "proof_of_work"


def test_a_signup_without_an_answer_is_refused_through_the_api(api):
    response = api.post("/test/signup/", {"email": "a@example.org"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "The proof-of-work answer is missing or invalid.",
        "code": "proof_of_work",
        "field": "altcha",
    }


def test_settings_can_turn_the_proof_of_work_off(settings, api):
    settings.SIGNUP_PROOF_OF_WORK_REQUIRED = False

    response = api.post("/test/signup/", {"email": "a@example.org"}, format="json")

    assert response.status_code == 202


def test_a_key_set_in_settings_signs_the_challenges(settings):
    settings.ALTCHA_HMAC_KEY = "a-dedicated-altcha-key"
    data = APIClient().get("/api/v1/challenge/").json()
    challenge = challenge_from_json(data)
    payload = payload_for(challenge, solve_challenge_v1(challenge).number)

    settings.ALTCHA_HMAC_KEY = "another-key"
    assert refusal(payload).code == "proof_of_work"
    settings.ALTCHA_HMAC_KEY = "a-dedicated-altcha-key"
    verify_proof_of_work(payload)


def test_the_challenge_endpoint_is_in_the_openapi_schema(settings):
    settings.ROOT_URLCONF = "subscriber_service.urls"

    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/v1/challenge/"]["get"]
    assert operation["operationId"] == "signup_challenge"
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {
        "algorithm",
        "challenge",
        "maxnumber",
        "salt",
        "signature",
    }
