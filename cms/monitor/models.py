"""The Human Rights Monitor: the organisation's news service."""

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.api.serializers import (
    COUNTRY,
    TAXON,
    ImageField,
    PagesField,
    PeopleField,
    TagsField,
    TaxonomyField,
)
from cms.core.blocks import BodyBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage


class ArticleKind(models.TextChoices):
    NEWS = "news", "News"
    ANNUAL_REPORT_LETTER = "annual-report-letter", "Annual report letter"
    STATEMENT = "statement", "Statement"
    EVENT = "event", "Event"
    APPEAL = "appeal", "Appeal"


class MonitorIndexPage(HeadlessPreviewPage, RoutablePageMixin, Page):
    """The Monitor of one language, with its RSS and Atom feeds at ``feed/rss/`` and ``feed/atom/``.

    The feeds are routes of the page rather than URLs of their own: each
    language's Monitor has its feeds under its own address (``/fr/...``), and
    they follow the page when it moves and share its site and privacy.
    """

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["monitor.ArticlePage"]
    max_count_per_parent = 1
    page_size = 20

    def get_context(self, request, *args, **kwargs):
        from cms.monitor.selectors import article_list

        context = super().get_context(request, *args, **kwargs)
        articles = article_list(index=self)
        context["articles"] = Paginator(articles, self.page_size).get_page(request.GET.get("page"))
        context["feed_links"] = self.feed_links()
        return context

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request):
        from cms.monitor.feeds import MonitorFeed, MonitorRss

        return MonitorFeed(self, feed_type=MonitorRss)(request)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        from cms.monitor.feeds import MonitorAtom, MonitorFeed

        return MonitorFeed(self, feed_type=MonitorAtom)(request)

    def feed_links(self) -> list[dict[str, str]]:
        """The feeds, for ``<link rel="alternate">`` in the pages of this Monitor."""
        return [
            {
                "type": f"application/{kind}+xml",
                "title": f"{self.title} ({label})",
                "url": self.url + self.reverse_subpage(f"feed_{kind}"),
            }
            for kind, label in (("rss", "RSS"), ("atom", "Atom"))
        ]


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "monitor.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(HeadlessPreviewPage, Page):
    date = models.DateField(default=timezone.localdate, db_index=True)
    kind = models.CharField(
        max_length=32, choices=ArticleKind.choices, default=ArticleKind.NEWS, db_index=True
    )
    summary = models.TextField(
        max_length=600, help_text="One or two sentences for listings and emails."
    )
    hero_image = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock(), blank=True)
    countries = ParentalManyToManyField("taxonomy.Country", blank=True, related_name="articles")
    themes = ParentalManyToManyField("taxonomy.Theme", blank=True, related_name="articles")
    programme = models.ForeignKey(
        "taxonomy.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("kind")], heading="Publication"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        InlinePanel("authors", label="Authors or signatories"),
        MultiFieldPanel(
            [
                FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("programme"),
                FieldPanel("tags"),
            ],
            heading="What it is about",
        ),
        InlinePanel(
            "related_pages",
            label="Related articles",
            help_text="Leave empty to suggest articles that share themes or countries.",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("kind"),
        index.FilterField("programme"),
        index.RelatedFields("countries", [index.SearchField("name")]),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["monitor.MonitorIndexPage"]
    subpage_types = []

    api_fields = [
        APIField("date"),
        APIField("kind"),
        APIField("summary"),
        APIField("hero_image", serializer=ImageField()),
        APIField("body"),
        APIField("countries", serializer=TaxonomyField(attributes=COUNTRY, many=True)),
        APIField("themes", serializer=TaxonomyField(attributes=TAXON, many=True)),
        APIField("programme", serializer=TaxonomyField(attributes=TAXON)),
        APIField("authors", serializer=PeopleField()),
        APIField("tags", serializer=TagsField()),
        APIField("related_articles", serializer=PagesField()),
    ]

    class Meta:
        ordering = ["-date"]

    @property
    def related_articles(self):
        from cms.monitor.selectors import article_related

        if hasattr(self, "_related_articles"):
            return self._related_articles
        return article_related(article=self)

    @classmethod
    def api_prefetches(cls) -> dict:
        """What each API field needs fetched, for a whole listing at once (cms.api.queries)."""
        from django.db.models import Prefetch

        return {
            "countries": "countries",
            "themes": "themes",
            "tags": Prefetch("tagged_items", queryset=ArticleTag.objects.select_related("tag")),
            "authors": Prefetch(
                "authors", queryset=ArticleAuthor.objects.select_related("person__photo")
            ),
        }

    @classmethod
    def prefetch_related_articles(cls, articles: list, *, base_queryset) -> None:
        """Related articles of a whole listing in one query, among the pages it may show."""
        from cms.monitor.selectors import article_related_many

        related = article_related_many(articles=articles, candidates=base_queryset)
        for article in articles:
            article._related_articles = related[article.pk]

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from cms.images.services import image_public_use_error

        if error := image_public_use_error(self.hero_image):
            raise ValidationError({"hero_image": error})

    def get_context(self, request, *args, **kwargs):
        from cms.monitor.selectors import article_related

        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = article_related(article=self)
        index = self.get_parent().specific
        context["feed_links"] = index.feed_links() if isinstance(index, MonitorIndexPage) else []
        return context


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, related_name="authors", on_delete=models.CASCADE)
    person = models.ForeignKey("taxonomy.Person", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("person")]


class ArticleRelatedPage(Orderable):
    page = ParentalKey(ArticlePage, related_name="related_pages", on_delete=models.CASCADE)
    related = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("related", heading="Page")]
