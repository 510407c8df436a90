"""The CMS's content API (Wagtail API v2) at /api/v2/."""

from wagtail.api.v2.router import WagtailAPIRouter

from cms.api.preview import PagePreviewViewSet
from cms.api.views import PagesViewSet, PublicDocumentsViewSet, PublicImagesViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesViewSet)
api_router.register_endpoint("images", PublicImagesViewSet)
api_router.register_endpoint("documents", PublicDocumentsViewSet)
# After "pages", which stays the endpoint that pages' detail URLs point to.
api_router.register_endpoint("page_preview", PagePreviewViewSet)
