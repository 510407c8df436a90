"""Headless preview: an external front end renders the draft an editor previews.

With ``HEADLESS_PREVIEW_CLIENT_URLS`` set, Wagtail's preview sends the editor
to the front end (wagtail-headless-preview) with ``?content_type=...&token=...``;
the front end fetches the draft's JSON from ``/api/v2/page_preview/`` with
the same two parameters. The token is signed and short-lived
(``CMS_PREVIEW_TOKEN_SECONDS``): without a valid one, no draft is served.
Without a front end configured, Wagtail's own preview renders the page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from rest_framework.response import Response
from wagtail.models import Page
from wagtail_headless_preview.models import PagePreview

from cms.api.schema import described
from cms.api.views import PagesViewSet
from cms.core.preview import HeadlessPreviewPage

PREVIEW_PARAMETERS = ("content_type", "token")


class PreviewTokenError(Exception):
    """Why a preview was refused; the message is shown to the front end."""

    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def preview_page(*, content_type: str | None, token: str | None) -> Page:
    """The draft a preview token was made for, or a ``PreviewTokenError``."""
    for name, value in (("content_type", content_type), ("token", token)):
        if not value:
            raise PreviewTokenError(400, "Missing parameter", f"{name}: required")
    try:
        app_label, model = content_type.split(".")
        page_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
    except (ValueError, ContentType.DoesNotExist):
        raise PreviewTokenError(
            400, "Unknown page type", f"content_type: unknown page type {content_type!r}"
        ) from None
    model_class = page_type.model_class()
    if model_class is None or not issubclass(model_class, HeadlessPreviewPage):
        raise PreviewTokenError(
            400, "Unknown page type", f"content_type: {content_type!r} has no headless preview"
        )
    try:
        model_class.get_preview_signer().unsign(token, max_age=settings.CMS_PREVIEW_TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise PreviewTokenError(
            403,
            "Preview token expired",
            f"token: expired (valid {settings.CMS_PREVIEW_TOKEN_SECONDS} seconds); "
            "preview the page again in Wagtail",
        ) from None
    except signing.BadSignature:
        raise PreviewTokenError(
            403, "Invalid preview token", "token: not a valid preview token"
        ) from None
    try:
        preview = PagePreview.objects.get(content_type=page_type, token=token)
    except PagePreview.DoesNotExist:
        raise PreviewTokenError(
            404, "Preview not found", "token: no preview of this page type for this token"
        ) from None
    page = preview.as_page()
    if not page.pk:
        page.pk = 0  # a page not saved yet: the serializer needs an id
    return page


@described("page_preview")
class PagePreviewViewSet(PagesViewSet):
    """``/api/v2/page_preview/?content_type=...&token=...``: a draft, shown as a page's detail."""

    known_query_parameters = PagesViewSet.known_query_parameters.union(PREVIEW_PARAMETERS)

    def listing_view(self, request):
        self.action = "detail_view"  # the detail's serializer, and its fields
        try:
            self._preview = preview_page(
                content_type=request.GET.get("content_type"), token=request.GET.get("token")
            )
        except PreviewTokenError as error:
            response = Response(
                {
                    "type": "about:blank",
                    "title": error.title,
                    "status": error.status,
                    "detail": error.detail,
                },
                status=error.status,
                content_type="application/problem+json",
            )
        else:
            response = Response(self.get_serializer(self._preview).data)
        # A draft, or a refusal that depends on the time: never kept by any cache.
        response["Cache-Control"] = "private, no-store"
        return response

    def detail_view(self, request, pk):
        return self.listing_view(request)

    def get_object(self):
        return self._preview
