from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The root of a site's content: one per language tree."""

    intro = models.TextField(
        blank=True, help_text="A sentence or two that says what the organisation does."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count_per_parent = 1
