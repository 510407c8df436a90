"""An admin listing of all Monitor articles, filtered by what they are about."""

import django_filters
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from cms.monitor.models import ArticleKind, ArticlePage
from cms.taxonomy.models import Country, Programme, Theme


class ArticleFilterSet(PageFilterSet):
    kind = django_filters.ChoiceFilter(choices=ArticleKind.choices)
    countries = django_filters.ModelMultipleChoiceFilter(queryset=Country.objects.all())
    themes = django_filters.ModelMultipleChoiceFilter(queryset=Theme.objects.all())
    programme = django_filters.ModelChoiceFilter(queryset=Programme.objects.all())
    date = django_filters.DateFromToRangeFilter(widget=DateRangePickerWidget)

    class Meta:
        model = ArticlePage
        fields = []


class ArticleListingViewSet(PageListingViewSet):
    model = ArticlePage
    icon = "doc-full"
    menu_label = "Monitor articles"
    add_to_admin_menu = True
    menu_order = 150
    filterset_class = ArticleFilterSet


@hooks.register("register_admin_viewset")
def register_article_listing():
    return ArticleListingViewSet("monitor_articles")
