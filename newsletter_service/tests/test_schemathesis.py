"""Every operation of the newsletter service's OpenAPI schema, fuzzed in-process.

Schemathesis reads ``/api/schema/`` from the application and sends each
operation generated requests, valid and invalid (bounds in
``platform_common.openapi_fuzzing``), as the CMS with its credential: no
answer may be a 5xx, and every status code, content type and body must be one
the schema declares. The CMS, the subscriber service and Mailchimp are the
suite's stand-ins (real HTTP servers), and a few campaigns in each state
exist, so generated ids reach campaigns as well as 404s. The CMS webhook
receiver gets no valid signature here: its 401 must be the documented one
(signed events are tested in ``webhooks/tests``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.wsgi import get_wsgi_application
from django.utils import timezone

from newsletter_service.campaigns.models import Campaign
from newsletter_service.campaigns.tests.factories import CampaignFactory
from newsletter_service.conftest import CMS_TOKEN
from platform_common.openapi_fuzzing import (
    CHECKS,
    HYPOTHESIS_SETTINGS,
    another_client_address,
    database_kept_open,
    schema_of,
)

schema = schema_of(get_wsgi_application())


@pytest.fixture(autouse=True)
def campaigns(platform):
    now = timezone.now()
    CampaignFactory(state=Campaign.State.DRAFT)
    CampaignFactory(state=Campaign.State.SCHEDULED, scheduled_for=now + timedelta(days=1))
    CampaignFactory(state=Campaign.State.SENT, sent_at=now - timedelta(days=1))
    with database_kept_open():
        yield


@pytest.mark.django_db
@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_answer_is_declared_and_none_is_a_server_error(case):
    generated = (case.path_parameters or {}).get("campaign_id")
    if isinstance(generated, int) and abs(generated) < 1_000_000:
        # Small generated ids name a campaign, in whatever state earlier calls left it;
        # larger ones stay as they came, and find none.
        ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True)[:3])
        case.path_parameters["campaign_id"] = ids[generated % 3]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {CMS_TOKEN}"},
        checks=CHECKS,
        environ_base=another_client_address(),
    )
