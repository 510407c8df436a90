"""Rich text for the content API: links resolved in one query for a whole listing."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.rich_text import features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

# Joins the rich text of a whole listing so that each kind of link is looked up
# once; the rewriters only touch <a linktype> and <embed> tags, never this.
SEPARATOR = "<!--cms-api-rich-text-separator-->"


def _loaded(model, attrs_list: list[dict], loaded: dict | None) -> dict[str, Any]:
    """The rows the links name, by id as text: from ``loaded``, the rest in one query."""
    found = {str(pk): row for pk, row in (loaded or {}).items()}
    missing = {str(attrs.get("id")) for attrs in attrs_list} - found.keys()
    missing_ids = [int(i) for i in missing if i.isascii() and i.isdigit()]
    if missing_ids:
        found.update((str(row.pk), row) for row in model.objects.filter(pk__in=missing_ids))
    return found


def _page_links(attrs_list: list[dict], loaded: dict | None = None) -> list[str]:
    """Links to pages, to the page the editor chose.

    Wagtail's own handler links to the page's translation in the language
    active for the request; an API request has no visitor language, so a
    French article keeps its links to French pages. One query, no ``specific()``.
    """
    pages = _loaded(Page, attrs_list, loaded)
    links = []
    for attrs in attrs_list:
        page = pages.get(str(attrs.get("id")))
        url = page.get_url() if page is not None else None
        links.append(f'<a href="{escape(url)}">' if url else "<a>")
    return links


def _document_links(attrs_list: list[dict], loaded: dict | None = None) -> list[str]:
    """Links to documents, as Wagtail's handler makes them."""
    documents = _loaded(get_document_model(), attrs_list, loaded)
    links = []
    for attrs in attrs_list:
        document = documents.get(str(attrs.get("id")))
        links.append(f'<a href="{escape(document.url)}">' if document is not None else "<a>")
    return links


def link_ids(sources: list[str]) -> dict[str, set[int]]:
    """The ids each kind of link of these rich texts names (``page``, ``document``)."""
    found: dict[str, set[int]] = {"page": set(), "document": set()}
    if not sources:
        return found
    for linktype, matches in LinkRewriter().extract_tags(SEPARATOR.join(sources)).items():
        if linktype in found:
            for match in matches:
                identifier = str(match.attrs.get("id", ""))
                if identifier.isascii() and identifier.isdigit():
                    found[linktype].add(int(identifier))
    return found


def _rewriter(pages: dict | None = None, documents: dict | None = None) -> MultiRuleRewriter:
    link_rules = {
        linktype: handler.expand_db_attributes_many
        for linktype, handler in features.get_link_types().items()
    }
    link_rules["page"] = partial(_page_links, loaded=pages)
    if "document" in link_rules:
        link_rules["document"] = partial(_document_links, loaded=documents)
    embed_rules = {
        embedtype: handler.expand_db_attributes_many
        for embedtype, handler in features.get_embed_types().items()
    }
    return MultiRuleRewriter(
        [LinkRewriter(bulk_rules=link_rules), EmbedRewriter(bulk_rules=embed_rules)]
    )


def expand_rich_text_many(
    sources: list[str], *, pages: dict | None = None, documents: dict | None = None
) -> list[str]:
    """The front-end HTML of each stored rich text, every kind of link looked up once.

    ``pages`` and ``documents`` (id -> row) are rows already read for the same
    listing: only the links they do not hold are looked up.
    """
    if not sources:
        return []
    return _rewriter(pages, documents)(SEPARATOR.join(sources)).split(SEPARATOR)
