from http import HTTPStatus

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.http import Http404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.api.caching import CachedEndpointMixin
from cms.api.filters import (
    FILTER_PARAMETERS,
    FieldsFilterWithoutTaxonomies,
    LocaleCheck,
    TaxonomyFilter,
    naming_parameter,
)
from cms.api.queries import ConstantQueriesMixin
from cms.api.schema import described
from cms.monitor.models import ArticlePage
from cms.stories.models import DefenderStoryPage


class BoundedPagination(WagtailPagination):
    """Wagtail's pagination, with an ``offset`` the database can take (a bigint).

    The total count is read in the same query as the page of results (a
    subquery the database runs once), not in a query of its own; only a page
    past the end, which has no row to carry it, is counted apart.
    """

    MAX_OFFSET = 1_000_000_000
    TOTAL = "cms_api_total_count"

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "")
        if offset.isascii() and offset.isdigit() and int(offset) > self.MAX_OFFSET:
            raise BadRequestError(f"offset: must be at most {self.MAX_OFFSET}")
        if not (
            isinstance(queryset, QuerySet)
            and queryset._iterable_class is ModelIterable
            and queryset.query.group_by is None
            and not queryset.query.is_sliced
        ):
            return super().paginate_queryset(queryset, request, view)
        counted = _CountedQuerySet(queryset, self.TOTAL)
        page = list(super().paginate_queryset(counted, request, view))
        if page:
            self.total_count = getattr(page[0], self.TOTAL)
        elif counted.offset == 0 and counted.limit:
            self.total_count = 0
        else:
            self.total_count = queryset.count()
        return page


class _CountedQuerySet:
    """What ``WagtailPagination`` asks of a queryset, with the count left to the page's query."""

    def __init__(self, queryset: QuerySet, name: str):
        self.queryset, self.name = queryset, name
        self.offset = self.limit = None

    def count(self) -> None:
        return None  # read from the page's first row

    def __getitem__(self, bounds: slice):
        self.offset, self.limit = bounds.start, bounds.stop - bounds.start
        sql, params = self.queryset.order_by().values("pk").query.sql_with_params()
        # The queryset's own SQL, its values as parameters.
        total = RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608, S611
        return self.queryset.annotate(**{self.name: total})[bounds]


class PublicReadOnly:
    """The content API is public and read-only: no credentials, no sessions.

    Its errors are problem details (RFC 9457) like every other JSON API of the
    platform; ``message`` repeats ``detail`` for clients of Wagtail's own shape.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = BoundedPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # What the database or the search backend would refuse with a 500.
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequestError(f"{name!r}: null characters are not allowed")
        identifier = request.GET.get("id")
        if (
            self.action == "find_view"
            and identifier is not None
            and not (identifier.isascii() and identifier.isdigit())
        ):
            raise BadRequestError(f"id: expected an id (a whole number), got {identifier!r}")
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in ("and", "or"):
            raise BadRequestError(f"search_operator: expected 'and' or 'or', got {operator!r}")

    def handle_exception(self, exc):
        if isinstance(exc, BadRequestError | Http404):
            status = 400 if isinstance(exc, BadRequestError) else 404
            detail = str(exc) or HTTPStatus(status).phrase
            return Response(
                {
                    "type": "about:blank",
                    "title": HTTPStatus(status).phrase,
                    "status": status,
                    "detail": detail,
                    "message": detail,
                },
                status=status,
                content_type="application/problem+json",
            )
        return super().handle_exception(exc)


@described("pages")
class PagesViewSet(PublicReadOnly, CachedEndpointMixin, ConstantQueriesMixin, PagesAPIViewSet):
    filter_backends = [
        LocaleCheck,
        TaxonomyFilter,
        *(
            FieldsFilterWithoutTaxonomies if backend is FieldsFilter else naming_parameter(backend)
            for backend in PagesAPIViewSet.filter_backends
        ),
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(FILTER_PARAMETERS)

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is ArticlePage:
            # The rest of what a listing shows is fetched after pagination, for
            # the fields asked for only (ConstantQueriesMixin).
            queryset = queryset.select_related("hero_image", "programme", "locale")
        return queryset


@described("documents")
class PublicDocumentsViewSet(PublicReadOnly, CachedEndpointMixin, DocumentsAPIViewSet):
    filter_backends = [naming_parameter(backend) for backend in DocumentsAPIViewSet.filter_backends]


@described("images")
class PublicImagesViewSet(PublicReadOnly, CachedEndpointMixin, ImagesAPIViewSet):
    """Images, less those a defender story hides (a face that must not be shown)."""

    filter_backends = [naming_parameter(backend) for backend in ImagesAPIViewSet.filter_backends]

    def get_queryset(self):
        hidden = DefenderStoryPage.objects.filter(show_face=False, photo__isnull=False).values(
            "photo"
        )
        return super().get_queryset().exclude(pk__in=hidden)


def api_not_found(request, *args, **kwargs):
    """Any other URL under /api/v2/ or /api/v3/: a problem, not the public site's HTML 404."""
    from django.http import JsonResponse

    return JsonResponse(
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": f"No content API endpoint at {request.path}",
            "message": f"No content API endpoint at {request.path}",
        },
        status=404,
        content_type="application/problem+json",
    )
