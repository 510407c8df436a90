"""Fixtures shared by the subscriber service's tests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from subscriber_service.abuse.testing import solved_proof_of_work

pytest_plugins = ["fake_mailchimp.pytest_plugin", "platform_common.pytest_browser"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def signup(api_client, django_capture_on_commit_callbacks):
    """POST a signup through the public API, running what is queued on commit."""

    def post(email: str, **fields):
        body = {
            "email": email,
            "language": "en",
            "interests": ["monitor"],
            "consent": True,
            "altcha": solved_proof_of_work(),
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post("/api/v1/subscriptions/", body, format="json")

    return post


@pytest.fixture
def mailchimp(fake_mailchimp, settings):
    """The fake Mailchimp, with the service pointed at it and interests mapped to its groups."""
    from subscriber_service.subscriptions.models import Interest

    settings.MAILCHIMP = fake_mailchimp.django_settings(settings.MAILCHIMP)
    for interest in Interest.objects.all():
        interest.mailchimp_interest_id = fake_mailchimp.add_interest("Topics", interest.key)
        interest.mailchimp_category_id = fake_mailchimp.interest_category_id("Topics")
        interest.save()
    return fake_mailchimp


@pytest.fixture(autouse=True)
def default_interests(request):
    """The interests the first migrations add, back after a transactional test flushed them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "subscriber_service.subscriptions.migrations.0002_default_interests"
    )
    migration.add_interests(apps, None)
