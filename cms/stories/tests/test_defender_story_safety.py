"""A high-risk story is published only after two different people approved it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import Workflow, WorkflowPage

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.stories.models import DefenderStoryPage, RiskLevel
from cms.stories.tests.factories import DefenderStoryPageFactory

pytestmark = pytest.mark.django_db


def user(username: str, *groups: str):
    account = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    account.groups.add(*Group.objects.filter(name__in=groups))
    return account


@pytest.fixture
def stories():
    section = SectionPageFactory(parent=home_page(), slug="stories")
    WorkflowPage.objects.create(
        page=section, workflow=Workflow.objects.get(name="Defender story safety review")
    )
    return section


@pytest.fixture
def draft(stories):
    story = DefenderStoryPageFactory(parent=stories, live=False)
    story.save_revision()
    return story


def approve(story, approver):
    task_state = story.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")
    story.refresh_from_db()


def test_no_one_can_publish_a_high_risk_story_directly(draft, stories):
    moderator = user("moderator", "Moderators")
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")

    assert draft.permissions_for_user(moderator).can_publish() is False
    assert draft.permissions_for_user(superuser).can_publish() is False


def test_the_publish_button_does_not_publish_a_high_risk_story(client, draft):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))

    client.post(
        f"/admin/pages/{draft.pk}/edit/",
        {
            "title": draft.title,
            "slug": draft.slug,
            "display_name": "x",
            "summary": "s",
            "story-count": 0,
            "risk_level": "high",
            "action-publish": "publish",
        },
        HTTP_HOST="localhost",
    )

    draft.refresh_from_db()
    assert not draft.live


def test_one_person_cannot_give_both_approvals(draft, stories):
    moderator = user("moderator", "Moderators", "Safety reviewers")
    Workflow.objects.get(name="Defender story safety review").start(draft, moderator)
    approve(draft, moderator)

    state = draft.current_workflow_state
    second = state.current_task_state.task.specific
    assert second.get_actions(draft, moderator) == []
    with pytest.raises(PermissionDenied):
        second.on_action(state.current_task_state, moderator, "approve")
    assert not DefenderStoryPage.objects.get(pk=draft.pk).live


def test_two_different_approvals_publish_the_story(draft, stories):
    moderator = user("moderator", "Moderators")
    reviewer = user("reviewer", "Safety reviewers")
    Workflow.objects.get(name="Defender story safety review").start(draft, moderator)

    approve(draft, moderator)
    assert not DefenderStoryPage.objects.get(pk=draft.pk).live
    approve(draft, reviewer)

    assert DefenderStoryPage.objects.get(pk=draft.pk).live


def test_a_low_risk_story_follows_the_usual_permissions(stories):
    story = DefenderStoryPageFactory(parent=stories, risk_level=RiskLevel.LOW)
    moderator = user("moderator", "Moderators")

    assert story.permissions_for_user(moderator).can_publish() is True


def test_showing_a_name_or_face_needs_recorded_consent():
    story = DefenderStoryPageFactory.build(show_face=True, consent_recorded_on=None)

    with pytest.raises(ValidationError) as raised:
        story.clean()
    assert "consent_recorded_on" in raised.value.message_dict


def test_the_public_page_hides_what_the_safety_fields_hide(client, stories):
    photo = ImageFactory(title="Face of the defender")
    story = DefenderStoryPageFactory(
        parent=stories,
        risk_level=RiskLevel.LOW,
        photo=photo,
        real_name="Hidden Realname",
        show_real_name=False,
        show_face=False,
        consent_recorded_on=datetime.date(2024, 1, 1),
        consent_recorded_by="Staff",
    )

    html = client.get(story.url, HTTP_HOST="localhost").content.decode()

    assert "A defence lawyer" in html
    assert "Hidden Realname" not in html
    assert "<img" not in html
    assert story.public_photo is None and story.public_name == "A defence lawyer"


def test_search_never_finds_a_story_by_the_real_name_it_hides(stories):
    story = DefenderStoryPageFactory(
        parent=stories,
        risk_level=RiskLevel.LOW,
        real_name="Secretname Person",
        display_name="Andrés",
    )
    story.save_revision().publish()

    assert list(DefenderStoryPage.objects.live().search("Secretname")) == []
    assert [page.pk for page in DefenderStoryPage.objects.live().search("Andrés")] == [story.pk]


def test_a_live_low_risk_story_whose_draft_raises_the_risk_needs_the_review(stories):
    story = DefenderStoryPageFactory(parent=stories, risk_level=RiskLevel.LOW)
    story.save_revision().publish()
    moderator = user("moderator", "Moderators")
    story.risk_level = RiskLevel.HIGH
    story.save_revision(user=moderator)

    live = DefenderStoryPage.objects.get(pk=story.pk)
    assert live.risk_level == RiskLevel.LOW and live.has_unpublished_changes
    assert live.permissions_for_user(moderator).can_publish() is False
