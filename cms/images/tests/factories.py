import factory
import wagtail_factories
from wagtail.models import Collection

from cms.images.models import CustomImage


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")
    description = "Defenders gathered outside the Palais des Nations"
    credit = "Photo: the organisation"
    # wagtail-factories would make a new root collection that no group has rights on.
    collection = factory.LazyFunction(Collection.get_first_root_node)

    class Meta:
        model = CustomImage
