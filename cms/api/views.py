from rest_framework.permissions import AllowAny
from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.api.caching import CachedEndpointMixin
from cms.api.filters import (
    FILTER_PARAMETERS,
    FieldsFilterWithoutTaxonomies,
    LocaleCheck,
    TaxonomyFilter,
)
from cms.api.queries import ConstantQueriesMixin
from cms.monitor.models import ArticlePage
from cms.stories.models import DefenderStoryPage


class PublicReadOnly:
    """The content API is public and read-only: no credentials, no sessions."""

    authentication_classes = []
    permission_classes = [AllowAny]


class PagesViewSet(PublicReadOnly, CachedEndpointMixin, ConstantQueriesMixin, PagesAPIViewSet):
    filter_backends = [
        LocaleCheck,
        TaxonomyFilter,
        *(
            FieldsFilterWithoutTaxonomies if backend is FieldsFilter else backend
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


class PublicDocumentsViewSet(PublicReadOnly, CachedEndpointMixin, DocumentsAPIViewSet):
    pass


class PublicImagesViewSet(PublicReadOnly, CachedEndpointMixin, ImagesAPIViewSet):
    """Images, less those a defender story hides (a face that must not be shown)."""

    def get_queryset(self):
        hidden = DefenderStoryPage.objects.filter(show_face=False, photo__isnull=False).values(
            "photo"
        )
        return super().get_queryset().exclude(pk__in=hidden)
