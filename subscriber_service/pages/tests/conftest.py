import pytest
from django.core.cache import cache

from subscriber_service.abuse.forms import issue_form_started
from subscriber_service.abuse.testing import solved_proof_of_work


@pytest.fixture(autouse=True)
def page_settings(settings):
    """People take seconds to fill a form; the test client does not."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    cache.clear()  # rate-limit counters and used proofs of work of other tests
    yield settings
    cache.clear()


@pytest.fixture
def signup_data():
    """What a browser posts from the signup form, protection fields included."""

    def build(email, **fields):
        return {
            "email": email,
            "name": "",
            "language": "en",
            "interests": ["monitor"],
            "consent": "on",
            "website": "",
            "form_started": issue_form_started(),
            "altcha": solved_proof_of_work(),
            **fields,
        }

    return build
