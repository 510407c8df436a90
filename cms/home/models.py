from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage


class HomePage(HeadlessPreviewPage, Page):
    """The root of a site's content: one per language tree."""

    intro = models.TextField(
        blank=True, help_text="A sentence or two that says what the organisation does."
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro"), APIField("body")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
