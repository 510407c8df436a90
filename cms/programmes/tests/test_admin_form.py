"""Programme pages created through the admin's add-page form."""

import pytest

from cms.core.tests.admin_forms import add_page, editor, form_errors, nested_form_data, streamfield
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.programmes.models import ProgrammePage
from cms.taxonomy.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionPageFactory(parent=home_page(), slug="programmes")


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def programme_data(**fields):
    return nested_form_data(
        {
            "title": "Environmental justice",
            "slug": "environmental-justice",
            "intro": "Support for defenders of land, water and climate.",
            "body": streamfield(
                [("quote", {"quote": "Land is life.", "attribution": "", "role": ""})]
            ),
            **fields,
        }
    )


def test_an_editor_creates_a_programme_page(editor_client, section):
    programme = ProgrammeFactory(name="Environmental justice")

    response = add_page(
        editor_client, section, ProgrammePage, programme_data(programme=programme.pk), publish=True
    )

    assert response.status_code == 302, form_errors(response)
    page = ProgrammePage.objects.get(slug="environmental-justice")
    assert page.programme == programme and page.live
    assert page.body[0].value["quote"] == "Land is life."
    assert "Land is life." in editor_client.get(page.url, HTTP_HOST="localhost").content.decode()


def test_a_programme_page_needs_its_programme_and_an_intro(editor_client, section):
    errors = form_errors(
        add_page(editor_client, section, ProgrammePage, programme_data(intro=""), publish=True)
    )

    assert set(errors) >= {"programme", "intro"}
    assert not ProgrammePage.objects.exists()
