"""Reading Monitor articles."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Value
from wagtail.models import Page

from cms.monitor.models import ArticlePage, ArticleRelatedPage, MonitorIndexPage


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
    chosen_ids = [item.related_id for item in article.related_pages.all()]
    if chosen_ids:
        # Only pages anyone may see: a private page's title must not show here.
        visible = Page.objects.live().public().filter(pk__in=chosen_ids).specific().in_bulk()
        chosen = [visible[pk] for pk in chosen_ids if pk in visible]
        if chosen:
            return chosen[:limit]
    # Read through .all(): a draft being previewed holds its relations in memory.
    theme_ids = [theme.pk for theme in article.themes.all()]
    country_ids = [country.pk for country in article.countries.all()]
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


def article_related_many(
    *, articles: list[ArticlePage], candidates: QuerySet[Page], limit: int = 3
) -> dict[int, list[Page]]:
    """What ``article_related`` gives, for many articles at once, in one query.

    ``candidates`` are the pages that may be shown (for the content API: the
    live, public pages of the site). Chosen related pages come first, in the
    editor's order; an article without any gets the articles in its language
    that share most themes and countries with it. The pages come without
    ``specific()``: their title, type and URL are all a listing shows.
    """
    ids = [article.pk for article in articles]
    if not ids:
        return {}
    candidates_sql, candidates_params = (
        candidates.order_by().values_list("pk", flat=True).query.sql_with_params()
    )
    themes = ArticlePage.themes.through._meta.db_table
    countries = ArticlePage.countries.through._meta.db_table
    chosen = ArticleRelatedPage._meta.db_table
    articles_table = ArticlePage._meta.db_table
    pages = Page._meta.db_table
    in_ids = ", ".join(["%s"] * len(ids))
    # Sharing a theme or a country is one point each, as in article_related.
    sql = f"""
        WITH candidate AS ({candidates_sql}),
        shared AS (
            SELECT mine.articlepage_id AS source_id, theirs.articlepage_id AS target_id
            FROM {themes} mine JOIN {themes} theirs ON theirs.theme_id = mine.theme_id
            WHERE mine.articlepage_id IN ({in_ids})
            UNION ALL
            SELECT mine.articlepage_id, theirs.articlepage_id
            FROM {countries} mine JOIN {countries} theirs ON theirs.country_id = mine.country_id
            WHERE mine.articlepage_id IN ({in_ids})
        ),
        scored AS (
            SELECT shared.source_id, shared.target_id, COUNT(*) AS score, article.date
            FROM shared
            JOIN {articles_table} article ON article.page_ptr_id = shared.target_id
            JOIN {pages} target ON target.id = shared.target_id
            JOIN {pages} source ON source.id = shared.source_id
            WHERE shared.target_id <> shared.source_id
              AND target.locale_id = source.locale_id
              AND shared.target_id IN (SELECT * FROM candidate)
            GROUP BY shared.source_id, shared.target_id, article.date
        ),
        ranked AS (
            SELECT source_id, target_id, ROW_NUMBER() OVER (
                PARTITION BY source_id ORDER BY score DESC, date DESC, target_id DESC
            ) AS place
            FROM scored
        )
        SELECT page.*, picked.source_id, picked.is_computed, picked.place
        FROM (
            SELECT source_id, target_id, 1 AS is_computed, place FROM ranked WHERE place <= %s
            UNION ALL
            SELECT page_id, related_id, 0, COALESCE(sort_order, 0) FROM {chosen}
            WHERE page_id IN ({in_ids}) AND related_id IN (SELECT * FROM candidate)
        ) picked
        JOIN {pages} page ON page.id = picked.target_id
    """  # noqa: S608 (table names from the models, values as parameters)
    params = [*candidates_params, *ids, *ids, limit, *ids]
    found: dict[int, dict[int, list[tuple[int, Page]]]] = {pk: {0: [], 1: []} for pk in ids}
    for page in Page.objects.raw(sql, params):
        found[page.source_id][page.is_computed].append((page.place, page))
    related = {}
    for pk, kinds in found.items():
        picked = kinds[0] or kinds[1]
        related[pk] = [page for _place, page in sorted(picked, key=lambda pair: pair[0])][:limit]
    return related
