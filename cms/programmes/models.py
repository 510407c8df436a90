from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from cms.api.serializers import TAXON, TaxonomyField
from cms.core.blocks import BodyBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage


class ProgrammePage(HeadlessPreviewPage, Page):
    """The public page of a programme, listing its articles and stories."""

    programme = models.ForeignKey(
        "taxonomy.Programme", on_delete=models.PROTECT, related_name="pages"
    )
    intro = models.TextField()
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("programme"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [
        APIField("programme", serializer=TaxonomyField(attributes=TAXON)),
        APIField("intro"),
        APIField("body"),
    ]
    parent_page_types = ["core.SectionPage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        from cms.monitor.selectors import article_list
        from cms.stories.selectors import story_list

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = article_list().filter(programme=self.programme)[:10]
        context["stories"] = story_list().filter(programme=self.programme)[:5]
        return context
