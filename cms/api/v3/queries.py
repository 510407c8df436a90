"""The pages API v3 may show: live, public, of the request's site, to anyone.

Every request is answered as if from a visitor with no account and no session:
a page behind a password, a login or a group is left out even for an editor
who is signed in, or a visitor who typed the password (Wagtail's v3 preview
would show editors their drafts). So one answer fits every client, and can be
cached by anyone.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page, PageViewRestriction

from cms.api.queries import _any, _site_row


def _site_roots(request) -> tuple[str, ...]:
    """Tree paths of the language roots of the site asked for (``?site=``) or of the host."""
    if name := request.GET.get("site"):
        try:
            site = SiteFilterValidator(site=name, request=request).site_obj
        except ValueError as error:
            raise BadRequestError(f"site: {error}") from error
        except Http404:
            raise BadRequestError(f"site: no site has the hostname {name!r}") from None
        root = site.root_page
        return (root.path, *(page.path for page in root.get_translations()))
    row = _site_row(request)
    return row[4] if row is not None else ()


def anonymous_public_pages(request, model: type[Page] = Page):
    """Live pages of ``model`` on the request's site, in every language, that anyone may see."""
    roots = _site_roots(request)
    if not roots:
        return model.objects.none()
    queryset = model.objects.live().filter(_any(Q(path__startswith=path) for path in roots))
    restricted = PageViewRestriction.objects.exclude(
        restriction_type=PageViewRestriction.NONE
    ).select_related("page")
    for restriction in restricted:
        queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset
