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
  image shown (with the images of body blocks), the documents and pages that
  body blocks and rich-text links name (a query per model: ``cms.api.streams``),
  related articles;
- the total count comes with the page of results, in the same query.

The privacy restrictions themselves are read on every request, never cached:
a page made private must disappear from the API at once.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from cms.api.richtext import expand_rich_text_many, link_ids
from cms.api.serializers import RENDITION_SPECS, ImageField, PeopleField
from cms.api.streams import BodyLoader
from cms.events.selectors import content_generation
from cms.events.services import CACHE_ERRORS

SITES_CACHE_KEY = "cms:api:sites"

logger = logging.getLogger(__name__)


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
    with_body = "body" in fields and hasattr(model, "body")
    bodies = BodyLoader([item.body for item in items]) if with_body else None
    sources = []
    if bodies is not None:
        sources = [
            raw["value"]
            for stream in bodies.streams
            for raw in stream._raw_data
            if raw is not None and raw.get("type") == "rich_text"
        ]
    links = link_ids(sources)
    objects = {}
    if bodies is not None:
        objects = _body_objects(bodies.ids, links)
    shown = _shown_images(items, model=model, fields=fields)
    objects[get_image_model()] = _with_renditions(
        shown, body_image_ids=bodies.ids.get(get_image_model(), set()) if bodies else set()
    )
    if bodies is not None:
        bodies.bind(objects)
    if "related_articles" in fields and hasattr(model, "prefetch_related_articles"):
        _related_articles(items, model=model, base_queryset=base_queryset)
    context = {}
    if bodies is not None:
        sources = [
            block.value.source
            for item in items
            for block in item.body
            if block.block_type == "rich_text"
        ]
        context["rich_text"] = dict(
            zip(
                sources,
                expand_rich_text_many(
                    sources,
                    pages=objects.get(Page),
                    documents=objects.get(get_document_model()),
                ),
                strict=True,
            )
        )
    return context


def _related_articles(items: list, *, model, base_queryset) -> None:
    """Related articles, computed once per content generation and kept in the cache.

    Which articles are related changes only with published content (themes,
    countries, chosen pages, titles, what is live), and every such change
    bumps the generation (``cms.events``); the key also holds the pages the
    request may show (its site, the privacy restrictions it does not pass).
    Articles missing from the cache are computed together, in one query.
    """
    state = content_generation()
    if state is None:
        model.prefetch_related_articles(items, base_queryset=base_queryset)
        return
    sql, params = base_queryset.order_by().values("pk").query.sql_with_params()
    scope = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:16]
    keys = {item.pk: f"content-api:related:{state[0]}:{scope}:{item.pk}" for item in items}
    try:
        stored = cache.get_many(list(keys.values()))
    except CACHE_ERRORS:
        logger.exception("Content API cache unavailable")
        stored = {}
    missing = [item for item in items if keys[item.pk] not in stored]
    if missing:
        model.prefetch_related_articles(missing, base_queryset=base_queryset)
        try:
            cache.set_many(
                {keys[item.pk]: item._related_articles for item in missing},
                timeout=settings.CMS_API_CACHE_TIMEOUT,
            )
        except CACHE_ERRORS:
            logger.exception("Content API cache unavailable")
    for item in items:
        if keys[item.pk] in stored:
            item._related_articles = stored[keys[item.pk]]


def _body_objects(ids: dict[Any, set], links: dict[str, set[int]]) -> dict[Any, dict]:
    """One query per model that the bodies' blocks and rich-text links name (images aside).

    Pages come as base rows, which is all that links and blocks show (title,
    URL, live); a page chooser's value is made specific from them, no query.
    """
    document_model = get_document_model()
    wanted = {model: set(pks) for model, pks in ids.items() if model is not get_image_model()}
    wanted.setdefault(Page, set()).update(links["page"])
    wanted.setdefault(document_model, set()).update(links["document"])
    return {model: model.objects.in_bulk(pks) if pks else {} for model, pks in wanted.items()}


def _shown_images(items: list, *, model, fields: set[str]) -> list:
    """The images the listing's fields show outside bodies (heroes, people)."""
    serializers = {field.name: field.serializer for field in getattr(model, "api_fields", [])}
    images = []
    for name in fields:
        serializer = serializers.get(name)
        if isinstance(serializer, ImageField):
            images += [getattr(item, name) for item in items]
        elif isinstance(serializer, PeopleField):
            images += [link.person.photo for item in items for link in getattr(item, name).all()]
    return [image for image in images if image is not None]


def _with_renditions(shown: list, *, body_image_ids: set) -> dict[int, Any]:
    """One query for the renditions of every image the listing shows, the bodies' images too.

    The renditions come with their image, so the images of body blocks need
    no query of their own; only an image without any of the renditions yet
    (its first listing, before they are made) is read on its own, in one
    more query for all such images. Returns the bodies' images by id.
    """
    wanted = {image.pk for image in shown} | body_image_ids
    if not wanted:
        return {}
    image_model = get_image_model()
    renditions: dict[int, list] = {}
    body_images: dict[int, Any] = {}
    found = image_model.get_rendition_model().objects.filter(
        image_id__in=wanted, filter_spec__in=list(RENDITION_SPECS.values())
    )
    if body_image_ids:
        found = found.select_related("image")
    for rendition in found:
        renditions.setdefault(rendition.image_id, []).append(rendition)
        if rendition.image_id in body_image_ids:
            body_images.setdefault(rendition.image_id, rendition.image)
    if missing := body_image_ids - body_images.keys():
        body_images.update(image_model.objects.in_bulk(missing))
    for image in [*shown, *body_images.values()]:
        image.prefetched_renditions = list(renditions.get(image.pk, []))
    return body_images


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

    def get_object(self):
        # Asked for again by Wagtail's get_serializer_class on a detail.
        if hasattr(self, "_object"):
            return self._object
        page = self._object = super().get_object()
        if self.action == "detail_view":
            # A detail is a listing of one: the same batched loading.
            fields = set(self.get_serializer_class().Meta.fields)
            self._listing_context = prefetch_for_listing(
                [page], fields=fields, base_queryset=self.get_base_queryset()
            )
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **getattr(self, "_listing_context", {})}
