import factory
import wagtail_factories

from cms.programmes.models import ProgrammePage
from cms.taxonomy.tests.factories import ProgrammeFactory


class ProgrammePageFactory(wagtail_factories.PageFactory):
    title = "Environmental justice"
    intro = "Support for defenders of land, water and climate."
    programme = factory.SubFactory(ProgrammeFactory)
    body = factory.LazyFunction(lambda: [{"type": "rich_text", "value": "<p>Our work.</p>"}])

    class Meta:
        model = ProgrammePage
