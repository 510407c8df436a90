"""Defender stories created through the admin's add-page form, with their safety rules."""

import pytest
from wagtail.models import Workflow, WorkflowPage

from cms.core.tests.admin_forms import (
    add_page,
    editor,
    form_errors,
    nested_form_data,
    rich,
    streamfield,
)
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.stories.models import DefenderStoryPage, RiskLevel
from cms.taxonomy.tests.factories import CountryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    section = SectionPageFactory(parent=home_page(), slug="stories")
    WorkflowPage.objects.create(
        page=section, workflow=Workflow.objects.get(name="Defender story safety review")
    )
    return section


@pytest.fixture
def moderator_client(client):
    """A single editor who may publish (Editors and Moderators)."""
    client.force_login(editor("moderator"))
    return client


def story_data(**fields):
    return nested_form_data(
        {
            "title": "Standing with the river",
            "slug": "standing-with-the-river",
            "display_name": "Grace W.",
            "real_name": "Grace Wanjiru",
            "summary": "A community organiser who took a polluted river to court.",
            "country": CountryFactory(iso_code="KE").pk,
            "programme": ProgrammeFactory().pk,
            "photo": ImageFactory(title="Portrait").pk,
            "story": streamfield(
                [
                    ("rich_text", rich("<p>She gathered the evidence herself.</p>")),
                    ("quote", {"quote": "We will not be moved.", "attribution": "Grace W."}),
                ]
            ),
            "risk_level": RiskLevel.LOW,
            "consent_recorded_on": "2024-03-01",
            "consent_recorded_by": "Amara Okafor",
            **fields,
        }
    )


def test_an_editor_publishes_a_low_risk_story_and_its_hidden_face_becomes_private(
    moderator_client, stories
):
    response = add_page(moderator_client, stories, DefenderStoryPage, story_data(), publish=True)

    assert response.status_code == 302, form_errors(response)
    story = DefenderStoryPage.objects.get(slug="standing-with-the-river")
    assert story.live
    assert (story.display_name, story.real_name, story.country.iso_code) == (
        "Grace W.",
        "Grace Wanjiru",
        "KE",
    )
    assert [block.block_type for block in story.story] == ["rich_text", "quote"]
    # show_face and show_real_name were left unticked.
    assert story.public_name == "Grace W." and story.public_photo is None
    assert story.photo.is_private and story.photo.collection_is_private()
    html = moderator_client.get(story.url, HTTP_HOST="localhost").content.decode()
    assert "We will not be moved." in html
    assert "Grace Wanjiru" not in html and "<img" not in html


def test_a_single_editor_cannot_publish_a_high_risk_story_from_the_add_form(
    moderator_client, stories
):
    response = add_page(
        moderator_client,
        stories,
        DefenderStoryPage,
        story_data(risk_level=RiskLevel.HIGH),
        publish=True,
    )

    story = DefenderStoryPage.objects.get(slug="standing-with-the-river")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{story.pk}/edit/"
    assert not story.live and story.risk_level == RiskLevel.HIGH
    assert story.latest_revision is not None  # kept as a draft for the safety review
    assert story.live_revision is None
    assert moderator_client.get(story.url, HTTP_HOST="localhost").status_code == 404


def test_showing_a_name_or_face_without_recorded_consent_is_refused(moderator_client, stories):
    data = story_data(show_real_name="on", show_face="on", real_name="", consent_recorded_by="")

    errors = form_errors(add_page(moderator_client, stories, DefenderStoryPage, data))

    assert "real_name" in errors and "consent_recorded_on" in errors
    assert not DefenderStoryPage.objects.exists()


def test_a_face_cannot_be_shown_from_a_protected_photo(moderator_client, stories):
    from cms.images.services import image_protect

    photo = ImageFactory()
    image_protect(photo)

    errors = form_errors(
        add_page(
            moderator_client,
            stories,
            DefenderStoryPage,
            story_data(show_face="on", photo=photo.pk),
        )
    )

    assert "protected collection" in errors["photo"][0]


def test_raising_a_live_story_to_high_risk_in_the_edit_form_does_not_publish_it(
    moderator_client, stories
):
    add_page(moderator_client, stories, DefenderStoryPage, story_data(), publish=True)
    story = DefenderStoryPage.objects.get(slug="standing-with-the-river")
    data = story_data(risk_level=RiskLevel.HIGH, summary="Changed after the review.")
    data["action-publish"] = "action-publish"

    response = moderator_client.post(f"/admin/pages/{story.pk}/edit/", data, HTTP_HOST="localhost")

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.live and story.risk_level == RiskLevel.LOW  # the reviewed version stays live
    assert story.summary.startswith("A community organiser")
    assert story.has_unpublished_changes
