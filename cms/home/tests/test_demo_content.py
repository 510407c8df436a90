import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.home.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "a-demo-password-for-tests")
    return "a-demo-password-for-tests"


def test_loading_the_demo_twice_keeps_one_home_page_and_one_editor(demo_password):
    call_command("load_demo_content")
    call_command("load_demo_content")

    assert HomePage.objects.count() == 1
    home = HomePage.objects.get()
    assert home.live
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.exact_type(Page).filter(depth=2).exists()
    assert get_user_model().objects.filter(username="editor").count() == 1


def test_demo_editor_can_sign_in_to_the_wagtail_admin(client, demo_password):
    call_command("load_demo_content")

    assert client.login(username="editor", password=demo_password)
    response = client.get("/admin/", HTTP_HOST="localhost")

    assert response.status_code == 200
    editor = get_user_model().objects.get(username="editor")
    assert sorted(editor.groups.values_list("name", flat=True)) == ["Editors", "Moderators"]
    assert not editor.is_superuser


def test_home_page_is_served_at_the_site_root(client, demo_password):
    call_command("load_demo_content")

    response = client.get("/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert "Human rights platform" in response.content.decode()
