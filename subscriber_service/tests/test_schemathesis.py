"""Every operation of the subscriber service's OpenAPI schema, fuzzed in-process.

Schemathesis reads ``/api/schema/`` from the application and sends each
operation generated requests, valid and invalid (bounds in
``platform_common.openapi_fuzzing``): no answer may be a 5xx, and every
status code, content type and body must be one the schema declares. Valid
cases are made to reach the services rather than stop at the first check: a
signup gets consent and a known interest, a link operation a genuine link of
one subscriber. Invalid cases keep the random tokens, which must get their
documented 4xx. The internal audience endpoint gets the newsletter service's
credential.
"""

from __future__ import annotations

import pytest
from django.core.wsgi import get_wsgi_application
from schemathesis import GenerationMode

from platform_common.openapi_fuzzing import (
    CHECKS,
    HYPOTHESIS_SETTINGS,
    another_client_address,
    database_kept_open,
    schema_of,
)
from subscriber_service.subscriptions import tokens
from subscriber_service.subscriptions.models import Interest, Subscriber
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

NEWSLETTER_TOKEN = "newsletter-calls-subscribers"
# Operations taking a link token in their body: the link's purpose.
BODY_LINKS = {
    "POST /api/v1/subscriptions/confirm/": "confirm",
    "POST /api/v1/unsubscribe/": "manage",
    "POST /api/v1/resubscribe/": "manage",
}

schema = schema_of(get_wsgi_application())


@pytest.fixture(autouse=True)
def fuzzing_settings(settings):
    settings.SERVICE_CLIENTS = {"newsletter_service": NEWSLETTER_TOKEN, "cms": "cms-token"}
    # Generated signups cannot solve a proof of work; without it they reach the service.
    settings.SIGNUP_PROOF_OF_WORK_REQUIRED = False


@pytest.fixture(autouse=True)
def supporter(fuzzing_settings, default_interests):
    SubscriberFactory(interests=Interest.objects.filter(key="monitor"))
    with database_kept_open():
        yield


def reach_the_service(case) -> None:
    """Make a valid generated case one the service acts on (see the module's docstring)."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    label = case.operation.label
    subscriber = Subscriber.objects.order_by("pk").first()
    if label == "POST /api/v1/subscriptions/" and isinstance(case.body, dict):
        case.body["consent"] = True
        case.body["interests"] = ["monitor"]
    elif label in BODY_LINKS and isinstance(case.body, dict) and subscriber:
        case.body["token"] = tokens.make_token(BODY_LINKS[label], str(subscriber.public_id))
    elif "{token}" in label and subscriber:
        case.path_parameters["token"] = tokens.make_token("manage", str(subscriber.public_id))


@pytest.mark.django_db
@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_answer_is_declared_and_none_is_a_server_error(case):
    reach_the_service(case)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {NEWSLETTER_TOKEN}"},
        checks=CHECKS,
        environ_base=another_client_address(),
    )
