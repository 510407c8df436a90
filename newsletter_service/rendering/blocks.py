"""StreamField blocks of the CMS's API, each as an email row (HTML) and as plain text.

Each block type has a ``prepare`` function that turns the API's JSON into a
small, checked template context (or None when there is nothing to show), a
template ``rendering/blocks/<type>.html`` and a plain-text renderer. An
unknown type, or a value of an unexpected shape, is skipped with a warning:
content the CMS adds later never stops an email.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from newsletter_service.rendering.context import RenderContext
from newsletter_service.rendering.images import email_image
from newsletter_service.rendering.richtext import rich_text_to_text, sanitise_rich_text


@dataclass(frozen=True)
class RenderedBlock:
    type: str
    value: dict[str, Any]
    html: SafeString
    text: str


@dataclass(frozen=True)
class BlockType:
    prepare: Callable[[Any, RenderContext], dict[str, Any] | None]
    text: Callable[[dict[str, Any]], str]


BLOCK_TYPES: dict[str, BlockType] = {}


def block_type(name: str, *, text: Callable[[dict[str, Any]], str]):
    def register(prepare):
        BLOCK_TYPES[name] = BlockType(prepare=prepare, text=text)
        return prepare

    return register


def text_of(value: Any) -> str:
    """A text field of the API, or "" when it is missing or not text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def number_of(value: Any) -> str:
    """A number, in the email's language (``1 500,5`` in French)."""
    if isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return text_of(value)
    if not number.is_finite():
        return ""
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _link_text(text: str, url: str | None) -> str:
    return f"{text} ({url})" if url and text else (url or text)


# Rich text ------------------------------------------------------------------


@block_type("rich_text", text=lambda c: rich_text_to_text(c["html"]))
def prepare_rich_text(value, context):
    if not isinstance(value, str):
        return None
    html = sanitise_rich_text(value, links=context.links)
    return {"html": mark_safe(html)} if html else None  # noqa: S308 (sanitised by nh3)


# Images -----------------------------------------------------------------------


def _image_text(c):
    image = c["image"]
    described = f"[{image.alt}]" if image.alt else ""
    return _lines(described, image.caption, image.credit)


@block_type("image", text=_image_text)
def prepare_image(value, context):
    if not isinstance(value, dict):
        return None
    # The API flattens the image and its caption; a raw struct nests the image.
    image = value["image"] if isinstance(value.get("image"), dict) else value
    found = email_image(
        image, links=context.links, width=context.image_width, caption=value.get("caption")
    )
    if found is None:
        context.warn(
            f"an image ({text_of(image.get('title')) or 'untitled'}) has no JPEG, PNG or GIF "
            "rendition at a URL, so it was left out"
        )
        return None
    return {"image": found}


# Quotes and figures -----------------------------------------------------------


def _quote_text(c):
    signed = ", ".join(part for part in (c["attribution"], c["role"]) if part)
    return _lines(f"“{c['quote']}”", f"— {signed}" if signed else "")


@block_type("quote", text=_quote_text)
def prepare_quote(value, context):
    quote = text_of(value.get("quote"))
    if not quote:
        return None
    return {
        "quote": quote,
        "attribution": text_of(value.get("attribution")),
        "role": text_of(value.get("role")),
    }


def _figure(value) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    number = number_of(value.get("number"))
    label = text_of(value.get("label"))
    if not number and not label:
        return None
    return {
        "number": number,
        "unit": text_of(value.get("unit")),
        "label": label,
        "source": text_of(value.get("source")),
    }


def _figures_text(c):
    lines = [c["heading"]] if c["heading"] else []
    for figure in c["figures"]:
        source = " (" + gettext("Source: %(source)s") % {"source": figure["source"]} + ")"
        lines.append(
            f"- {figure['number']}{figure['unit']} {figure['label']}".rstrip()
            + (source if figure["source"] else "")
        )
    return "\n".join(lines)


@block_type("key_figures", text=_figures_text)
def prepare_key_figures(value, context):
    figures = [f for f in map(_figure, value.get("figures") or []) if f]
    if not figures:
        return None
    return {"heading": text_of(value.get("heading")), "figures": figures}


@block_type("figure", text=_figures_text)
def prepare_figure(value, context):
    """One key figure: a stream item of annual reports and strategies."""
    figure = _figure(value)
    return {"heading": "", "figures": [figure]} if figure else None


# Lists ------------------------------------------------------------------------


def _items_text(c):
    return _lines(c["heading"], "\n".join(f"- {item}" for item in c["items"]))


@block_type("impact_list", text=_items_text)
def prepare_impact_list(value, context):
    items = [text_of(item) for item in value.get("items") or []]
    items = [item for item in items if item]
    if not items:
        return None
    return {"heading": text_of(value.get("heading")), "items": items}


@block_type("highlight", text=_items_text)
def prepare_highlight(value, context):
    """One impact highlight of an annual report."""
    item = text_of(value)
    return {"heading": "", "items": [item]} if item else None


# Links to act, read or download -----------------------------------------------


@block_type("call_to_action", text=lambda c: _link_text(c["text"], c["url"]))
def prepare_call_to_action(value, context):
    url = context.links.link(value.get("url"))
    if url is None:
        context.warn("a call to action has no safe link, so it was left out")
        return None
    return {
        "action": text_of(value.get("action")),
        "text": text_of(value.get("text")) or gettext("Read more"),
        "url": url,
    }


def _document_text(c):
    details = f" [{c['details']}]" if c["details"] else ""
    return _link_text(c["title"] + details, c["url"])


@block_type("document", text=_document_text)
def prepare_document(value, context):
    """A document to download; a strategy's linked document nests it."""
    document = value.get("document") if isinstance(value.get("document"), dict) else value
    title = text_of(value.get("label")) or text_of(document.get("title"))
    url = context.links.link(document.get("url"))
    if url is None:
        context.warn(f"the document {title or 'untitled'!r} has no URL, so it is shown unlinked")
        if not title:
            return None
    extension = text_of(document.get("file_extension")).upper()
    size = document.get("file_size")
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        details = f"{extension}, {filesizeformat(size)}" if extension else filesizeformat(size)
    else:
        details = extension
    return {
        "title": title or gettext("Download"),
        "url": url,
        "details": details.replace("\xa0", " "),
    }


@block_type("embed", text=lambda c: _link_text(c["title"], c["url"]))
def prepare_embed(value, context):
    """A video or post: mail clients play no embeds, so a link to it (and its thumbnail)."""
    if isinstance(value, dict):
        url, title = value.get("url"), text_of(value.get("title"))
        thumbnail = context.links.absolute(value.get("thumbnail_url"))
    else:
        url, title, thumbnail = value, "", None
    url = context.links.link(url)
    if url is None:
        context.warn("an embed has no safe URL, so it was left out")
        return None
    return {
        "url": url,
        "title": title or gettext("Watch or read it online"),
        "thumbnail": thumbnail,
        "width": context.image_width,
    }


def _related_text(c):
    links = "\n".join(f"- {_link_text(page['title'], page['url'])}" for page in c["pages"])
    return _lines(c["heading"], links)


@block_type("related_content", text=_related_text)
def prepare_related_content(value, context):
    pages = []
    for page in value.get("pages") or []:
        if isinstance(page, dict) and text_of(page.get("title")):
            pages.append(
                {"title": text_of(page["title"]), "url": context.links.link(page.get("url"))}
            )
    if not pages:
        return None
    return {"heading": text_of(value.get("heading")), "pages": pages}


def _signup_text(c):
    return _lines(c["heading"], c["text"], _link_text(gettext("Subscribe"), c["url"]))


@block_type("newsletter_signup", text=_signup_text)
def prepare_newsletter_signup(value, context):
    """For readers of a forwarded email: where to subscribe."""
    heading = text_of(value.get("heading"))
    url = context.links.link(value.get("signup_url"))
    if not heading and url is None:
        return None
    return {"heading": heading, "text": text_of(value.get("text")), "url": url}


# A strategy's stream ----------------------------------------------------------


def _titled_text(c):
    return _lines(c["title"], c["description"])


@block_type("goal", text=_titled_text)
def prepare_goal(value, context):
    title = text_of(value.get("title"))
    return {"title": title, "description": text_of(value.get("description"))} if title else None


@block_type("value", text=_titled_text)
def prepare_value(value, context):
    title = text_of(value.get("name"))
    return {"title": title, "description": text_of(value.get("description"))} if title else None


@block_type("tactic", text=lambda c: f"- {c['text']}")
def prepare_tactic(value, context):
    text = text_of(value)
    return {"text": text} if text else None


def _consultation_text(c):
    return _lines(" · ".join(c["facts"]), c["description"])


@block_type("consultation", text=_consultation_text)
def prepare_consultation(value, context):
    description = text_of(value.get("description"))
    facts = []
    if number_of(value.get("participants")):
        facts.append(
            gettext("%(count)s participants") % {"count": number_of(value["participants"])}
        )
    if number_of(value.get("countries")):
        facts.append(gettext("%(count)s countries") % {"count": number_of(value["countries"])})
    if not description and not facts:
        return None
    return {"description": description, "facts": facts}


# Rendering --------------------------------------------------------------------


def render_blocks(stream: Any, context: RenderContext, *, where: str) -> list[RenderedBlock]:
    """Every block of a stream that has something to show, in order.

    ``where`` names the stream in warnings (e.g. ``page 12 "Title", body``).
    """
    if not isinstance(stream, list):
        if stream not in (None, ""):
            context.warn(f"{where} is not a list of blocks, so it was left out")
        return []
    rendered = []
    for position, block in enumerate(stream, start=1):
        name = block.get("type") if isinstance(block, dict) else None
        kind = BLOCK_TYPES.get(name) if isinstance(name, str) else None
        if kind is None:
            context.warn(f"{where}, block {position}: unknown block type {name!r} was skipped")
            continue
        value = block.get("value")
        try:
            prepared = kind.prepare(value, context)
        except (AttributeError, TypeError, ValueError, KeyError):
            # A value of a shape this renderer does not know: the email goes without it.
            context.warn(f"{where}, block {position}: {name!r} block could not be read, skipped")
            continue
        if prepared is None:
            continue
        html = render_to_string(
            f"rendering/blocks/{name}.html", {**prepared, "brand_colour": context.brand_colour}
        )
        rendered.append(
            RenderedBlock(type=name, value=prepared, html=html, text=kind.text(prepared))
        )
    return rendered
