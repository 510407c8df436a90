import factory
import wagtail_factories
from wagtail.models import Page

from cms.core.models import SectionPage
from cms.home.models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Home"
    intro = "We support human rights defenders."

    class Meta:
        model = HomePage


class SectionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Section {n}")
    intro = "A section"

    class Meta:
        model = SectionPage


def home_page() -> HomePage:
    """A live home page under the tree root (the site root in tests)."""
    from wagtail.models import Site

    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="test-home")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home
