"""Removing what an image file says about where, when and by whom it was taken."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile, File
from PIL import Image, ImageOps

# Formats re-encoded without metadata; Wagtail accepts no others for upload
# except SVG, which carries no camera metadata and is passed through.
_SAVE_OPTIONS = {
    "JPEG": {"quality": 95, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 95},
    "GIF": {},
    "AVIF": {"quality": 90},
    "HEIF": {"quality": 90},
}


def image_strip_metadata(file: File) -> File:
    """A copy of ``file`` with EXIF, XMP, IPTC and comments removed.

    The orientation that EXIF recorded is applied to the pixels first, so the
    picture still looks the right way up. Animated images keep their frames
    but lose their metadata too.
    """
    file.seek(0)
    with Image.open(file) as original:
        image_format = original.format
        if image_format not in _SAVE_OPTIONS:
            file.seek(0)
            return file
        if getattr(original, "is_animated", False):
            output = _strip_animated(original, image_format)
        else:
            upright = ImageOps.exif_transpose(original)
            clean = upright.copy()
            clean.info = {
                key: value
                for key, value in original.info.items()
                if key in {"icc_profile", "transparency", "dpi"}
            }
            output = io.BytesIO()
            clean.save(output, format=image_format, **_SAVE_OPTIONS[image_format])
    return ContentFile(output.getvalue(), name=file.name)


def _strip_animated(original: Image.Image, image_format: str) -> io.BytesIO:
    frames = []
    durations = []
    for index in range(original.n_frames):
        original.seek(index)
        frames.append(original.copy())
        durations.append(original.info.get("duration", 100))
    for frame in frames:
        frame.info = {}
    output = io.BytesIO()
    frames[0].save(
        output,
        format=image_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=original.info.get("loop", 0),
    )
    return output


PROTECTED_COLLECTION_NAME = "Protected (never public)"


def protected_collection():
    """The collection whose images are never public: made (with its restriction) if missing."""
    from wagtail.models import Collection, CollectionViewRestriction

    restricted = Collection.objects.filter(view_restrictions__isnull=False).distinct()
    collection = (
        restricted.filter(name=PROTECTED_COLLECTION_NAME).first()
        or restricted.order_by("path").first()
    )
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=PROTECTED_COLLECTION_NAME)
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
    return collection


def image_protect(image) -> bool:
    """Move ``image`` into the protected collection (and its files out of public reach).

    Returns whether it moved; an image already in a restricted collection stays where it is.
    """
    if image.collection_is_private():
        return False
    image.collection = protected_collection()
    image.save(update_fields=["collection"])
    return True


def images_privacy_sync(collection) -> int:
    """Store the files of every image in ``collection`` and below where its privacy says.

    Called when a collection's privacy restriction is added or removed.
    Returns how many images moved.
    """
    from wagtail.images import get_image_model

    moved = 0
    images = get_image_model().objects.filter(collection__path__startswith=collection.path)
    for image in images.select_related("collection"):
        before = image.file.name
        image.save(update_fields=["collection"])
        moved += image.file.name != before
    return moved


def image_public_use_error(image) -> str | None:
    """Why ``image`` may not be shown on a public page or in the API, or None if it may."""
    if image is None:
        return None
    if not (image.description or "").strip():
        return "This image has no alt text: add it in the image library first."
    if image.is_private or image.collection_is_private():
        return (
            "This image is in a protected collection (for example a face that must not be "
            "shown): it cannot be shown publicly. Choose another image."
        )
    return None
