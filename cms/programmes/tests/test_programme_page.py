import pytest

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.programmes.tests.factories import ProgrammePageFactory
from cms.taxonomy.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_a_programme_page_lists_the_articles_of_its_programme_only(client):
    home = home_page()
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    page = ProgrammePageFactory(parent=SectionPageFactory(parent=home), programme=programme)
    monitor = MonitorIndexPageFactory(parent=home)
    ArticlePageFactory(parent=monitor, title="Ours", programme=programme)
    ArticlePageFactory(parent=monitor, title="Theirs", programme=other)

    html = client.get(page.url, HTTP_HOST="localhost").content.decode()

    assert "Ours" in html
    assert "Theirs" not in html
