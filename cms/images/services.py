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
