"""Turning a campaign's content snapshot into an email: HTML, plain text and warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from newsletter_service.rendering.blocks import text_of
from newsletter_service.rendering.context import RenderContext
from newsletter_service.rendering.links import MERGE_TAG, Links, host_of
from newsletter_service.rendering.pages import PageView, page_view
from newsletter_service.rendering.text import email_text

KINDS = ("single", "digest", "invitation", "appeal")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
COLOUR = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?")
PREVIEW_TEXT_LENGTH = 150
# After the preview text, so that mail clients do not fill the preview with
# the start of the body ("View this email in your browser...").
PREHEADER_PADDING = "\u034f\u00a0" * 60

# Rules of the first <style> go into style attributes; the second (media
# queries, data-css-inline="keep") stays as it is for the clients that read it.
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_link_tags=False)


class RenderingError(ValueError):
    """The snapshot cannot make an email at all (unknown kind, no page, no CMS URL)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preview_text: str
    html: str
    text: str
    warnings: list[str]


def _one_line(value: Any) -> str:
    return re.sub(r"\s+", " ", text_of(value)).strip()


def _language(value: Any, context: RenderContext) -> str:
    if isinstance(value, str) and LANGUAGE.fullmatch(value.strip()):
        return value.strip()
    context.warn(f"language {value!r} is not a language code; {settings.LANGUAGE_CODE} is used")
    return settings.LANGUAGE_CODE


def _base_url(snapshot: dict[str, Any]) -> str:
    base_url = snapshot.get("cms_base_url")
    if (
        not isinstance(base_url, str)
        or host_of(base_url) == ""
        or not re.match(r"https?://", base_url)
    ):
        raise RenderingError("cms_base_url must be the CMS's http(s) address")
    return base_url


def _main_action(kind: str, page: PageView, blocks: list) -> tuple[dict | None, list]:
    """The button of the email and the blocks left: an appeal's or invitation's first call to
    action stands out of the body, else the page itself is the link."""
    if kind in ("invitation", "appeal"):
        for block in blocks:
            if block.type == "call_to_action":
                return block.value, [other for other in blocks if other is not block]
    labels = {
        "single": gettext("Read on our website"),
        "invitation": gettext("Find out more and register"),
        "appeal": gettext("Take action"),
    }
    if page.url is None:
        return None, blocks
    return {"text": labels[kind], "url": page.url}, blocks


def render_campaign(*, snapshot: dict[str, Any]) -> RenderedEmail:
    """Render a campaign's content snapshot as an email ready for Mailchimp.

    ``snapshot``: ``kind`` (single, digest, invitation, appeal), ``language``,
    ``subject``, ``preview_text``, ``intro`` (plain text, optional), ``pages``
    (page detail JSON of the CMS's API v2: the page, or a digest's articles)
    and ``cms_base_url`` (against which relative links are made absolute).

    Returns the HTML (tables, CSS inlined, merge tags intact), the plain text
    and warnings about what was left out (an unknown block type, an image
    without a usable rendition...). Content never stops an email; a snapshot
    that cannot make one raises ``RenderingError``.
    """
    config = settings.NEWSLETTER_RENDERING
    kind = snapshot.get("kind")
    if kind not in KINDS:
        raise RenderingError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    pages = snapshot.get("pages")
    if not isinstance(pages, list) or not pages:
        raise RenderingError("a campaign needs at least one page")
    base_url = _base_url(snapshot)
    site_hosts = [
        host_of(page["meta"]["html_url"])
        for page in pages
        if isinstance(page, dict)
        and isinstance(page.get("meta"), dict)
        and isinstance(page["meta"].get("html_url"), str)
    ]
    brand_colour = config["BRAND_COLOUR"] if COLOUR.fullmatch(config["BRAND_COLOUR"]) else "#000000"
    context = RenderContext(
        links=Links(
            base_url=base_url, site_hosts=site_hosts, utm_parameters=config["UTM_PARAMETERS"]
        ),
        image_width=config["CONTENT_WIDTH"],
        brand_colour=brand_colour,
    )
    language = _language(snapshot.get("language"), context)
    if kind != "digest" and len(pages) > 1:
        context.warn(f"a {kind} email shows one page; the other {len(pages) - 1} were left out")
        pages = pages[:1]

    with translation.override(language):
        views = [page_view(page, context, with_blocks=kind != "digest") for page in pages]
        subject = _one_line(snapshot.get("subject"))
        if not subject:
            subject = views[0].title
            context.warn("the subject is empty; the page's title is used")
        preview_text = (
            _one_line(snapshot.get("preview_text"))
            or _one_line(views[0].summary)[:PREVIEW_TEXT_LENGTH]
        )
        template_context: dict[str, Any] = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "subject": subject,
            "preview_text": preview_text,
            "preheader_padding": PREHEADER_PADDING,
            "intro": text_of(snapshot.get("intro")),
            "width": context.image_width,
            "brand_colour": brand_colour,
            "organisation_name": config["ORGANISATION_NAME"],
            "postal_address": config["ORGANISATION_POSTAL_ADDRESS"].strip(),
            "unsubscribe_tag": config["UNSUBSCRIBE_TAG"],
            "preferences_tag": config["PREFERENCES_TAG"],
            "archive_tag": config["ARCHIVE_TAG"],
            "list_description_tag": config["LIST_DESCRIPTION_TAG"],
        }
        if not template_context["postal_address"]:
            context.warn("ORGANISATION_POSTAL_ADDRESS is not set: the law requires it in emails")
        if kind == "digest":
            template_context["pages"] = views
        else:
            page = views[0]
            action, blocks = _main_action(kind, page, page.blocks)
            template_context.update(page=page, blocks=blocks, action=action)
        html = INLINER.inline(render_to_string(f"rendering/email/{kind}.html", template_context))
        text = email_text(kind, template_context)

    return RenderedEmail(
        subject=subject,
        preview_text=preview_text,
        html=html,
        text=text,
        warnings=list(context.warnings),
    )


def render_preview_html(snapshot: dict[str, Any]) -> str:
    """The email as its recipient would see it in a browser: merge tags replaced.

    Each tag of ``NEWSLETTER_RENDERING["PREVIEW_MERGE_VALUES"]`` becomes its
    example value (links to ``#...``, a sample name); any other merge tag is
    removed, so that the preview never links to Mailchimp.
    """
    html = render_campaign(snapshot=snapshot).html
    for tag, value in settings.NEWSLETTER_RENDERING["PREVIEW_MERGE_VALUES"].items():
        html = html.replace(tag, escape(value))
    return MERGE_TAG.sub("", html)
