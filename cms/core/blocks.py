"""StreamField blocks shared by every page type.

Each block shapes its own API output (``get_api_representation``) so that an
external front end receives typed JSON, and has a small template for pages
rendered by the CMS itself (preview, the demo site).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "blockquote",
]
INTERESTS = [
    ("news", "News and updates"),
    ("events", "Events and invitations"),
    ("monitor", "Human Rights Monitor"),
    ("appeals", "Appeals"),
]


def absolute_url(url: str, context=None) -> str:
    """A site-relative URL made absolute with the API request's host (as renditions are)."""
    request = (context or {}).get("request")
    if request is None or not url or not url.startswith("/"):
        return url
    return request.build_absolute_uri(url)


def image_representation(image, *, caption: str = "", request=None) -> dict[str, Any] | None:
    """An image as the API shows it everywhere: alt, credit, size and renditions, plus caption."""
    from cms.api.serializers import image_data

    data = image_data(image, request)
    if data is not None:
        data["caption"] = caption
    return data


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"
        template = "core/blocks/image_block.html"

    def clean(self, value):
        value = super().clean(value)
        from cms.images.services import image_public_use_error

        if error := image_public_use_error(value.get("image")):
            raise StructBlockValidationError(block_errors={"image": ValidationError(error)})
        return value

    def get_api_representation(self, value, context=None):
        return image_representation(
            value["image"], caption=value["caption"], request=(context or {}).get("request")
        )


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, help_text="Who said it, or a pseudonym")
    role = blocks.CharBlock(required=False, help_text="e.g. Woman human rights defender, Kenya")

    class Meta:
        icon = "openquote"
        label = "Quote or testimony"
        template = "core/blocks/quote_block.html"


class KeyFigureBlock(blocks.StructBlock):
    number = blocks.DecimalBlock(decimal_places=1, max_digits=14)
    unit = blocks.CharBlock(required=False, max_length=20, help_text="e.g. %, +, countries")
    label = blocks.CharBlock(max_length=200, help_text="e.g. defenders trained")
    source = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "order"

    def get_api_representation(self, value, context=None):
        number = value["number"]
        return {
            "number": float(number) if number % 1 else int(number),
            "unit": value["unit"],
            "label": value["label"],
            "source": value["source"],
        }


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), min_num=1)

    class Meta:
        icon = "table"
        label = "Key figures"
        template = "core/blocks/key_figures_block.html"


class ImpactListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False)
    items = blocks.ListBlock(blocks.TextBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Impact list"
        template = "core/blocks/impact_list_block.html"


class CallToActionBlock(blocks.StructBlock):
    action = blocks.ChoiceBlock(
        choices=[
            ("signup", "Sign up"),
            ("donate", "Donate"),
            ("download", "Download"),
            ("read-more", "Read more"),
        ]
    )
    text = blocks.CharBlock(max_length=120)
    page = blocks.PageChooserBlock(required=False)
    document = DocumentChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "pick"
        label = "Call to action"
        template = "core/blocks/call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        targets = [name for name in ("page", "document", "url") if value.get(name)]
        if len(targets) != 1:
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        "Choose exactly one target: a page, a document or a URL."
                    )
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        if value["page"]:
            link = value["page"].specific.full_url
        elif value["document"]:
            link = absolute_url(value["document"].url, context)
        else:
            link = value["url"]
        return {"action": value["action"], "text": value["text"], "url": link}


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, help_text="Defaults to the document's title")

    class Meta:
        icon = "doc-full"
        label = "Document download"
        template = "core/blocks/document_block.html"

    def get_api_representation(self, value, context=None):
        document = value["document"]
        return {
            "id": document.pk,
            "title": value["label"] or document.title,
            "url": absolute_url(document.url, context),
            "file_extension": document.file_extension,
            "file_size": document.file_size,
        }


class RelatedContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, default="Related")
    pages = blocks.ListBlock(blocks.PageChooserBlock(), min_num=1)

    class Meta:
        icon = "link"
        label = "Related content"
        template = "core/blocks/related_content_block.html"

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "pages": [
                {"id": page.pk, "title": page.title, "url": page.specific.full_url}
                for page in value["pages"]
                if page.live
            ],
        }


class NewsletterSignupBlock(blocks.StructBlock):
    """A signup form that posts to the subscriber service's hosted signup page."""

    heading = blocks.CharBlock(default="Subscribe to the Human Rights Monitor")
    text = blocks.TextBlock(required=False)
    interests = blocks.MultipleChoiceBlock(choices=INTERESTS, default=["monitor"])

    class Meta:
        icon = "mail"
        label = "Newsletter signup"
        template = "core/blocks/newsletter_signup_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["signup_url"] = f"{settings.SUBSCRIBER_SERVICE_PUBLIC_URL.rstrip('/')}/subscribe/"
        return context

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "text": value["text"],
            "interests": list(value["interests"]),
            "signup_url": f"{settings.SUBSCRIBER_SERVICE_PUBLIC_URL.rstrip('/')}/subscribe/",
        }


class RichTextBlock(blocks.RichTextBlock):
    """Rich text whose API form has its links and embedded images resolved to absolute URLs."""

    def get_api_representation(self, value, context=None):
        from cms.api.richtext import expand_rich_text_many

        context = context or {}
        # A listing expands the rich text of all its items at once (cms.api.queries).
        html = context.get("rich_text", {}).get(value.source)
        if html is None:
            html = expand_rich_text_many([value.source])[0]
        request = context.get("request")
        if request is not None:
            html = re.sub(
                r'(href|src)="(/[^"/][^"]*|/)"',
                lambda match: f'{match[1]}="{request.build_absolute_uri(match[2])}"',
                html,
            )
        return html


class BodyBlock(blocks.StreamBlock):
    """The body of every page: what designers and API consumers can rely on."""

    rich_text = RichTextBlock(
        features=RICH_TEXT_FEATURES, template="core/blocks/rich_text_block.html"
    )
    image = ImageBlock()
    quote = QuoteBlock()
    key_figures = KeyFiguresBlock()
    impact_list = ImpactListBlock()
    call_to_action = CallToActionBlock()
    document = DocumentDownloadBlock()
    embed = EmbedBlock(help_text="A video or a post, by its URL", icon="media")
    related_content = RelatedContentBlock()
    newsletter_signup = NewsletterSignupBlock()
