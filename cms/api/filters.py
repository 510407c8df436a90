"""Filters front ends need on pages: country, theme, programme, date range."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_slug
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2 import filters as wagtail_filters
from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.utils import BadRequestError

from cms.monitor.models import ArticlePage

FILTER_PARAMETERS = (
    "country",
    "theme",
    "programme",
    "date_from",
    "date_to",
    "since",
    "published_after",
)


def _date(request, name: str) -> datetime.date | None:
    value = request.GET.get(name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadRequestError(f"{name}: expected a date as YYYY-MM-DD, got {value!r}") from None


def _moment(request, name: str) -> datetime.datetime | None:
    value = request.GET.get(name)
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequestError(
            f"{name}: expected an ISO 8601 date and time with a UTC offset, got {value!r}"
        )
    return moment


def _country(request) -> str | None:
    value = request.GET.get("country")
    if value and not re.fullmatch(r"[A-Za-z]{2}", value):
        raise BadRequestError(f"country: expected an ISO 3166 code such as KE, got {value!r}")
    return value.upper() if value else None


def _slug(request, name: str) -> str | None:
    value = request.GET.get(name)
    if value:
        try:
            validate_slug(value)
        except ValidationError:
            raise BadRequestError(
                f"{name}: expected a slug such as land-rights, got {value!r}"
            ) from None
    return value or None


class TaxonomyFilter(BaseFilterBackend):
    """Filters by ``country`` (ISO code), ``theme`` and ``programme`` (slugs), and by date.

    ``published_after`` (an ISO 8601 date and time with its offset) keeps the
    articles first published strictly after that moment: what the newsletter
    service's Monitor digest asks for ("published since the last digest"),
    which the article's own ``date`` cannot tell.

    They apply to Monitor articles (``type=monitor.ArticlePage``), the only
    pages with all of them; asked of other pages they are refused with a 400.
    A malformed code or slug is a 400; a well-formed one that no country or
    theme has (yet) finds nothing, as the newsletter digest expects.
    """

    def filter_queryset(self, request, queryset, view):
        used = [name for name in FILTER_PARAMETERS if name in request.GET]
        if not used:
            return queryset
        if queryset.model is not ArticlePage:
            raise BadRequestError(
                f"{', '.join(used)}: only available with type=monitor.ArticlePage"
            )
        if country := _country(request):
            queryset = queryset.filter(countries__iso_code=country)
        if theme := _slug(request, "theme"):
            queryset = queryset.filter(themes__slug=theme)
        if programme := _slug(request, "programme"):
            queryset = queryset.filter(programme__slug=programme)
        date_from = _date(request, "date_from") or _date(request, "since")
        date_to = _date(request, "date_to")
        if date_from and date_to and date_from > date_to:
            raise BadRequestError("date_from: must not be after date_to")
        if date_from:
            queryset = queryset.filter(date__gte=date_from)
        if date_to:
            queryset = queryset.filter(date__lte=date_to)
        if published_after := _moment(request, "published_after"):
            queryset = queryset.filter(first_published_at__gt=published_after)
        return queryset.distinct()


class FieldsFilterWithoutTaxonomies(FieldsFilter):
    """Wagtail's filter on field values, leaving the parameters above to ``TaxonomyFilter``.

    ``programme`` is both a field (an id) and our filter (a slug): it must mean the slug.
    A value a field's choices do not have (``kind=rumour``) is a 400, not an empty list.
    """

    def filter_queryset(self, request, queryset, view):
        for name, value in request.GET.items():
            try:
                field = queryset.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            choices = [str(choice) for choice, _label in getattr(field, "flatchoices", ())]
            if name not in FILTER_PARAMETERS and choices and value not in choices:
                raise BadRequestError(
                    f"{name}: expected one of {', '.join(choices)}, got {value!r}"
                )
        original = request._request.GET
        request._request.GET = original.copy()
        for name in FILTER_PARAMETERS:
            request._request.GET.pop(name, None)
        try:
            return super().filter_queryset(request, queryset, view)
        finally:
            request._request.GET = original


class LocaleCheck(BaseFilterBackend):
    """An unknown ``locale`` is a 400 naming it, not an empty list."""

    def filter_queryset(self, request, queryset, view):
        from wagtail.models import Locale

        locale = request.GET.get("locale")
        if locale and (
            not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", locale)
            or not Locale.objects.filter(language_code=locale).exists()
        ):
            raise BadRequestError(f"locale: unknown language code {locale!r}")
        return queryset


# The parameter each of Wagtail's filters reads, for messages that do not say it.
WAGTAIL_FILTER_PARAMETERS = {
    wagtail_filters.ChildOfFilter: "child_of",
    wagtail_filters.AncestorOfFilter: "ancestor_of",
    wagtail_filters.DescendantOfFilter: "descendant_of",
    wagtail_filters.OrderingFilter: "order",
    wagtail_filters.TranslationOfFilter: "translation_of",
    wagtail_filters.LocaleFilter: "locale",
    wagtail_filters.SearchFilter: "search",
}


def naming_parameter(backend: type[BaseFilterBackend]) -> type[BaseFilterBackend]:
    """Wagtail's filter ``backend``, its 400s starting with the parameter they are about.

    ("child_of: parent page doesn't exist" rather than "parent page doesn't exist".)
    """
    parameter = WAGTAIL_FILTER_PARAMETERS.get(backend)
    if parameter is None:
        return backend

    def filter_queryset(self, request, queryset, view):
        try:
            return backend.filter_queryset(self, request, queryset, view)
        except BadRequestError as error:
            if str(error).startswith(parameter):
                raise
            raise BadRequestError(f"{parameter}: {error}") from error

    return type(backend.__name__, (backend,), {"filter_queryset": filter_queryset})
