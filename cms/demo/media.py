"""Images and PDFs for the demo, drawn locally with Pillow: nothing is downloaded."""

from __future__ import annotations

import io
import random

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ((18, 78, 120), (240, 180, 60)),
    ((120, 30, 60), (250, 230, 200)),
    ((20, 110, 90), (230, 240, 120)),
    ((60, 40, 110), (120, 200, 230)),
    ((150, 70, 20), (40, 40, 40)),
    ((30, 30, 30), (200, 60, 60)),
    ((10, 90, 140), (250, 250, 250)),
    ((90, 120, 30), (250, 200, 120)),
]


def picture(seed: int, *, width: int = 1600, height: int = 900) -> ImageFile:
    """An abstract picture: a gradient with circles, deterministic for ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - shapes, not secrets
    dark, light = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (width, height), dark)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 6):
        mix = y / height
        colour = tuple(
            int(low * (1 - mix) + high * mix * 0.5) for low, high in zip(dark, light, strict=True)
        )
        draw.rectangle([0, y, width, y + 6], fill=colour)
    for _ in range(7):
        radius = rng.randint(60, 260)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            outline=light,
            width=rng.randint(4, 18),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"demo-{seed}.jpg")


def pdf(title: str, lines: list[str]) -> ContentFile:
    """A short PDF: one A4 page (at 100 dpi) with a title and a few lines of text."""
    page = Image.new("RGB", (827, 1169), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=28)
    body = ImageFont.load_default(size=18)
    draw.rectangle([0, 0, 827, 140], fill=(18, 78, 120))
    draw.text((50, 50), title, fill="white", font=font)
    y = 190
    for line in lines:
        draw.text((50, y), line, fill=(30, 30, 30), font=body)
        y += 34
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=100.0, title=title)
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return ContentFile(buffer.getvalue(), name=f"{slug}.pdf")
