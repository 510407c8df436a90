from django.db import models, transaction
from wagtail.images.models import AbstractImage, AbstractRendition, Image, WagtailImageField
from wagtail.images.models import get_upload_to as image_upload_to

from cms.images.storage import image_storage, name_is_private, name_private, name_public


class CustomImage(AbstractImage):
    """An image with the credit the organisation must show and required alt text.

    Wagtail's ``description`` field holds the alt text. Metadata (EXIF, XMP,
    GPS) is removed on upload, see ``cms.images.services``. An image in a
    collection with a privacy restriction keeps its files in private storage
    (``cms.images.storage``): saving the image moves them when its collection
    changes, and its renditions are made again in the right place.
    """

    file = WagtailImageField(
        verbose_name="file",
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        storage=image_storage,
    )
    credit = models.CharField(
        max_length=255, blank=True, help_text="Photographer or source, shown with the image."
    )

    admin_form_fields = (*Image.admin_form_fields, "credit")

    @property
    def alt_text(self) -> str:
        return self.description

    @property
    def is_private(self) -> bool:
        """Whether the files are in private storage (no public URL)."""
        return bool(self.file) and name_is_private(self.file.name)

    def collection_is_private(self) -> bool:
        """Whether the image's collection (or one above it) has a privacy restriction."""
        return self.collection.get_view_restrictions().exists()

    def get_upload_to(self, filename: str) -> str:
        name = super().get_upload_to(filename)
        if self.collection_is_private():
            return name_private(name, max_length=self.file.field.max_length)
        return name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        relocated = False
        if update_fields is None or {"collection", "collection_id"} & set(update_fields):
            relocated = self._file_relocate()
            if relocated and update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "file"}
        super().save(*args, **kwargs)
        if relocated:
            # Renditions are made again on demand, in the storage the original is in now;
            # public ones of a now private image are removed at once, not after the commit.
            for rendition in self.renditions.all():
                if not name_is_private(rendition.file.name):
                    rendition.file.delete(save=False)
                rendition.delete()

    def _file_relocate(self) -> bool:
        """Move a stored file to private or public storage, to match the collection."""
        if not self.file or not getattr(self.file, "_committed", True):
            return False  # a new upload: get_upload_to places it
        private = self.collection_is_private()
        old_name = self.file.name
        if name_is_private(old_name) == private:
            return False
        storage = self.file.storage
        max_length = self.file.field.max_length
        wanted = name_private(old_name, max_length=max_length) if private else name_public(old_name)
        with storage.open(old_name, "rb") as source:
            self.file.name = storage.save(wanted, source, max_length=max_length)
        if private:
            # A public copy must not outlive this call, even if the transaction rolls back.
            storage.delete(old_name)
        else:
            # A private copy goes once the public name is committed; a rollback keeps it.
            transaction.on_commit(lambda: storage.delete(old_name))
        return True


class Rendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    def get_upload_to(self, filename: str) -> str:
        name = super().get_upload_to(filename)
        if self.image.is_private:
            return name_private(name, max_length=self.file.field.max_length)
        return name
