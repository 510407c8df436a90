"""Annual reports and strategy pages: what the organisation achieved and where it is going."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.api.serializers import TAXON, DocumentField, ImageField, PeopleField, TaxonomyField
from cms.core.blocks import BodyBlock, KeyFigureBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage
from cms.images.services import image_public_use_error
from cms.reports.blocks import StrategyBlock

YEAR_VALIDATORS = [MinValueValidator(1980), MaxValueValidator(2100)]


class AnnualReportPage(HeadlessPreviewPage, Page):
    year = models.PositiveSmallIntegerField(
        validators=YEAR_VALIDATORS, help_text="The year the report was published"
    )
    period_start = models.DateField(help_text="First day of the period the report covers")
    period_end = models.DateField(help_text="Last day of the period the report covers")
    summary = models.TextField(max_length=600)
    hero_image = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The full report to download (PDF)",
    )
    impact_highlights = StreamField(
        [("highlight", blocks.TextBlock(icon="success"))],
        blank=True,
        help_text="What the organisation achieved, one item each",
    )
    key_figures = StreamField([("figure", KeyFigureBlock())], blank=True)
    sdgs = ParentalManyToManyField(
        "taxonomy.SustainableDevelopmentGoal",
        blank=True,
        related_name="annual_reports",
        verbose_name="Sustainable Development Goals",
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("year"), FieldPanel("period_start"), FieldPanel("period_end")],
            heading="Period",
        ),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("report_document"),
        FieldPanel("body"),
        FieldPanel("impact_highlights"),
        FieldPanel("key_figures"),
        FieldPanel("sdgs"),
        InlinePanel("signatories", label="Signatories"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("year"),
    ]
    api_fields = [
        APIField("year"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("summary"),
        APIField("hero_image", serializer=ImageField()),
        APIField("report_document", serializer=DocumentField()),
        APIField("body"),
        APIField("impact_highlights"),
        APIField("key_figures"),
        APIField("sdgs", serializer=TaxonomyField(attributes=("id", "number", "title"), many=True)),
        APIField("signatories", serializer=PeopleField()),
    ]
    parent_page_types = ["core.SectionPage"]
    subpage_types = []

    def clean(self):
        super().clean()
        errors = {}
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = "The period must end after it starts."
        if error := image_public_use_error(self.hero_image):
            errors["hero_image"] = error
        if errors:
            raise ValidationError(errors)


class AnnualReportSignatory(Orderable):
    page = ParentalKey(AnnualReportPage, related_name="signatories", on_delete=models.CASCADE)
    person = models.ForeignKey("taxonomy.Person", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("person")]


class StrategyPage(HeadlessPreviewPage, Page):
    """A strategic framework for a period (e.g. 2017 to 2020), or the current strategy."""

    period_start = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(
        validators=YEAR_VALIDATORS,
        null=True,
        blank=True,
        help_text="Empty for the current strategy",
    )
    vision = models.TextField(blank=True)
    mission = models.TextField()
    strategy = StreamField(
        StrategyBlock(),
        blank=True,
        help_text="Goals for change, tactics, values, figures, consultation, documents",
    )
    programmes = ParentalManyToManyField(
        "taxonomy.Programme", blank=True, related_name="strategies"
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading="Period"),
        FieldPanel("vision"),
        FieldPanel("mission"),
        FieldPanel("programmes"),
        FieldPanel("strategy"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("vision"),
        index.SearchField("mission"),
        index.SearchField("body"),
    ]
    api_fields = [
        APIField("period_start"),
        APIField("period_end"),
        APIField("is_current"),
        APIField("vision"),
        APIField("mission"),
        APIField("strategy"),
        APIField("programmes", serializer=TaxonomyField(attributes=TAXON, many=True)),
        APIField("body"),
    ]
    parent_page_types = ["core.SectionPage"]
    subpage_types = []

    @property
    def is_current(self) -> bool:
        return self.period_end is None

    def clean(self):
        super().clean()
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period must end after it starts."})

    def blocks_of(self, block_type: str) -> list:
        return [block.value for block in self.strategy if block.block_type == block_type]
