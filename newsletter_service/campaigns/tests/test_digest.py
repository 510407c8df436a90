"""The Monitor digest: built by beat per language from what was published since the last."""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter_service.campaigns import services
from newsletter_service.campaigns.digests import digest_build_all
from newsletter_service.campaigns.errors import DependencyUnavailable
from newsletter_service.campaigns.models import Campaign
from newsletter_service.campaigns.tasks import digest_build_all_task

pytestmark = pytest.mark.django_db

ENGLISH_WITH_FRENCH, FRENCH = 9, 70


@pytest.fixture
def worker_like_retries(monkeypatch):
    """Eager tasks retry as a worker's do, and a last failure is the task's result."""
    monkeypatch.setitem(digest_build_all_task.app.conf, "task_eager_propagates", False)


def _digests(**filters):
    return Campaign.objects.filter(kind="digest", **filters).order_by("language", "pk")


def test_no_new_article_makes_no_digest(old_content, subscribers):
    assert digest_build_all() == {"en": None, "fr": None, "es": None}
    assert not _digests().exists()


def test_new_articles_make_one_draft_per_language_that_has_them(old_content, subscribers):
    now = datetime.now(UTC)
    old_content.publish(46, at=now - timedelta(hours=2))
    old_content.publish(47, at=now - timedelta(hours=1))
    old_content.publish(FRENCH, at=now - timedelta(hours=1))

    results = digest_build_all()

    assert results["es"] is None
    english, french = _digests(state="draft")
    assert (english.language, english.page_ids) == ("en", [47, 46])
    assert (french.language, french.page_ids) == ("fr", [FRENCH])
    assert english.interests == ["monitor"]
    assert english.transitions.get().actor == "system:beat"


def test_a_language_the_cms_refuses_is_left_out_and_the_others_are_built(
    old_content, subscribers, monkeypatch, caplog
):
    from newsletter_service.campaigns import digests
    from newsletter_service.content.clients.cms import CmsRequestRefused

    now = datetime.now(UTC)
    old_content.publish(46, at=now - timedelta(hours=2))
    old_content.publish(FRENCH, at=now - timedelta(hours=1))
    select = digests.digest_select

    def refuse_english(*, language, filters):
        if language == "en":  # as the CMS answers for a locale it does not have yet
            raise CmsRequestRefused("400: locale: unknown language code")
        return select(language=language, filters=filters)

    monkeypatch.setattr(digests, "digest_select", refuse_english)

    results = digest_build_all()

    assert results["en"] is None
    (french,) = _digests(state="draft")
    assert (french.language, french.page_ids, results["fr"]) == ("fr", [FRENCH], french.pk)
    assert "digest en: the CMS refused the request" in caplog.text


def test_building_again_refreshes_the_draft_instead_of_making_another(old_content, subscribers):
    now = datetime.now(UTC)
    old_content.publish(46, at=now - timedelta(hours=2))
    digest_build_all()
    old_content.publish(48, at=now - timedelta(minutes=5))

    digest_build_all()

    (draft,) = _digests(language="en")
    assert draft.page_ids == [48, 46]


def test_the_next_digest_holds_only_what_was_published_after_the_last_one_was_sent(
    old_content, subscribers, run_on_commit
):
    now = datetime.now(UTC)
    old_content.publish(46, at=now - timedelta(hours=2))
    first = Campaign.objects.get(pk=digest_build_all()["en"])
    run_on_commit(services.campaign_send_now, campaign=first, actor="user:editor")
    assert Campaign.objects.get(pk=first.pk).state == "sent"

    assert digest_build_all()["en"] is None  # nothing new since
    old_content.publish(49, at=datetime.now(UTC) + timedelta(seconds=1))
    second = Campaign.objects.get(pk=digest_build_all()["en"])

    assert second.pk != first.pk and second.page_ids == [49]


def test_with_auto_send_the_digest_is_sent_to_its_language(
    old_content, subscribers, settings, add_member, mailchimp, run_on_commit
):
    settings.NEWSLETTER_DIGEST_AUTO_SEND = True
    add_member("reader@rights.test", language="en", interests=["monitor"])
    add_member("lecteur@rights.test", language="fr", interests=["monitor"])
    old_content.publish(46, at=datetime.now(UTC) - timedelta(hours=1))

    run_on_commit(digest_build_all)

    (digest,) = _digests()
    assert digest.state == "sent"
    assert mailchimp.sent_to(digest.mailchimp_campaign_id) == ["reader@rights.test"]


def test_a_french_digest_falls_back_to_english_articles_when_configured(
    old_content, subscribers, settings
):
    settings.NEWSLETTER_TRANSLATION_FALLBACK = "default_language"
    now = datetime.now(UTC)
    old_content.publish(46, at=now - timedelta(hours=1))  # English only
    old_content.publish(ENGLISH_WITH_FRENCH, at=now - timedelta(hours=2))  # has a French page
    old_content.publish(FRENCH, at=now - timedelta(hours=2))

    french = Campaign.objects.get(pk=digest_build_all()["fr"])

    assert french.page_ids == [46, FRENCH]


def test_an_unreachable_cms_during_the_beat_build_is_retried(
    old_content, subscribers, worker_like_retries
):
    old_content.publish(46, at=datetime.now(UTC) - timedelta(hours=1))
    old_content.fail_next(3, status=503)  # one whole client call: the try and its two retries

    result = digest_build_all_task.apply()

    assert result.successful()
    assert _digests(language="en").get().page_ids == [46]
    assert len([r for r in old_content.requests if r[0] == "/api/v2/pages/"]) >= 4


def test_a_cms_that_stays_unreachable_fails_the_build_with_a_clear_error_and_makes_nothing(
    old_content, subscribers, worker_like_retries
):
    old_content.fail_next(10_000, status=503)

    result = digest_build_all_task.apply()

    assert result.failed()
    assert isinstance(result.result, DependencyUnavailable)
    assert "CMS cannot be reached" in str(result.result)
    assert not _digests().exists()


def test_there_is_one_next_digest_draft_per_language(old_content, subscribers, staff_client):
    old_content.publish(46, at=datetime.now(UTC) - timedelta(hours=1))
    draft_id = digest_build_all()["en"]
    body = {"kind": "digest", "subject": "Another", "language": "en", "interests": ["monitor"]}

    answer = staff_client.post("/api/v1/campaigns/", body, format="json")

    assert answer.status_code == 409
    assert answer.json()["campaign_id"] == draft_id
    assert _digests(language="en").count() == 1
