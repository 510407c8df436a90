from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class CustomImage(AbstractImage):
    """An image with the credit the organisation must show and required alt text.

    Wagtail's ``description`` field holds the alt text. Metadata (EXIF, XMP,
    GPS) is removed on upload, see ``cms.images.services``.
    """

    credit = models.CharField(
        max_length=255, blank=True, help_text="Photographer or source, shown with the image."
    )

    admin_form_fields = (*Image.admin_form_fields, "credit")

    @property
    def alt_text(self) -> str:
        return self.description


class Rendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
