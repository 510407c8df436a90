from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.router import api_router
from cms.api.v3.api import api as api_v3
from cms.api.views import api_not_found
from platform_common.urls import platform_urlpatterns

urlpatterns = [
    *platform_urlpatterns,
    path("django-admin/", admin.site.urls),
    # Two-factor pages (cms.accounts), before the rest of the Wagtail admin.
    path("admin/2fa/", include("cms.accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/schema/", SpectacularAPIView.as_view(), name="content-api-schema"),
    path(
        "api/v2/docs/",
        SpectacularSwaggerView.as_view(url_name="content-api-schema"),
        name="content-api-docs",
    ),
    path("api/v2/", api_router.urls),
    path("api/v3/", api_v3.urls),
    # The rest of /api/ is a JSON 404, not the public site's HTML one.
    re_path(r"^api/v[23]/(?:.*/)?$", api_not_found),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves whatever no other pattern claimed: keep it last. Pages in
# the default language live at /..., their translations at /fr/..., /es/...
urlpatterns += i18n_patterns(
    path("sitemap.xml", sitemap),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
