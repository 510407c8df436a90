import pytest
import wagtail_factories

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.resources.models import ResourceFile
from cms.resources.tests.factories import ResourcePageFactory

pytestmark = pytest.mark.django_db


def test_a_resource_offers_each_file_with_its_language_and_format(client):
    page = ResourcePageFactory(parent=SectionPageFactory(parent=home_page()))
    english = wagtail_factories.DocumentFactory(title="Handbook (EN)")
    french = wagtail_factories.DocumentFactory(title="Manuel (FR)")
    ResourceFile.objects.create(page=page, document=english, language="en")
    ResourceFile.objects.create(page=page, document=french, language="fr")

    html = client.get(page.url, HTTP_HOST="localhost").content.decode()

    assert "Handbook (EN)" in html and "English" in html
    assert 'hreflang="fr"' in html and "French" in html
    assert [f.file_format for f in page.files.all()] == [
        english.file_extension.upper(),
        french.file_extension.upper(),
    ]
