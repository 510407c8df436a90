import factory
import wagtail_factories

from cms.resources.models import ResourceFile, ResourcePage


class ResourcePageFactory(wagtail_factories.PageFactory):
    title = "Handbook: using the UN"
    resource_type = "handbook"
    summary = "How the UN can support your work."

    class Meta:
        model = ResourcePage


class ResourceFileFactory(factory.django.DjangoModelFactory):
    """A file of the resource given as ``page``."""

    document = factory.SubFactory(wagtail_factories.DocumentFactory)
    language = "en"

    class Meta:
        model = ResourceFile
