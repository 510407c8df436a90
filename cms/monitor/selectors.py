"""Reading Monitor articles."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Value

from cms.monitor.models import ArticlePage, MonitorIndexPage


def article_list(*, index: MonitorIndexPage | None = None) -> QuerySet[ArticlePage]:
    """Live, public articles, newest first, with what listings show."""
    articles = ArticlePage.objects.live().public()
    if index is not None:
        articles = articles.child_of(index)
    return (
        articles.select_related("hero_image", "programme")
        .prefetch_related("countries", "themes")
        .order_by("-date", "-pk")
    )


def article_related(*, article: ArticlePage, limit: int = 3) -> list:
    """The related articles the editor chose, or else those sharing most themes and countries."""
    chosen = [
        item.related.specific
        for item in article.related_pages.select_related("related")
        if item.related.live
    ]
    if chosen:
        return chosen[:limit]
    theme_ids = list(article.themes.values_list("pk", flat=True))
    country_ids = list(article.countries.values_list("pk", flat=True))
    if not theme_ids and not country_ids:
        return []
    # An empty ``__in`` inside an aggregate's filter empties the whole query:
    # count only the kinds of overlap there can be.
    shared = Value(0)
    if theme_ids:
        shared += Count("themes", filter=Q(themes__in=theme_ids), distinct=True)
    if country_ids:
        shared += Count("countries", filter=Q(countries__in=country_ids), distinct=True)
    candidates = (
        ArticlePage.objects.live()
        .public()
        .filter(locale_id=article.locale_id)
        .exclude(pk=article.pk)
        .annotate(shared=shared)
        .filter(shared__gt=0)
        .order_by("-shared", "-date", "-pk")
    )
    return list(candidates[:limit])
