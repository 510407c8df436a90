"""The CMS's URLs plus what ``bench/content_api.py`` compares the content API with.

- ``/api/stock/``: stock Wagtail API v2, the plain ``PagesAPIViewSet`` on the
  same content (no caching, no prefetching, no custom filters), public as the
  content API is (the platform's DRF default asks for a service token);
- ``/bench/floor/<name>.json``: the framework's floor, a Django view returning
  bytes from memory (read once from ``BENCH_FLOOR_DIR``, where the benchmark
  writes the content API's own answers) through the full middleware stack.

Used through ``bench.cms_settings`` only; never part of a deployment.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as cms_urlpatterns


class StockPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's viewset as it comes, with the content API's access rule only."""

    authentication_classes = []
    permission_classes = [AllowAny]


stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", StockPagesAPIViewSet)

_bodies: dict[str, bytes] = {}


@require_GET
def floor(request, name: str) -> HttpResponse:
    body = _bodies.get(name)
    if body is None:
        try:
            body = (Path(os.environ["BENCH_FLOOR_DIR"]) / f"{name}.json").read_bytes()
        except (KeyError, OSError) as error:
            raise Http404(name) from error
        _bodies[name] = body
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("api/stock/", stock_router.urls),
    path("bench/floor/<slug:name>.json", floor),
    # Last: Wagtail's catch-all of page URLs is at its end.
    *cms_urlpatterns,
]
