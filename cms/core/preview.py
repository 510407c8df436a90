"""Headless preview of pages by an external front end (see ``cms.api.preview``)."""

from __future__ import annotations

from wagtail.models import Site
from wagtail_headless_preview.models import HeadlessPreviewMixin
from wagtail_headless_preview.settings import headless_preview_settings


def client_root_url(site: Site | None) -> str | None:
    """The front end that renders previews of this site's pages, if one is configured."""
    urls = headless_preview_settings.CLIENT_URLS or {}
    url = (site and urls.get(site.hostname)) or urls.get("default")
    if not url:
        return None
    return url.format(SITE_ROOT_URL=site.root_url if site else "").rstrip("/") + "/"


class HeadlessPreviewPage(HeadlessPreviewMixin):
    """A page type whose preview an external front end renders, when one is configured."""

    def get_client_root_url(self, request) -> str:
        return client_root_url(Site.find_for_request(request))

    def serve_preview(self, request, mode_name):
        if client_root_url(Site.find_for_request(request)) is None:
            # No front end: Wagtail renders the preview with the page's template.
            return super(HeadlessPreviewMixin, self).serve_preview(request, mode_name)
        return super().serve_preview(request, mode_name)
