"""Rich text from the CMS: sanitised for email, and as plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from newsletter_service.rendering.links import SAFE_SCHEMES, Links

# What the CMS's rich text editor can produce (cms.core.blocks.RICH_TEXT_FEATURES)
# and mail clients show; anything else keeps its text and loses its tag.
ALLOWED_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise_rich_text(html: str, *, links: Links) -> str:
    """The rich text with only allowed tags and attributes, links absolute and safe.

    Scripts, styles, event handlers and ``javascript:`` links never pass.
    """

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return links.link(value)
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        url_relative=("rewrite_with_base", links.base_url),
        attribute_filter=attribute_filter,
        link_rel=None,
        strip_comments=True,
    ).strip()


class _TextWriter(HTMLParser):
    """Sanitised rich text as readable plain text.

    Headings underlined, list items with a dash or their number, quotations
    with ``>``, links as ``text (url)``.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.buffers: list[list[str]] = [[]]
        self.lists: list[list[int | None]] = []
        self.links: list[str | None] = []

    def _write(self, text: str) -> None:
        self.buffers[-1].append(text)

    def _break(self) -> None:
        self._write("\n\n")

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4", "blockquote", "a"):
            self.buffers.append([])
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag in ("p", "h2", "h3", "h4", "blockquote"):
            self._break()
        elif tag in ("ul", "ol"):
            # A nested list goes on from its item's line; a list of its own stands apart.
            if not self.lists:
                self._break()
            self.lists.append([1 if tag == "ol" else None])
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            counter = self.lists[-1] if self.lists else [None]
            if counter[0] is None:
                bullet = "- "
            else:
                bullet = f"{counter[0]}. "
                counter[0] += 1
            self._write("\n" + "   " * depth + bullet)
        elif tag == "br":
            self._write("\n")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            text = _squeeze("".join(self.buffers.pop()))
            href = self.links.pop()
            if href and href != text:
                text = f"{text} ({href})" if text else href
            self._write(text)
        elif tag in ("h2", "h3", "h4") and len(self.buffers) > 1:
            text = _squeeze("".join(self.buffers.pop()))
            self._write(f"\n\n{text}\n{'-' * len(text)}\n\n")
        elif tag == "blockquote" and len(self.buffers) > 1:
            text = _tidy("".join(self.buffers.pop()))
            self._write("\n\n" + "\n".join(f"> {line}".rstrip() for line in text.split("\n")))
            self._break()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._break()
        elif tag == "p":
            self._break()

    def handle_data(self, data):
        self._write(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        while len(self.buffers) > 1:
            # Unclosed tags: keep their text.
            text = "".join(self.buffers.pop())
            self._write(text)
        return _tidy("".join(self.buffers[0]))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


LIST_ITEM = re.compile(r"\s*(?:-|>|\d+\.)(?:\s|$)")


def _tidy(text: str) -> str:
    """Lines without the spaces HTML left around them, except a list item's indent."""
    lines = [line.rstrip() if LIST_ITEM.match(line) else line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def rich_text_to_text(html: str) -> str:
    """Plain text of (sanitised) rich text."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
