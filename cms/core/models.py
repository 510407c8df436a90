from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page
from wagtail.search import index

from cms.core.preview import HeadlessPreviewPage


@register_setting(icon="site")
class SiteSettings(BaseGenericSetting):
    """Who publishes: shown in page titles and required in every newsletter's footer."""

    organisation_name = models.CharField(max_length=150, default="Human rights platform")
    postal_address = models.TextField(
        blank=True, help_text="The physical address the law requires in every newsletter."
    )

    panels = [FieldPanel("organisation_name"), FieldPanel("postal_address")]


class SectionPage(HeadlessPreviewPage, Page):
    """An index that groups pages of one kind: reports, programmes, stories, resources."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = [
        "reports.AnnualReportPage",
        "reports.StrategyPage",
        "programmes.ProgrammePage",
        "stories.DefenderStoryPage",
        "resources.ResourcePage",
    ]
    template = "core/section_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context
