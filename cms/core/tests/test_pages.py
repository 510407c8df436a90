"""The home page and section pages, made with factories and rendered."""

import pytest

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.programmes.tests.factories import ProgrammePageFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_renders_its_intro_and_body(client):
    home = home_page()
    home.body = [
        {"type": "quote", "value": {"quote": "Solidarity protects.", "attribution": "A defender"}},
        {
            "type": "newsletter_signup",
            "value": {"heading": "Stay informed", "text": "", "interests": ["news"]},
        },
    ]
    home.save_revision().publish()

    html = client.get("/", HTTP_HOST="localhost").content.decode()

    assert "We support human rights defenders." in html
    assert "Solidarity protects." in html and "Stay informed" in html
    assert [block.block_type for block in home.body] == ["quote", "newsletter_signup"]


def test_a_section_lists_its_live_children_only(client):
    section = SectionPageFactory(parent=home_page(), slug="programmes", intro="Our programmes.")
    ProgrammePageFactory(parent=section, title="Environmental justice", slug="environmental")
    draft = ProgrammePageFactory(parent=section, title="Not yet announced", slug="draft")
    draft.unpublish()

    html = client.get(section.url, HTTP_HOST="localhost").content.decode()

    assert "Our programmes." in html
    assert "Environmental justice" in html
    assert "Not yet announced" not in html
