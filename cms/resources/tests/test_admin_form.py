"""Resources created through the admin's add-page form."""

import pytest
import wagtail_factories

from cms.core.tests.admin_forms import (
    add_page,
    editor,
    form_errors,
    inline_formset,
    nested_form_data,
    streamfield,
)
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.resources.models import ResourcePage, ResourceType
from cms.taxonomy.tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionPageFactory(parent=home_page(), slug="resources")


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def resource_data(files, **fields):
    return nested_form_data(
        {
            "title": "Handbook: using the UN",
            "slug": "un-handbook",
            "resource_type": ResourceType.HANDBOOK,
            "summary": "How the UN can support your work.",
            "cover_image": ImageFactory().pk,
            "body": streamfield([]),
            "files": inline_formset(files),
            **fields,
        }
    )


def test_an_editor_creates_a_resource_with_files_in_several_languages(editor_client, section):
    english = wagtail_factories.DocumentFactory(title="Handbook (EN)")
    french = wagtail_factories.DocumentFactory(title="Manuel (FR)")
    theme = ThemeFactory()
    data = resource_data(
        [{"document": english.pk, "language": "en"}, {"document": french.pk, "language": "fr"}]
    )
    data["themes"] = [theme.pk]

    response = add_page(editor_client, section, ResourcePage, data, publish=True)

    assert response.status_code == 302, form_errors(response)
    page = ResourcePage.objects.get(slug="un-handbook")
    assert [(f.document, f.language) for f in page.files.all()] == [(english, "en"), (french, "fr")]
    assert list(page.themes.all()) == [theme]
    html = editor_client.get(page.url, HTTP_HOST="localhost").content.decode()
    assert "Manuel (FR)" in html and "French" in html


def test_a_resource_without_files_or_with_an_unknown_type_or_language_is_refused(
    editor_client, section
):
    errors = form_errors(
        add_page(
            editor_client,
            section,
            ResourcePage,
            resource_data([], resource_type="poster"),
            publish=True,
        )
    )
    assert "resource_type" in errors and "files" in errors

    document = wagtail_factories.DocumentFactory()
    errors = form_errors(
        add_page(
            editor_client,
            section,
            ResourcePage,
            resource_data([{"document": document.pk, "language": "xx"}]),
        )
    )
    assert "files" in errors
    assert not ResourcePage.objects.exists()
