"""How the content API shows images, taxonomies and people."""

from __future__ import annotations

from typing import Any

from rest_framework.fields import Field


class ReadOnlyField(Field):
    """The content API only reads."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)


# Widths a front end can choose from; each in JPEG and WebP.
RENDITION_WIDTHS = (400, 800, 1600)
RENDITION_SPECS = {
    f"{fmt}_{width}": f"width-{width}|format-{fmt}"
    for width in RENDITION_WIDTHS
    for fmt in ("jpeg", "webp")
}


def image_data(image, request=None) -> dict[str, Any] | None:
    if image is None:
        return None
    renditions = image.get_renditions(*RENDITION_SPECS.values())
    absolute = request.build_absolute_uri if request is not None else (lambda url: url)
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.description,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: {
                "url": absolute(renditions[spec].url),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in RENDITION_SPECS.items()
        },
    }


class ImageField(ReadOnlyField):
    """An image with its alt text, credit and a set of renditions at absolute URLs."""

    def to_representation(self, image):
        return image_data(image, self.context.get("request"))


class TaxonomyField(ReadOnlyField):
    """A country, theme or programme (or a list of them) as small objects."""

    def __init__(self, *, attributes: tuple[str, ...], many: bool = False, **kwargs):
        self.attributes = attributes
        self.many = many
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return list(value.all()) if self.many and value is not None else value

    def to_representation(self, value):
        if self.many:
            return [self._one(item) for item in value]
        return self._one(value) if value is not None else None

    def _one(self, item) -> dict[str, Any]:
        return {name: getattr(item, name) for name in self.attributes}


class PeopleField(ReadOnlyField):
    """Authors or signatories, in the order the editor gave."""

    def get_attribute(self, instance):
        return [link.person for link in super().get_attribute(instance).all()]

    def to_representation(self, people):
        request = self.context.get("request")
        return [
            {"name": person.name, "role": person.role, "photo": image_data(person.photo, request)}
            for person in people
        ]


COUNTRY = ("id", "iso_code", "name", "region")
TAXON = ("id", "slug", "name")


def document_data(document, request=None) -> dict[str, Any] | None:
    if document is None:
        return None
    absolute = request.build_absolute_uri if request is not None else (lambda url: url)
    return {
        "id": document.pk,
        "title": document.title,
        "url": absolute(document.url),
        "file_extension": document.file_extension,
        "file_size": document.file_size,
    }


class DocumentField(ReadOnlyField):
    def to_representation(self, document):
        return document_data(document, self.context.get("request"))


class ResourceFilesField(ReadOnlyField):
    """A resource's files, each with its language and format."""

    def get_attribute(self, instance):
        return list(super().get_attribute(instance).all())

    def to_representation(self, files):
        request = self.context.get("request")
        return [
            {
                **document_data(item.document, request),
                "language": item.language,
                "format": item.file_format,
            }
            for item in files
        ]


class TagsField(ReadOnlyField):
    """Tag names, read from the prefetched tagged items (one query for a whole listing)."""

    def get_attribute(self, instance):
        return sorted(item.tag.name for item in instance.tagged_items.all())

    def to_representation(self, names):
        return names


class PagesField(ReadOnlyField):
    """Pages shown as id, title, type and URL."""

    def to_representation(self, pages):
        return [
            {
                "id": page.pk,
                "title": page.title,
                "type": page.specific_class._meta.label,
                "url": page.full_url,
            }
            for page in pages
        ]
