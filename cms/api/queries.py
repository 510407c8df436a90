"""Keeping the content API's database queries few and constant.

A listing of 100 articles with every field asked for must not run a query per
article. Stock Wagtail looks up the page privacy restrictions, the site and its
language roots three times a request, and fields such as renditions, rich-text
links and related articles query once per item. Here:

- the public pages of the site are worked out once a request, and the site
  with its language roots comes from the cache (Wagtail's own cache of site
  root paths and a small table of sites, both cleared when a site changes);
- after pagination, what the requested fields need is fetched for the whole
  page of results at once: taxonomies, tags, authors, the renditions of every
  image shown, the pages and documents rich text links to, related articles.

The privacy restrictions themselves are read on every request, never cached:
a page made private must disappear from the API at once.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.utils import BadRequestError
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from cms.api.richtext import expand_rich_text_many
from cms.api.serializers import RENDITION_SPECS, ImageField, PeopleField

SITES_CACHE_KEY = "cms:api:sites"


def sites_table() -> list[tuple[int, str, int, bool, tuple[str, ...]]]:
    """Every site as (id, hostname, port, is default, tree paths of its language roots).

    Kept in the cache beside Wagtail's own site root paths, which Wagtail
    clears whenever a site or a site's root page (or a new translation of it)
    is saved: a table made from other root paths than today's is made again.
    Saving or deleting a site also clears it (``cms.api.apps``).
    """
    root_paths = Site.get_site_root_paths()
    stored = cache.get(SITES_CACHE_KEY)
    if stored is not None and stored["root_paths"] == root_paths:
        return stored["sites"]
    tree_paths = dict(
        Page.objects.filter(url_path__in={path.root_path for path in root_paths}).values_list(
            "url_path", "path"
        )
    )
    roots: dict[int, list[str]] = {}
    for path in root_paths:
        if path.root_path in tree_paths:
            roots.setdefault(path.site_id, []).append(tree_paths[path.root_path])
    sites = [
        (pk, hostname, port, is_default, tuple(roots.get(pk, ())))
        for pk, hostname, port, is_default in Site.objects.order_by("pk").values_list(
            "pk", "hostname", "port", "is_default_site"
        )
    ]
    cache.set(SITES_CACHE_KEY, {"root_paths": root_paths, "sites": sites}, timeout=None)
    return sites


def clear_sites_cache(**kwargs: Any) -> None:
    cache.delete(SITES_CACHE_KEY)


def _site_row(request):
    hostname = split_domain_port(request._get_raw_host())[0]
    port = int(request.get_port())
    table = sites_table()
    by_hostname = [row for row in table if row[1] == hostname]
    default = [row for row in table if row[3]]
    # Wagtail's order (get_site_for_hostname): hostname and port, hostname of
    # the default site, the only site of that hostname, the default site.
    return (
        next((row for row in by_hostname if row[2] == port), None)
        or next((row for row in by_hostname if row[3]), None)
        or (by_hostname[0] if len(by_hostname) == 1 else None)
        or (default[0] if default else None)
    )


def public_pages(request):
    """Live pages of the request's site, in every language, less private ones.

    What ``wagtail.api.querysets.get_public_pages_queryset`` returns, in one
    query (the privacy restrictions) instead of three.
    """
    if site := request.GET.get("site"):
        try:
            return get_public_pages_queryset(request)
        except ValueError as error:
            raise BadRequestError(f"site: {error}") from error
        except Http404:
            raise BadRequestError(f"site: no site has the hostname {site!r}") from None
    row = _site_row(request)
    if row is None:
        return Page.objects.none()
    queryset = Page.objects.live().filter(_any(Q(path__startswith=path) for path in row[4]))
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def _any(conditions) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def prefetch_for_listing(items: list, *, fields: set[str], base_queryset) -> dict[str, Any]:
    """Fetch what the requested fields of a page of results need, for all items at once.

    Returns what the serializers read from their context: the expanded rich
    text (``rich_text``), keyed by its stored form.
    """
    if not items:
        return {}
    model = type(items[0])
    if any(type(item) is not model for item in items):
        return {}  # a listing of mixed page types shows only the common fields
    lookups = getattr(model, "api_prefetches", dict)()
    prefetch_related_objects(items, *(lookup for name, lookup in lookups.items() if name in fields))
    _prefetch_renditions(items, model=model, fields=fields)
    if "related_articles" in fields and hasattr(model, "prefetch_related_articles"):
        model.prefetch_related_articles(items, base_queryset=base_queryset)
    context = {}
    if "body" in fields and hasattr(model, "body"):
        sources = [
            block.value.source
            for item in items
            for block in item.body
            if block.block_type == "rich_text"
        ]
        context["rich_text"] = dict(zip(sources, expand_rich_text_many(sources), strict=True))
    return context


def _prefetch_renditions(items: list, *, model, fields: set[str]) -> None:
    """One query for the renditions of every image the listing shows (heroes, people)."""
    serializers = {field.name: field.serializer for field in getattr(model, "api_fields", [])}
    images = []
    for name in fields:
        serializer = serializers.get(name)
        if isinstance(serializer, ImageField):
            images += [getattr(item, name) for item in items]
        elif isinstance(serializer, PeopleField):
            images += [link.person.photo for item in items for link in getattr(item, name).all()]
    images = [image for image in images if image is not None]
    if images:
        renditions = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec__in=list(RENDITION_SPECS.values()))
        )
        prefetch_related_objects(images, Prefetch("renditions", queryset=renditions))


class ConstantQueriesMixin:
    """For a Wagtail API pages viewset: listings in a fixed number of queries."""

    def get_base_queryset(self):
        # Asked for three times a request by Wagtail's viewset: worked out once.
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = public_pages(self.request)
        return self._base_queryset

    def paginate_queryset(self, queryset):
        items = list(super().paginate_queryset(queryset))
        fields = set(self.get_serializer_class().Meta.fields)
        self._listing_context = prefetch_for_listing(
            items, fields=fields, base_queryset=self.get_base_queryset()
        )
        return items

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **getattr(self, "_listing_context", {})}
