"""Reading rendered emails in tests: html5lib's strict parser, links, visible text."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import html5lib


def parse(html: str) -> Element:
    """The document's tree; raises ``html5lib.html5parser.ParseError`` on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def elements(tree: Element, tag: str | None = None) -> list[Element]:
    return [el for el in tree.iter() if isinstance(el.tag, str) and (tag is None or el.tag == tag)]


def urls(tree: Element) -> list[str]:
    """Every URL a reader's mail client could follow or load."""
    return [
        el.get(attribute)
        for el in elements(tree)
        for attribute in ("href", "src")
        if el.get(attribute) is not None
    ]


def text(tree: Element) -> str:
    """The text a reader sees (no comments, style or title)."""
    body = tree.find("body")
    parts = []
    for el in elements(body):
        if el.tag == "style":
            continue
        parts += [el.text or "", el.tail or ""] if el is not body else [el.text or ""]
    return " ".join(" ".join(parts).split())
