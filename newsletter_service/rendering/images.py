"""Images from the CMS's renditions, as mail clients can show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsletter_service.rendering.links import Links

# Many mail clients (Outlook on Windows, older Apple Mail) show no WebP.
SHOWABLE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif")


@dataclass(frozen=True)
class EmailImage:
    url: str
    width: int
    height: int | None
    alt: str
    credit: str
    caption: str


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _candidates(image: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Renditions a mail client can show, JPEG first, as (preference, rendition)."""
    renditions = image.get("renditions")
    found = []
    if isinstance(renditions, dict):
        for name, rendition in renditions.items():
            if not isinstance(rendition, dict) or not isinstance(rendition.get("url"), str):
                continue
            path = rendition["url"].split("?", 1)[0].lower()
            if str(name).startswith("webp") or path.endswith(".webp"):
                continue
            if str(name).startswith("jpeg") or path.endswith((".jpg", ".jpeg")):
                found.append((0, rendition))
            elif path.endswith(SHOWABLE_EXTENSIONS):
                found.append((1, rendition))
    if not found and isinstance(image.get("url"), str):
        # An image given by a single URL, with the original's dimensions.
        path = image["url"].split("?", 1)[0].lower()
        if path.endswith(SHOWABLE_EXTENSIONS):
            found.append((2, image))
    return found


def email_image(image: Any, *, links: Links, width: int, caption: str = "") -> EmailImage | None:
    """The rendition closest above ``width`` pixels (JPEG preferred), or None if none is showable.

    A rendition at least as wide as the column keeps the image sharp; the
    smallest of those keeps the email light. The image is shown ``width``
    pixels wide (or narrower if the image is), its height scaled to match.
    """
    if not isinstance(image, dict):
        return None
    candidates = _candidates(image)
    if not candidates:
        return None
    best = min(preference for preference, _ in candidates)
    renditions = [rendition for preference, rendition in candidates if preference == best]
    sized = [(_number(r.get("width")), r) for r in renditions]
    wide_enough = [(w, r) for w, r in sized if w is not None and w >= width]
    if wide_enough:
        rendition_width, rendition = min(wide_enough, key=lambda item: item[0])
    else:
        known = [(w, r) for w, r in sized if w is not None]
        rendition_width, rendition = (
            max(known, key=lambda item: item[0]) if known else (None, renditions[0])
        )
    url = links.absolute(rendition["url"])
    if url is None:
        return None
    shown_width = min(width, rendition_width) if rendition_width else width
    rendition_height = _number(rendition.get("height"))
    height = (
        round(rendition_height * shown_width / rendition_width)
        if rendition_height and rendition_width
        else None
    )
    return EmailImage(
        url=url,
        width=shown_width,
        height=height,
        alt=_text(image.get("alt")),
        credit=_text(image.get("credit")),
        caption=_text(caption) or _text(image.get("caption")),
    )
