"""Where image files live: public ones under MEDIA_ROOT, protected ones out of the web's reach.

An image in a collection with a privacy restriction (the "Protected" collection
holds, for example, the photos of defenders whose face must not be shown) has
its original and every rendition stored under ``CMS_PRIVATE_MEDIA_ROOT``, a
directory that nothing serves: their file names start with ``private/`` and
their URLs lead to an admin view that checks the user's image permissions
(``cms.images.views.private_image_file``). Everything else is an ordinary file
under ``MEDIA_ROOT``, served at ``MEDIA_URL``.
"""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils._os import safe_join

PRIVATE_PREFIX = "private/"


def name_is_private(name: str) -> bool:
    return name.startswith(PRIVATE_PREFIX)


def name_private(name: str, *, max_length: int = 100) -> str:
    """``name`` moved under the private prefix, shortened to fit the field if need be."""
    if name_is_private(name):
        return name
    private = PRIVATE_PREFIX + name
    if len(private) < max_length:
        return private
    folder, filename = os.path.split(name)
    stem, extension = os.path.splitext(filename)
    keep = max(1, len(stem) - (len(private) - max_length + 1))
    return PRIVATE_PREFIX + os.path.join(folder, stem[:keep] + extension)


def name_public(name: str) -> str:
    return name.removeprefix(PRIVATE_PREFIX)


class ImageStorage(FileSystemStorage):
    """The file system storage of originals and renditions, with a private part."""

    def path(self, name: str) -> str:
        if name_is_private(name):
            return safe_join(settings.CMS_PRIVATE_MEDIA_ROOT, name_public(name))
        return super().path(name)

    def _save(self, name: str, content) -> str:
        if not name_is_private(name):
            return super()._save(name, content)
        return PRIVATE_PREFIX + self._private()._save(name_public(name), content)

    def _private(self) -> FileSystemStorage:
        return FileSystemStorage(location=settings.CMS_PRIVATE_MEDIA_ROOT, base_url=None)

    def url(self, name: str | None) -> str:
        if name and name_is_private(name):
            return reverse("private_image_file", kwargs={"name": name_public(name)})
        return super().url(name)


@cache
def image_storage() -> ImageStorage:
    """The storage of ``CustomImage.file`` and of renditions (one instance per process)."""
    return ImageStorage()
