"""The "Send as newsletter" screens, against the stand-in newsletter service on 127.0.0.1."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from cms.core.tests.factories import home_page
from cms.monitor.models import ArticleKind
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.newsletters.selectors import SEND_PERMISSION
from cms.newsletters.tests.conftest import TOKEN

pytestmark = pytest.mark.django_db


def account(username: str, group: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@rights.test", "a-long-test-password"
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


@pytest.fixture
def article(monitor):
    return ArticlePageFactory(
        parent=monitor,
        title="Kenya: river defenders win a hearing",
        summary="A community took a polluted river to court.",
    )


@pytest.fixture
def moderator(client):
    user = account("moderator", "Moderators")
    client.force_login(user)
    return user


def screen(page) -> str:
    return f"/admin/newsletters/pages/{page.pk}/"


def test_moderators_may_send_newsletters_and_editors_may_not():
    assert account("moderator", "Moderators").has_perm(SEND_PERMISSION)
    assert not account("writer", "Editors").has_perm(SEND_PERMISSION)


def test_an_editor_without_the_permission_is_turned_away_and_sees_no_button(
    client, article, newsletter_service
):
    client.force_login(account("writer", "Editors"))

    answer = client.get(screen(article))
    posted = client.post(screen(article), {"subject": "x"})
    edit = client.get(f"/admin/pages/{article.pk}/edit/")

    assert answer.status_code == 302
    assert answer["Location"] == "/admin/"
    assert posted.status_code == 302
    assert "Send as newsletter" not in edit.content.decode()
    assert newsletter_service.requests == []


def test_anonymous_visitors_are_sent_to_the_login(client, article, newsletter_service):
    answer = client.get(screen(article))

    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/")


def test_the_edit_screen_and_the_listing_offer_send_as_newsletter_to_a_moderator(
    client, moderator, article, monitor, newsletter_service
):
    edit = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    listing = client.get(f"/admin/pages/{monitor.pk}/").content.decode()

    assert f'href="{screen(article)}"' in edit
    assert "Send as newsletter" in edit
    assert f'href="{screen(article)}"' in listing


def test_a_draft_page_cannot_be_sent(client, moderator, article, newsletter_service):
    article.unpublish()

    answer = client.get(screen(article), follow=True)

    assert answer.redirect_chain[0][0] == f"/admin/pages/{article.pk}/edit/"
    assert "publish the page first" in answer.content.decode()
    assert "Send as newsletter" not in answer.content.decode().split("</header>")[0]


def test_the_screen_prefills_the_form_from_the_page_and_lists_its_newsletters(
    client, moderator, article, newsletter_service
):
    newsletter_service.add_campaign(subject="Sent last week", page_ids=[article.pk], state="sent")
    newsletter_service.add_campaign(subject="Another page", page_ids=[article.pk + 1000])

    answer = client.get(screen(article))

    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'value="Kenya: river defenders win a hearing"' in html
    assert 'value="A community took a polluted river to court."' in html
    assert re.search(r'<input[^>]*value="monitor"[^>]*checked', html)
    assert re.search(r'<option value="en" selected>English</option>', html)
    assert "Sent last week" in html
    assert "Another page" not in html
    assert newsletter_service.requests[-1].query["page_id"] == [str(article.pk)]


def test_creating_a_newsletter_makes_a_draft_of_the_pages_kind_for_the_chosen_audience(
    client, moderator, monitor, newsletter_service
):
    invitation = ArticlePageFactory(parent=monitor, kind=ArticleKind.EVENT, title="Come to Geneva")

    answer = client.post(
        screen(invitation),
        {
            "subject": "Come to Geneva",
            "preview_text": "A training",
            "interests": ["events", "monitor"],
            "language": "fr",
            "idempotency_key": "form-key",
        },
    )

    created = newsletter_service.requests_to("POST", "/api/v1/campaigns/")[0]
    assert created.body == {
        "kind": "invitation",
        "page_ids": [invitation.pk],
        "subject": "Come to Geneva",
        "preview_text": "A training",
        "language": "fr",
        "interests": ["events", "monitor"],
    }
    assert created.headers["Idempotency-Key"] == "form-key"
    assert created.headers["X-Acting-User"] == "moderator"
    assert created.headers["Authorization"] == f"Bearer {TOKEN}"
    assert answer.status_code == 302
    assert answer["Location"] == f"{screen(invitation)}campaigns/1/"


def test_the_campaign_screen_shows_a_sandboxed_preview_served_by_the_cms(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(subject="River news", page_ids=[article.pk])
    url = f"{screen(article)}campaigns/{campaign['id']}/"

    page = client.get(url)
    preview = client.get(f"{url}preview/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<iframe src="{url}preview/" sandbox' in html
    assert 'name="test-emails"' in html
    assert "moderator@rights.test" in html
    assert TOKEN not in html
    assert preview.status_code == 200
    assert "<h1>River news</h1>" in preview.content.decode()
    assert preview["Content-Security-Policy"].startswith("sandbox;")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_a_test_send_goes_to_the_given_addresses(client, moderator, article, newsletter_service):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{screen(article)}campaigns/{campaign['id']}/"

    answer = client.post(
        url,
        {
            "action": "test",
            "test-emails": "a@rights.test, b@rights.test",
            "test-idempotency_key": "t1",
        },
        follow=True,
    )

    sent = newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign['id']}/test/")
    assert sent[0].body == {"emails": ["a@rights.test", "b@rights.test"]}
    assert "Test sent to 2 addresses" in answer.content.decode()


def test_a_bad_address_is_shown_on_the_form_and_nothing_is_sent(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])

    answer = client.post(
        f"{screen(article)}campaigns/{campaign['id']}/",
        {"action": "test", "test-emails": "not-an-address", "test-idempotency_key": "t1"},
    )

    assert answer.status_code == 200
    assert "is not an email address" in answer.content.decode()
    assert newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign['id']}/test/") == []


def test_sending_now_needs_the_confirmation_then_asks_the_service_once(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{screen(article)}campaigns/{campaign['id']}/"
    send_path = f"/api/v1/campaigns/{campaign['id']}/send/"

    unconfirmed = client.post(url, {"action": "send", "send-idempotency_key": "s1"})
    assert unconfirmed.status_code == 200
    assert newsletter_service.requests_to("POST", send_path) == []

    sent = client.post(
        url, {"action": "send", "send-confirm": "on", "send-idempotency_key": "s1"}, follow=True
    )

    assert [
        r.headers["Idempotency-Key"] for r in newsletter_service.requests_to("POST", send_path)
    ] == ["s1"]
    html = sent.content.decode()
    assert "Sending: the newsletter service is handing it to Mailchimp" in html
    assert 'data-campaign-state="sending"' in html


def test_a_refusal_of_the_service_is_a_message(client, moderator, article, newsletter_service):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk], state="sent")

    answer = client.post(
        f"{screen(article)}campaigns/{campaign['id']}/",
        {
            "action": "schedule",
            "schedule-scheduled_for": "2031-05-01 09:15",
            "schedule-idempotency_key": "x",
        },
        follow=True,
    )

    assert answer.status_code == 200
    assert f"Campaign {campaign['id']} is sent." in answer.content.decode()


def test_a_campaign_of_another_page_is_not_shown(client, moderator, article, newsletter_service):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk + 1000], kind="digest")

    assert client.get(f"{screen(article)}campaigns/{campaign['id']}/").status_code == 404
    assert client.get(f"{screen(article)}campaigns/{campaign['id']}/preview/").status_code == 404
    assert client.get(f"{screen(article)}campaigns/999/").status_code == 404


def test_an_outage_of_the_newsletter_service_is_a_message_not_an_error(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{screen(article)}campaigns/{campaign['id']}/"
    newsletter_service.stop()

    listing = client.get(screen(article))
    created = client.post(screen(article), {"subject": "x", "interests": ["monitor"]})
    sent = client.post(
        url, {"action": "send", "send-confirm": "on", "send-idempotency_key": "s1"}, follow=True
    )
    preview = client.get(f"{url}preview/")

    for answer in (listing, created, sent):
        assert answer.status_code == 200
        assert "The newsletter service cannot be reached" in answer.content.decode()
    assert "A newsletter cannot be made right now" in listing.content.decode()
    assert preview.status_code == 503
    assert "The preview cannot be shown" in preview.content.decode()


def test_every_form_needs_its_csrf_token(moderator, article, newsletter_service):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])

    page = client.get(screen(article)).content.decode()
    campaign_page = client.get(f"{screen(article)}campaigns/{campaign['id']}/").content.decode()
    forged = client.post(
        f"{screen(article)}campaigns/{campaign['id']}/",
        {"action": "send", "send-confirm": "on", "send-idempotency_key": "s1"},
    )

    assert page.count('name="csrfmiddlewaretoken"') >= 1
    assert campaign_page.count('name="csrfmiddlewaretoken"') >= 3
    assert forged.status_code == 403
    assert newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign['id']}/send/") == []


def test_the_call_to_the_newsletter_service_runs_outside_any_transaction(
    client, moderator, article, newsletter_service, monkeypatch
):
    from django.db import connection

    from cms.newsletters.clients import NewsletterServiceClient

    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    # The test itself runs in a transaction: count the blocks opened on top of it.
    baseline = len(connection.atomic_blocks)
    depths = []
    original = NewsletterServiceClient.request

    def recording(self, *args, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(NewsletterServiceClient, "request", recording)

    client.post(
        f"{screen(article)}campaigns/{campaign['id']}/",
        {"action": "send", "send-confirm": "on", "send-idempotency_key": "t1"},
    )

    assert depths and set(depths) == {baseline}


# --- unschedule and cancel -------------------------------------------------------------


def campaign_screen(page, campaign) -> str:
    return f"{screen(page)}campaigns/{campaign['id']}/"


def test_a_scheduled_campaign_offers_unschedule_and_cancel_and_a_sent_one_neither(
    client, moderator, article, newsletter_service
):
    scheduled = newsletter_service.add_campaign(
        page_ids=[article.pk], state="scheduled", scheduled_for="2031-05-01T09:15:00+00:00"
    )
    draft = newsletter_service.add_campaign(page_ids=[article.pk])
    sent = newsletter_service.add_campaign(page_ids=[article.pk], state="sent")

    scheduled_html = client.get(campaign_screen(article, scheduled)).content.decode()
    draft_html = client.get(campaign_screen(article, draft)).content.decode()
    sent_html = client.get(campaign_screen(article, sent)).content.decode()

    assert f'href="{campaign_screen(article, scheduled)}unschedule/"' in scheduled_html
    assert f'href="{campaign_screen(article, scheduled)}cancel/"' in scheduled_html
    assert "unschedule/" not in draft_html
    assert f'href="{campaign_screen(article, draft)}cancel/"' in draft_html
    assert 'data-change="' not in sent_html


def test_unscheduling_asks_for_confirmation_then_tells_the_service_once(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(
        page_ids=[article.pk], state="scheduled", scheduled_for="2031-05-01T09:15:00+00:00"
    )
    url = f"{campaign_screen(article, campaign)}unschedule/"
    action_path = f"/api/v1/campaigns/{campaign['id']}/unschedule/"

    confirmation = client.get(url)

    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Unschedule this newsletter?" in html
    assert "Yes, unschedule it" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert newsletter_service.requests_to("POST", action_path) == []

    done = client.post(url, {"reason": "The embargo moved", "idempotency_key": "u1"}, follow=True)

    [request] = newsletter_service.requests_to("POST", action_path)
    assert request.body == {"reason": "The embargo moved"}
    assert request.headers["Idempotency-Key"] == "u1"
    assert request.headers["X-Acting-User"] == "moderator"
    assert done.redirect_chain[-1][0] == campaign_screen(article, campaign)
    html = done.content.decode()
    assert "Unscheduled: the newsletter is a draft again" in html
    assert 'data-campaign-state="draft"' in html


def test_cancelling_a_draft_after_confirming_marks_it_cancelled(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{campaign_screen(article, campaign)}cancel/"

    confirmation = client.get(url).content.decode()
    done = client.post(url, {"reason": "", "idempotency_key": "c1"}, follow=True)

    assert "Cancel this newsletter for good?" in confirmation
    assert "Yes, cancel it" in confirmation
    assert (
        len(newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign['id']}/cancel/"))
        == 1
    )
    html = done.content.decode()
    assert "Cancelled: this newsletter will never be sent." in html
    assert 'data-campaign-state="cancelled"' in html
    assert 'data-change="' not in html


def test_cancelling_a_campaign_that_was_sent_meanwhile_is_refused_with_the_reason(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{campaign_screen(article, campaign)}cancel/"
    client.get(url)
    newsletter_service.campaigns[campaign["id"]]["state"] = "sent"  # Mailchimp sent it

    answer = client.post(url, {"idempotency_key": "c1"}, follow=True)

    html = answer.content.decode()
    assert answer.redirect_chain[-1][0] == campaign_screen(article, campaign)
    assert "This newsletter cannot be cancelled: it has already been sent." in html
    assert (
        len(newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign['id']}/cancel/"))
        == 1
    )
    assert 'data-campaign-state="sent"' in html


def test_the_confirmation_of_a_change_the_state_does_not_allow_is_not_shown(
    client, moderator, article, newsletter_service
):
    sent = newsletter_service.add_campaign(page_ids=[article.pk], state="sent")
    draft = newsletter_service.add_campaign(page_ids=[article.pk])

    cancel = client.get(f"{campaign_screen(article, sent)}cancel/", follow=True)
    unschedule = client.get(f"{campaign_screen(article, draft)}unschedule/", follow=True)

    assert cancel.redirect_chain[-1][0] == campaign_screen(article, sent)
    assert (
        "This newsletter cannot be cancelled: it has already been sent." in cancel.content.decode()
    )
    assert "This newsletter cannot be unscheduled: it is a draft, not scheduled." in (
        unschedule.content.decode()
    )
    assert [r for r in newsletter_service.requests if r.method == "POST"] == []


def test_a_send_time_that_has_passed_is_refused_in_the_services_words(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(
        page_ids=[article.pk], state="scheduled", scheduled_for="2020-05-01T09:15:00+00:00"
    )

    answer = client.post(
        f"{campaign_screen(article, campaign)}unschedule/", {"idempotency_key": "u1"}, follow=True
    )

    html = answer.content.decode()
    assert f"Campaign {campaign['id']}&#x27;s send time has passed" in html
    assert 'data-campaign-state="scheduled"' in html


def test_unschedule_and_cancel_need_the_permission_and_the_csrf_token(
    moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(
        page_ids=[article.pk], state="scheduled", scheduled_for="2031-05-01T09:15:00+00:00"
    )
    url = campaign_screen(article, campaign)
    writer = Client()
    writer.force_login(account("writer", "Editors"))
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(moderator)

    writer_get = writer.get(f"{url}cancel/")
    writer_post = writer.post(f"{url}cancel/", {"idempotency_key": "w1"})
    forged = forger.post(f"{url}unschedule/", {"idempotency_key": "f1"})

    assert writer_get.status_code == 302
    assert writer_get["Location"] == "/admin/"
    assert writer_post.status_code == 302
    assert forged.status_code == 403
    assert [r for r in newsletter_service.requests if r.method == "POST"] == []
    assert newsletter_service.campaigns[campaign["id"]]["state"] == "scheduled"


def test_an_outage_during_a_change_is_a_message_and_nothing_changes(
    client, moderator, article, newsletter_service
):
    campaign = newsletter_service.add_campaign(page_ids=[article.pk])
    url = f"{campaign_screen(article, campaign)}cancel/"
    client.get(url)
    newsletter_service.failure = (503, {"status": 503, "detail": "The CMS cannot be reached."})

    answer = client.post(url, {"idempotency_key": "c1"}, follow=True)

    assert answer.status_code == 200
    assert "The newsletter service cannot be reached" in answer.content.decode()
    assert newsletter_service.campaigns[campaign["id"]]["state"] == "draft"
