"""Each service accepts only the credentials of the clients allowed to call it."""

import pytest
import requests

from tests.conftest import CALLERS

PAIRS = [(caller, callee) for callee, callers in CALLERS.items() for caller in callers]


def whoami(service, headers=None):
    return requests.get(f"{service.url}/api/internal/whoami", headers=headers or {}, timeout=5)


@pytest.mark.parametrize(("caller", "callee"), PAIRS)
def test_a_client_with_its_own_credential_is_recognised(platform, service_tokens, caller, callee):
    token = service_tokens[(caller, callee)]

    response = whoami(platform[callee], {"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {"service": callee, "client": caller}


@pytest.mark.parametrize("callee", list(CALLERS))
def test_a_missing_or_wrong_credential_is_refused(platform, callee):
    missing = whoami(platform[callee])
    wrong = whoami(platform[callee], {"Authorization": "Bearer not-a-real-token"})
    malformed = whoami(platform[callee], {"Authorization": "Basic dXNlcjpwYXNz"})

    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert wrong.status_code == 401
    assert malformed.status_code == 401


@pytest.mark.parametrize(("caller", "callee"), PAIRS)
def test_a_credential_is_refused_by_every_service_it_was_not_issued_for(
    platform, service_tokens, caller, callee
):
    token = service_tokens[(caller, callee)]
    for other in platform.values():
        if other.name == callee:
            continue
        assert whoami(other, {"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/campaigns/", "/api/v1/audience/"])
def test_the_campaign_api_takes_the_cms_credential_and_refuses_every_other(
    platform, service_tokens, path
):
    url = f"{platform['newsletter_service'].url}{path}"
    cms = service_tokens[("cms", "newsletter_service")]
    # What the newsletter service was issued to call the others: not a way in here.
    others = [token for (caller, _), token in service_tokens.items() if caller != "cms"]

    accepted = requests.get(url, headers={"Authorization": f"Bearer {cms}"}, timeout=30)

    # The audience comes from the subscriber service, called with the newsletter's credential.
    assert accepted.status_code == 200, accepted.text[:300]
    assert requests.get(url, timeout=5).status_code == 401
    for token in others:
        refused = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert refused.status_code == 401
