"""The content API v3 at /api/v3/: Wagtail 8's v3 preview, public and read-only.

Wagtail's own v3 (``wagtail.api.v3.urls``) is a read and write API: create,
edit, publish, move, delete, copy, revert pages; sites; API tokens; drafts for
editors with a token. None of that is mounted here. This is a NinjaAPI of its
own with three read operations on pages, built from Wagtail's v3 parts (its
filters, ordering, search, pagination, problem details and schema generator):

- ``GET /api/v3/pages/``: a listing, with Wagtail's v3 filters;
- ``GET /api/v3/pages/<id>/``: one page with every public field;
- ``GET /api/v3/pages/find/?html_path=``: redirects to a page's detail;

and its OpenAPI 3.1 document (``/api/v3/openapi.json``) with Swagger UI
(``/api/v3/docs/``). Any other method is a 405: there is nothing to write to.

Every request is answered as to an anonymous visitor (``cms.api.v3.queries``):
no token, session or password makes a draft or a private page appear. A page
shows only its ``api_fields``, as in v2 (``cms.api.v3.schemas``).
"""

import functools
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import PositiveInt
from pydantic import ValidationError as PydanticValidationError
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v3.errors import (
    ProblemDetail,
    as_validation_error,
    problem_response,
    register_exception_handlers,
)
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination
from wagtail.api.v3.routers.pages import PageFilterSchema
from wagtail.api.v3.schemas.pages import BASE_PAGE_READ_FIELDS
from wagtail.api.v3.schemas.params import APIFieldFilterSchema, OrderingSchema, SearchSchema
from wagtail.api.validators import APIFieldValidator
from wagtail.models import Locale, Page, Site

from cms.api.v3 import schemas
from cms.api.v3.queries import anonymous_public_pages

PROBLEM = "application/problem+json"
MAX_OFFSET = 1_000_000_000


class PublicApi(NinjaAPI):
    """A NinjaAPI whose OpenAPI document says what its errors really are."""

    def get_openapi_schema(self, *args, **kwargs):
        document = super().get_openapi_schema(*args, **kwargs)
        for operations in document["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM: content.pop("application/json")}
        component_schemas = document["components"].setdefault("schemas", {})
        added = schemas.components()
        clashes = set(added) & set(component_schemas)
        if clashes:
            raise RuntimeError(f"API v3 components named twice: {sorted(clashes)}")
        component_schemas.update(added)
        for key, value in list(document.items()):
            document[key] = schemas.restore_refs(value)
        return document


api = PublicApi(
    title="Content API v3 (preview)",
    version="3.0.0-preview",
    description=(
        "Published, public pages of the CMS, read-only, through Wagtail 8's API v3 "
        "(a preview: its shape may change with Wagtail). Listings show id, title and "
        "meta; a page's detail shows every public field. The v2 API (/api/v2/) has "
        "fields selection, the filters of front ends, images, documents, caching and "
        "previews. A guide: docs/content_api.md."
    ),
    urls_namespace=schemas.NAMESPACE,
    openapi_url="/openapi.json",
    docs_url="/docs/",
)
register_exception_handlers(api)


@api.exception_handler(BadRequestError)
def bad_request(request, exc):
    return problem_response(status=400, detail=str(exc))


class Pagination(WagtailLimitOffsetPagination):
    """Wagtail's v3 pagination (``limit`` up to ``WAGTAILAPI_LIMIT_MAX``), with a bounded offset."""

    class Input(WagtailLimitOffsetPagination.Input):
        offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class PageFilters(PageFilterSchema):
    """Wagtail's v3 page filters, seen by an anonymous visitor, with a 400 for unknown locales."""

    type: list[schemas.PageType] = []

    @staticmethod
    def get_public_page(request, page_id: int, loc: str) -> Page:
        try:
            return anonymous_public_pages(request).get(pk=page_id)
        except Page.DoesNotExist as error:
            message = f"No public page has the id given as {loc}."
            raise as_validation_error(error, message, loc=(loc,)) from error

    @staticmethod
    def get_public_page_or_root(request, page_id, loc: str) -> Page:
        # Wagtail's calls PageFilterSchema.get_public_page, which sees an editor's pages.
        if page_id == "root":
            site = Site.find_for_request(request)
            if site is None:
                raise HttpError(404, f"{loc}: no site answers to this host name")
            return site.root_page
        return PageFilters.get_public_page(request, page_id, loc)

    def filter_locale(self, value: str | None) -> Q:
        if not value:
            return Q()
        if not Locale.objects.filter(language_code=value).exists():
            raise HttpError(400, f"locale: unknown language code {value!r}")
        return Q(locale__language_code=value)


OPERATION_PARAMETERS = {
    "list": {"limit", "offset"}.union(
        PageFilters.model_fields, OrderingSchema.model_fields, SearchSchema.model_fields
    ),
    "find": {"html_path", "id", "site"},
    "detail": {"site"},
}


def _field_filters(model: type[Page]) -> set[str]:
    """Fields of ``model`` a listing may be filtered by: its ``api_fields`` in the database."""
    validator = APIFieldValidator(
        model=model, fields=[], base_fields=BASE_PAGE_READ_FIELDS, db_fields_only=True
    )
    return set(validator.allowed_fields) - {"pk"}


def public_read(operation: str):
    """Answer as to an anonymous visitor, refusing parameters the operation does not know."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            # Whatever session or token came with it (Wagtail's v3 code reads request.user).
            request.user = AnonymousUser()
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    raise HttpError(400, f"{name!r}: null characters are not allowed")
            known = OPERATION_PARAMETERS[operation]
            if operation == "list":
                known = known | _field_filters(_listed_model(request))
            unknown = sorted(set(request.GET) - known)
            if unknown:
                raise HttpError(400, f"{unknown[0]}: unknown parameter")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _listed_model(request) -> type[Page]:
    from wagtail.coreutils import resolve_model_string

    types = request.GET.getlist("type")
    if len(types) == 1 and types[0] in {model._meta.label for model in schemas.page_types()}:
        return resolve_model_string(types[0])
    return Page


ERRORS: dict[int, Any] = {400: ProblemDetail, 404: ProblemDetail, 422: ProblemDetail}

router = Router(tags=["pages"])


@router.get(
    "/",
    response={200: list[schemas.ListingPage], **ERRORS},
    url_name="page_listing",
    operation_id="pages_list",
    summary="List pages",
    description=(
        "Live, public pages of the site, in every language, by id unless `order` says "
        "otherwise. With one `type`, that type's own fields (its `api_fields` stored in "
        "the database) may be used as filters (`kind=statement`) and in `order`. An "
        "unknown parameter is a 400; a bad value a 400 or 422 naming it."
    ),
)
@paginate(Pagination, pass_parameter="pagination_info")  # noqa: S106 (not a password)
@public_read("list")
def list_pages(
    request,
    filters: PageFilters = Query(...),  # noqa: B008 (how Ninja declares parameters)
    ordering: OrderingSchema = Query(...),  # noqa: B008
    search: SearchSchema = Query(...),  # noqa: B008
    **kwargs,
):
    pagination_info = kwargs["pagination_info"]
    model = filters.type[0] if len(filters.type) == 1 else Page
    queryset = anonymous_public_pages(request, model).select_related("locale", "content_type")
    queryset = filters.filter(queryset.order_by("pk"), request)
    field_filter = APIFieldFilterSchema.with_exclude_schemas(
        raw_params=request.GET,
        schemas=(PageFilters, OrderingSchema, SearchSchema),
        base_fields=BASE_PAGE_READ_FIELDS,
    )
    queryset = field_filter.filter_queryset(queryset)
    try:
        queryset = ordering.order_queryset(
            queryset, pagination_info, base_fields=BASE_PAGE_READ_FIELDS
        )
    except PydanticValidationError as error:
        raise HttpError(400, f"order: {error.errors()[0]['msg']}") from error
    return search.search_queryset(request, queryset)


@router.get(
    "/find/",
    response={302: None, **ERRORS},
    url_name="page_find",
    operation_id="pages_find",
    summary="Find a page by its path on the site",
    description=(
        "Redirects (302) to the detail of the public page at `html_path` (as the site "
        "shows it: `/fr/monitor/` for French) or with `id`. A path no public page has is a 404."
    ),
)
@public_read("find")
def find_page(
    request,
    html_path: str | None = None,
    id: PositiveInt | None = None,
    site: str | None = None,
):
    pages = anonymous_public_pages(request)
    page = None
    if html_path:
        page = _page_at(request, pages, html_path)
    if page is None and id:
        page = pages.filter(pk=id).first()
    if page is None:
        raise Http404("No public page matches the given path or id.")
    query = request.GET.copy()
    for name in ("html_path", "id"):
        query.pop(name, None)
    location = schemas.detail_url(request, page.pk)
    return HttpResponseRedirect(f"{location}?{query.urlencode()}" if query else location)


def _page_at(request, pages, html_path: str) -> Page | None:
    from wagtail.api.validators import SiteFilterValidator

    try:
        site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    except ValueError as error:
        raise BadRequestError(f"site: {error}") from error
    if site is None:
        return None
    components = [component for component in html_path.split("/") if component]
    root = site.root_page
    # Pages in the default language are at /..., their translations at /fr/..., /es/...
    if components and components[0] != root.locale.language_code:
        locale = Locale.objects.filter(language_code=components[0]).first()
        translation = root.get_translation_or_none(locale) if locale else None
        if translation is not None:
            root, components = translation, components[1:]
    try:
        page, _args, _kwargs = root.specific.route(request, components)
    except Http404:
        return None
    return page if pages.filter(pk=page.pk).exists() else None


@router.get(
    "/{page_id}/",
    response={200: schemas.PageDetail, **ERRORS},
    url_name="page_detail",
    operation_id="pages_detail",
    summary="A page with every public field",
    description=(
        "The live version of a public page; drafts, unpublished and private pages are 404s, "
        "whoever asks."
    ),
)
@public_read("detail")
def page_detail(request, page_id: int, site: str | None = None):
    return get_object_or_404(anonymous_public_pages(request), pk=page_id).specific


api.add_router("/pages/", router)
