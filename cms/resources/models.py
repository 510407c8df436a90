"""Handbooks, guides, action sheets and training material, in several languages and formats."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.api.serializers import TAXON, ImageField, ResourceFilesField, TaxonomyField
from cms.core.blocks import BodyBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage
from cms.images.services import image_public_use_error


class ResourceType(models.TextChoices):
    HANDBOOK = "handbook", "Handbook"
    GUIDE = "guide", "Guide"
    ACTION_SHEET = "action-sheet", "Action sheet"
    TRAINING = "training", "Training material"


# Documents exist in more languages than the site is translated into.
DOCUMENT_LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("zh", "Chinese"),
    ("pt", "Portuguese"),
]


class ResourcePage(HeadlessPreviewPage, Page):
    resource_type = models.CharField(max_length=20, choices=ResourceType.choices)
    summary = models.TextField(max_length=600)
    cover_image = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    themes = ParentalManyToManyField("taxonomy.Theme", blank=True, related_name="resources")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("resource_type"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("themes"),
        FieldPanel("body"),
        InlinePanel("files", label="Files", min_num=1),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("resource_type"),
    ]
    api_fields = [
        APIField("resource_type"),
        APIField("summary"),
        APIField("cover_image", serializer=ImageField()),
        APIField("themes", serializer=TaxonomyField(attributes=TAXON, many=True)),
        APIField("body"),
        APIField("files", serializer=ResourceFilesField()),
    ]
    parent_page_types = ["core.SectionPage"]
    subpage_types = []

    def clean(self):
        super().clean()
        if error := image_public_use_error(self.cover_image):
            raise ValidationError({"cover_image": error})


class ResourceFile(Orderable):
    page = ParentalKey(ResourcePage, related_name="files", on_delete=models.CASCADE)
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10, choices=DOCUMENT_LANGUAGES)

    panels = [FieldPanel("document"), FieldPanel("language")]

    @property
    def file_format(self) -> str:
        return self.document.file_extension.upper()
