"""A page of the CMS's API, as the email templates show it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from newsletter_service.rendering.blocks import RenderedBlock, render_blocks, text_of
from newsletter_service.rendering.context import RenderContext
from newsletter_service.rendering.images import EmailImage, email_image

# ArticlePage.kind, in the email's language.
KIND_LABELS = {
    "news": _("News"),
    "annual-report-letter": _("Annual report letter"),
    "statement": _("Statement"),
    "event": _("Event"),
    "appeal": _("Appeal"),
}
# The page's main picture, by page type (articles, resources, defender stories).
IMAGE_FIELDS = ("hero_image", "cover_image", "public_photo")
# The page's streams in the order a reader meets them: a story, a report's
# figures and highlights, a strategy, then the body.
STREAM_FIELDS = ("story", "key_figures", "impact_highlights", "strategy", "body")


@dataclass(frozen=True)
class Person:
    name: str
    role: str


@dataclass(frozen=True)
class Document:
    title: str
    url: str
    details: str


@dataclass
class PageView:
    id: Any
    title: str
    url: str | None
    date: datetime.date | None
    kind: str
    summary: str
    image: EmailImage | None
    countries: list[str]
    themes: list[str]
    people: list[Person]
    documents: list[Document]
    public_name: str = ""
    mission: str = ""
    vision: str = ""
    blocks: list[RenderedBlock] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        label = KIND_LABELS.get(self.kind)
        return str(label) if label else ""

    @property
    def date_display(self) -> str:
        return formats.date_format(self.date, "DATE_FORMAT") if self.date else ""

    @property
    def meta_line(self) -> str:
        """Date, kind and countries, e.g. "21 novembre 2026 · Actualité · Kenya"."""
        return " · ".join(
            part for part in (self.date_display, self.kind_label, ", ".join(self.countries)) if part
        )


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text_of(item.get("name")) for item in items if isinstance(item, dict)]


def _people(page: dict[str, Any]) -> list[Person]:
    people = []
    for field_name in ("authors", "signatories"):
        for person in page.get(field_name) or []:
            if isinstance(person, dict) and text_of(person.get("name")):
                people.append(
                    Person(name=text_of(person["name"]), role=text_of(person.get("role")))
                )
    return people


def _documents(page: dict[str, Any], context: RenderContext) -> list[Document]:
    """An annual report's PDF, a resource's files."""
    found = [page.get("report_document"), *(page.get("files") or [])]
    documents = []
    for item in found:
        if not isinstance(item, dict):
            continue
        url = context.links.link(item.get("url"))
        title = text_of(item.get("title"))
        if url and title:
            details = (
                " · ".join(
                    part
                    for part in (text_of(item.get("format")), text_of(item.get("language")).upper())
                    if part
                )
                or text_of(item.get("file_extension")).upper()
            )
            documents.append(Document(title=title, url=url, details=details))
    return documents


def page_view(page: Any, context: RenderContext, *, with_blocks: bool) -> PageView:
    """What the templates show of a page; its blocks only if ``with_blocks``."""
    if not isinstance(page, dict):
        page = {}
    meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
    title = text_of(page.get("title"))
    image = None
    for name in IMAGE_FIELDS:
        if page.get(name) is None:
            continue
        image = email_image(page[name], links=context.links, width=context.image_width)
        if image is None:
            context.warn(f"page {page.get('id')} {title!r}: its {name} has no showable rendition")
        break
    view = PageView(
        id=page.get("id"),
        title=title,
        url=context.links.link(meta.get("html_url")),
        date=_date(page.get("date")) or _date(meta.get("first_published_at")),
        kind=text_of(page.get("kind")),
        summary=text_of(page.get("summary")) or text_of(page.get("intro")),
        image=image,
        countries=[name for name in _names(page.get("countries") or page.get("country")) if name],
        themes=[name for name in _names(page.get("themes")) if name],
        people=_people(page),
        documents=_documents(page, context),
        public_name=text_of(page.get("public_name")),
        mission=text_of(page.get("mission")),
        vision=text_of(page.get("vision")),
    )
    if with_blocks:
        for stream in STREAM_FIELDS:
            view.blocks += render_blocks(
                page.get(stream), context, where=f"page {view.id} {title!r}, {stream}"
            )
    return view
