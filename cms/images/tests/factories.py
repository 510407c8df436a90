import factory
import wagtail_factories

from cms.images.models import CustomImage


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")
    description = "Defenders gathered outside the Palais des Nations"
    credit = "Photo: the organisation"

    class Meta:
        model = CustomImage
