"""Rich text for the content API: links resolved in one query for a whole listing."""

from __future__ import annotations

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text import features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

# Joins the rich text of a whole listing so that each kind of link is looked up
# once; the rewriters only touch <a linktype> and <embed> tags, never this.
SEPARATOR = "<!--cms-api-rich-text-separator-->"


def _page_links(attrs_list: list[dict]) -> list[str]:
    """Links to pages, to the page the editor chose.

    Wagtail's own handler links to the page's translation in the language
    active for the request; an API request has no visitor language, so a
    French article keeps its links to French pages. One query, no ``specific()``.
    """
    ids = {str(attrs.get("id")) for attrs in attrs_list}
    pages = {
        str(page.pk): page for page in Page.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    }
    links = []
    for attrs in attrs_list:
        page = pages.get(str(attrs.get("id")))
        url = page.get_url() if page is not None else None
        links.append(f'<a href="{escape(url)}">' if url else "<a>")
    return links


def _rewriter() -> MultiRuleRewriter:
    link_rules = {
        linktype: handler.expand_db_attributes_many
        for linktype, handler in features.get_link_types().items()
    }
    link_rules["page"] = _page_links
    embed_rules = {
        embedtype: handler.expand_db_attributes_many
        for embedtype, handler in features.get_embed_types().items()
    }
    return MultiRuleRewriter(
        [LinkRewriter(bulk_rules=link_rules), EmbedRewriter(bulk_rules=embed_rules)]
    )


def expand_rich_text_many(sources: list[str]) -> list[str]:
    """The front-end HTML of each stored rich text, every kind of link looked up once."""
    if not sources:
        return []
    return _rewriter()(SEPARATOR.join(sources)).split(SEPARATOR)
