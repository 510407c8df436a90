"""Home and section pages created through the admin's add-page form."""

import pytest
from wagtail.models import Page

from cms.core.models import SectionPage
from cms.core.tests.admin_forms import (
    add_page,
    editor,
    form_errors,
    nested_form_data,
    rich,
    streamfield,
)
from cms.core.tests.factories import home_page
from cms.home.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def test_an_editor_creates_a_home_page_with_a_body(client):
    # Adding at the top of the tree is for administrators.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@rights.test", "x"))
    data = nested_form_data(
        {
            "title": "Plateforme des droits humains",
            "slug": "accueil",
            "intro": "Nous soutenons les défenseur·es.",
            "body": streamfield(
                [
                    ("rich_text", rich("<p>Bienvenue.</p>")),
                    (
                        "call_to_action",
                        {"action": "signup", "text": "S'abonner", "url": "https://rights.test/"},
                    ),
                ]
            ),
        }
    )

    response = add_page(client, Page.get_first_root_node(), HomePage, data, publish=True)

    assert response.status_code == 302, form_errors(response)
    home = HomePage.objects.get(slug="accueil")
    assert home.intro == "Nous soutenons les défenseur·es." and home.live
    assert [block.block_type for block in home.body] == ["rich_text", "call_to_action"]
    assert home.body[1].value["url"] == "https://rights.test/"


def test_a_home_page_whose_call_to_action_has_no_target_is_refused(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@rights.test", "x"))
    data = nested_form_data(
        {
            "title": "Home",
            "slug": "home-2",
            "body": streamfield([("call_to_action", {"action": "donate", "text": "Give"})]),
        }
    )

    errors = form_errors(add_page(client, Page.get_first_root_node(), HomePage, data))

    assert "body" in errors
    assert not HomePage.objects.filter(slug="home-2").exists()


def test_an_editor_creates_a_section_and_a_bad_slug_is_refused(editor_client):
    home = home_page()
    data = nested_form_data({"title": "Resources", "slug": "resources", "intro": "Handbooks."})

    response = add_page(editor_client, home, SectionPage, data)

    assert response.status_code == 302, form_errors(response)
    section = SectionPage.objects.get(slug="resources")
    assert section.intro == "Handbooks." and not section.live
    errors = form_errors(
        add_page(editor_client, home, SectionPage, {**data, "slug": "not a slug!"})
    )
    assert "slug" in errors
