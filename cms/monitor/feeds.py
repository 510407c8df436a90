"""RSS and Atom feeds of the Human Rights Monitor, one per language.

Served under each Monitor index page (``MonitorIndexPage`` routes
``feed/rss/`` and ``feed/atom/``), so each language tree has its own feed at
its own address (``/monitor/feed/rss/``, ``/fr/monitor/feed/rss/``...) and the
feed shares the index page's site and privacy.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from wagtail.images import get_image_model

from cms.monitor.selectors import article_list

# The hero image each entry carries: wide enough for a feed reader, in JPEG
# for the readers that know no WebP.
ENCLOSURE_SPEC = "width-800|format-jpeg"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class _ManyAuthors:
    """Each author as an element of their own (RSS ``dc:creator``, Atom ``author``)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ())[1:]:
            self.add_author(handler, name)


class MonitorRss(_ManyAuthors, Rss201rev2Feed):
    def add_author(self, handler, name):
        # As Django writes the first one.
        handler.addQuickElement("dc:creator", name, {"xmlns:dc": DUBLIN_CORE})


class MonitorAtom(_ManyAuthors, Atom1Feed):
    def add_author(self, handler, name):
        handler.startElement("author", {})
        handler.addQuickElement("name", name)
        handler.endElement("author")


class MonitorFeed(Feed):
    """The latest live, public articles of one Monitor index (one language), newest first."""

    feed_type = MonitorRss

    def __init__(self, index, *, feed_type=None):
        super().__init__()
        self.index = index
        if feed_type is not None:
            self.feed_type = feed_type

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.language = self.index.locale.language_code
        return self.index

    def title(self, index):
        return index.title

    def link(self, index):
        return index.get_full_url(self.request)

    def description(self, index):
        return index.intro or index.title

    def feed_url(self, index):
        return self.request.build_absolute_uri()

    def items(self, index):
        renditions = (
            get_image_model().get_rendition_model().objects.filter(filter_spec=ENCLOSURE_SPEC)
        )
        return article_list(index=index).prefetch_related(
            "authors__person", Prefetch("hero_image__renditions", queryset=renditions)
        )[: settings.MONITOR_FEED_LIMIT]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return article.get_full_url(self.request)

    def item_guid(self, article):
        return article.get_full_url(self.request)

    def item_pubdate(self, article):
        return timezone.make_aware(datetime.datetime.combine(article.date, datetime.time()))

    def item_updateddate(self, article):
        return article.last_published_at

    def _authors(self, article) -> list[str]:
        return [link.person.name for link in article.authors.all()]

    def item_author_name(self, article):
        authors = self._authors(article)
        return authors[0] if authors else None

    def item_extra_kwargs(self, article):
        return {"authors": self._authors(article)}

    def item_categories(self, article):
        return [theme.name for theme in article.themes.all()] + [
            country.name for country in article.countries.all()
        ]

    def item_enclosures(self, article):
        if article.hero_image is None:
            return []
        rendition = article.hero_image.get_rendition(ENCLOSURE_SPEC)
        try:
            length = rendition.file.size
        except OSError:
            length = 0  # RSS asks for the size; 0 is what readers take for "unknown"
        return [
            Enclosure(
                url=self.request.build_absolute_uri(rendition.url),
                length=str(length),
                mime_type="image/jpeg",
            )
        ]
