"""The browser preview: staff see the email as a recipient would."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from newsletter_service.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_staff_see_the_html_with_merge_tags_filled_in(fake_cms):
    campaign = CampaignFactory(page_ids=[46])
    client = Client()
    client.force_login(get_user_model().objects.create_user("editor", is_staff=True))

    answer = client.get(f"/campaigns/{campaign.pk}/preview/")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in answer["Content-Security-Policy"]
    html = answer.content.decode()
    assert "<html" in html.lower()
    assert "*|UNSUB|*" not in html


def test_the_preview_of_a_page_that_is_gone_says_why(fake_cms):
    campaign = CampaignFactory(page_ids=[46])
    fake_cms.unpublish(46)
    client = Client()
    client.force_login(get_user_model().objects.create_user("editor", is_staff=True))

    answer = client.get(f"/campaigns/{campaign.pk}/preview/")

    assert answer.status_code == 400
    assert "46" in answer.content.decode()


def test_anyone_else_is_sent_to_the_login_page(fake_cms):
    campaign = CampaignFactory()

    answer = Client().get(f"/campaigns/{campaign.pk}/preview/")

    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]
