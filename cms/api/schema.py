"""The content API's OpenAPI schema, worked out from the page models and their blocks.

Wagtail's API v2 builds a serializer per request (``?fields=``), so
drf-spectacular cannot see what a page looks like. The components here are
made from what makes the JSON: each page model's ``api_fields`` (the model
field, property or serializer behind each) and the blocks of each StreamField.
A serializer or block that shapes its own output (``get_api_representation``)
must have its shape declared below: one that is not makes generating the
schema fail, rather than letting it drift from the API.
``cms/api/tests/test_schema.py`` validates real responses against it.

The components are added to drf-spectacular's output by ``add_components``, a
postprocessing hook (``SPECTACULAR_SETTINGS``); the endpoints refer to them.
"""

from __future__ import annotations

import typing
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from wagtail import blocks
from wagtail.api import APIField
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from cms.api import serializers as api_serializers
from cms.core import blocks as core_blocks

Schema = dict[str, Any]
REF = "#/components/schemas/"


def ref(name: str) -> Schema:
    return {"$ref": REF + name}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema or "oneOf" in schema or "anyOf" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema.get("type")
    if isinstance(kind, list):
        return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    schema = {**schema, "type": [kind, "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def obj(properties: dict[str, Schema], *, description: str = "", required=None) -> Schema:
    """A closed object: a property the API adds without saying so here fails the tests."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# --- Shared shapes: images, documents, taxonomies, people ---------------------------


def _image_properties() -> dict[str, Schema]:
    return {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "alt": {"type": "string", "description": "Alt text (required by the CMS)"},
        "credit": {"type": "string"},
        "width": {"type": "integer", "description": "Of the original, pixels"},
        "height": {"type": "integer"},
        "renditions": obj(
            {name: ref("Rendition") for name in api_serializers.RENDITION_SPECS},
            description="The image resized to each width, in JPEG and in WebP, at absolute URLs.",
        ),
    }


def _document_properties() -> dict[str, Schema]:
    return {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "file_extension": {"type": "string", "examples": ["pdf"]},
        "file_size": {"type": ["integer", "null"], "description": "Bytes"},
    }


def shared_components() -> dict[str, Schema]:
    from cms.resources.models import ResourceFile

    return {
        "Rendition": obj(
            {
                "url": {"type": "string", "format": "uri"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
            }
        ),
        "Image": obj(
            _image_properties(),
            description="An image with its alt text, credit, size and renditions.",
        ),
        "Document": obj(_document_properties()),
        "Person": obj(
            {
                "name": {"type": "string"},
                "role": {"type": "string"},
                "photo": nullable(ref("Image")),
            },
            description="An author or a signatory.",
        ),
        "PageLink": obj(
            {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "type": {"type": "string", "examples": ["monitor.ArticlePage"]},
                "url": {"type": ["string", "null"], "format": "uri"},
            }
        ),
        "ResourceFile": obj(
            {
                **_document_properties(),
                "language": model_field_schema(ResourceFile._meta.get_field("language"), {}),
                "format": {"type": "string", "examples": ["PDF"]},
            },
            description="One file of a resource, in one language and format.",
        ),
    }


# --- Model fields -----------------------------------------------------------------

_FIELD_TYPES: tuple[tuple[type[models.Field], Schema], ...] = (
    (models.BooleanField, {"type": "boolean"}),
    (models.DateTimeField, {"type": "string", "format": "date-time"}),
    (models.DateField, {"type": "string", "format": "date"}),
    (models.IntegerField, {"type": "integer"}),  # the small, positive and big ones too
    (models.CharField, {"type": "string"}),  # slugs too
    (models.TextField, {"type": "string"}),
)


def model_field_schema(field: models.Field, components: dict[str, Schema]) -> Schema:
    if isinstance(field, StreamField):
        # A StreamField given a list of blocks is named after its model and field.
        name = None
        if type(field.stream_block) is blocks.StreamBlock:
            name = field.model.__name__.removesuffix("Page") + camel(field.name) + "Stream"
        return stream_schema(field.stream_block, components, name=name)
    for field_class, schema in _FIELD_TYPES:
        if isinstance(field, field_class):
            schema = dict(schema)
            if field.choices:
                schema["enum"] = [value for value, _label in field.flatchoices]
            if field.help_text:
                schema["description"] = str(field.help_text)
            return nullable(schema) if field.null else schema
    raise ImproperlyConfigured(f"No schema for the model field {field!r}: add it to cms.api.schema")


_PYTHON_TYPES = {bool: "boolean", str: "string", int: "integer", float: "number"}


def property_schema(model, name: str) -> Schema:
    """A property's schema from its return annotation (``def is_current(self) -> bool``)."""
    prop = getattr(model, name, None)
    getter = getattr(prop, "fget", None)
    hints = typing.get_type_hints(getter) if getter else {}
    kind = _PYTHON_TYPES.get(hints.get("return"))
    if kind is None:
        raise ImproperlyConfigured(
            f"{model.__name__}.{name}: annotate the property's return type, or give the "
            "APIField a serializer that cms.api.schema knows"
        )
    return {"type": kind}


# --- Serializers of api_fields ----------------------------------------------------


def _taxonomy_component(related_model, attributes: tuple[str, ...]) -> tuple[str, Schema]:
    name = {"Country": "Country", "SustainableDevelopmentGoal": "SustainableDevelopmentGoal"}.get(
        related_model.__name__, "Taxon"
    )
    properties = {
        attribute: model_field_schema(related_model._meta.get_field(attribute), {})
        for attribute in attributes
    }
    properties["id"] = {"type": "integer"}
    return name, obj(properties)


def serializer_schema(model, api_field: APIField, components: dict[str, Schema]) -> Schema:
    serializer = api_field.serializer
    name = api_field.name
    if isinstance(serializer, api_serializers.ImageField):
        return nullable(ref("Image"))
    if isinstance(serializer, api_serializers.DocumentField):
        return nullable(ref("Document"))
    if isinstance(serializer, api_serializers.TaxonomyField):
        field = model._meta.get_field(name)
        component, schema = _taxonomy_component(field.related_model, serializer.attributes)
        if components.setdefault(component, schema) != schema:
            raise ImproperlyConfigured(
                f"{model.__name__}.{name}: {component} shown with other attributes elsewhere"
            )
        if serializer.many:
            return {"type": "array", "items": ref(component)}
        return nullable(ref(component)) if field.null else ref(component)
    if isinstance(serializer, api_serializers.PeopleField):
        return {"type": "array", "items": ref("Person")}
    if isinstance(serializer, api_serializers.TagsField):
        return {"type": "array", "items": {"type": "string"}}
    if isinstance(serializer, api_serializers.PagesField):
        return {"type": "array", "items": ref("PageLink")}
    if isinstance(serializer, api_serializers.ResourceFilesField):
        return {"type": "array", "items": ref("ResourceFile")}
    raise ImproperlyConfigured(
        f"{model.__name__}.{name}: no schema for the serializer {type(serializer).__name__}; "
        "describe it in cms.api.schema.serializer_schema"
    )


# --- Blocks -----------------------------------------------------------------------


def _image_block(block, components: dict[str, Schema]) -> Schema:
    properties = _image_properties()
    properties["caption"] = {"type": ["string", "null"]}
    # The image may have been deleted from the library since.
    return nullable(obj(properties))


def _key_figure(block, components: dict[str, Schema]) -> Schema:
    return ref("KeyFigure")


def _call_to_action(block, components: dict[str, Schema]) -> Schema:
    return obj(
        {
            "action": block_schema(block.child_blocks["action"], components),
            "text": {"type": "string"},
            "url": {
                "type": ["string", "null"],
                "description": "The target: a page's absolute URL, a document's URL or a link",
            },
        }
    )


def _document_download(block, components: dict[str, Schema]) -> Schema:
    return obj(
        _document_properties(),
        description="A document; title is the block's label, else the document's title.",
    )


def _related_content(block, components: dict[str, Schema]) -> Schema:
    page = obj(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": {"type": ["string", "null"]},
        }
    )
    return obj(
        {
            "heading": {"type": ["string", "null"]},
            "pages": {"type": "array", "items": page, "description": "Live pages only"},
        }
    )


def _newsletter_signup(block, components: dict[str, Schema]) -> Schema:
    return obj(
        {
            "heading": {"type": "string"},
            "text": {"type": ["string", "null"]},
            "interests": block_schema(block.child_blocks["interests"], components),
            "signup_url": {
                "type": "string",
                "format": "uri",
                "description": "The subscriber service's hosted signup form",
            },
        }
    )


def _rich_text(block, components: dict[str, Schema]) -> Schema:
    return {
        "type": "string",
        "contentMediaType": "text/html",
        "description": "HTML; links to pages and documents are absolute URLs",
    }


# Blocks that shape their own API output, and that shape.
CUSTOM_BLOCKS = {
    core_blocks.ImageBlock: _image_block,
    core_blocks.KeyFigureBlock: _key_figure,
    core_blocks.CallToActionBlock: _call_to_action,
    core_blocks.DocumentDownloadBlock: _document_download,
    core_blocks.RelatedContentBlock: _related_content,
    core_blocks.NewsletterSignupBlock: _newsletter_signup,
    core_blocks.RichTextBlock: _rich_text,
}

_STRING_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.URLBlock, blocks.EmailBlock)
_ID_BLOCKS = (blocks.ChooserBlock,)  # pages, documents, images: their id


def _defines_representation(block) -> type | None:
    """The class that defines the block's API output, if not one of Wagtail's."""
    for klass in type(block).__mro__:
        if "get_api_representation" in vars(klass):
            return None if klass.__module__.startswith("wagtail.") else klass
    return None


def block_schema(block, components: dict[str, Schema]) -> Schema:
    owner = _defines_representation(block)
    if owner is not None:
        if owner not in CUSTOM_BLOCKS:
            raise ImproperlyConfigured(
                f"{owner.__module__}.{owner.__name__} shapes its own API output: "
                "declare that shape in cms.api.schema.CUSTOM_BLOCKS"
            )
        return CUSTOM_BLOCKS[owner](block, components)
    if isinstance(block, blocks.StreamBlock):
        return stream_schema(block, components)
    if isinstance(block, blocks.ListBlock):
        return {"type": "array", "items": block_schema(block.child_block, components)}
    if isinstance(block, blocks.StructBlock):
        return obj(
            {name: block_schema(child, components) for name, child in block.child_blocks.items()}
        )
    if isinstance(block, blocks.MultipleChoiceBlock):
        values = [value for value, _label in block.field.choices if value != ""]
        return {"type": "array", "items": {"type": "string", "enum": values}}
    if isinstance(block, blocks.ChoiceBlock):
        schema = {"type": "string", "enum": [v for v, _l in block.field.choices if v != ""]}
    elif isinstance(block, EmbedBlock):
        schema = {"type": "string", "format": "uri", "description": "The embedded URL"}
    elif isinstance(block, _STRING_BLOCKS):
        schema = {"type": "string"}
    elif isinstance(block, blocks.IntegerBlock):
        schema = {"type": "integer"}
    elif isinstance(block, _ID_BLOCKS):
        schema = {"type": "integer", "description": "The id of the chosen object"}
    else:
        raise ImproperlyConfigured(
            f"No schema for the block {type(block).__name__}: add it to cms.api.schema"
        )
    return schema if block.required else nullable(schema)


def stream_schema(
    block: blocks.StreamBlock, components: dict[str, Schema], *, name: str | None = None
) -> Schema:
    """A stream as an array of ``{type, value, id}``, a union discriminated on ``type``."""
    name = name or type(block).__name__.removesuffix("Block") + "Stream"
    variants = {}
    for child_name, child in block.child_blocks.items():
        variant = f"{name.removesuffix('Stream')}{camel(child_name)}"
        components[variant] = obj(
            {
                "type": {"const": child_name},
                "value": block_schema(child, components),
                "id": {"type": "string", "format": "uuid"},
            },
            description=f"A {child_name!r} block.",
        )
        variants[child_name] = variant
    components[name] = {
        "type": "array",
        "items": {
            "oneOf": [ref(variant) for variant in variants.values()],
            "discriminator": {
                "propertyName": "type",
                "mapping": {key: REF + variant for key, variant in variants.items()},
            },
        },
    }
    return ref(name)


# --- Pages ------------------------------------------------------------------------


def _nested_page(description: str) -> Schema:
    return nullable(
        obj(
            {
                "id": {"type": "integer"},
                "meta": obj(
                    {
                        "type": {"type": "string"},
                        "detail_url": {"type": "string", "format": "uri"},
                        "html_url": {"type": ["string", "null"], "format": "uri"},
                    }
                ),
                "title": {"type": "string"},
            },
            description=description,
        )
    )


def page_meta_schema() -> Schema:
    properties = {
        "type": {"type": "string", "examples": ["monitor.ArticlePage"]},
        "detail_url": {"type": "string", "format": "uri"},
        "html_url": {"type": ["string", "null"], "format": "uri"},
        "slug": {"type": "string"},
        "show_in_menus": {"type": "boolean"},
        "seo_title": {"type": "string"},
        "search_description": {"type": "string"},
        "first_published_at": {"type": ["string", "null"], "format": "date-time"},
        "alias_of": _nested_page("The page this one is an alias of"),
        "parent": _nested_page("Detail only"),
        "locale": {
            "type": "string",
            "enum": [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES],
        },
    }
    return obj(properties, required=("type", "detail_url"))


def page_types() -> list[type[Page]]:
    """Every page type the API can show (Wagtail's root ``Page`` is never public)."""
    return sorted(
        (model for model in get_page_models() if model is not Page),
        key=lambda model: model._meta.label,
    )


def page_schema(model, components: dict[str, Schema]) -> Schema:
    from cms.api.views import PagesViewSet

    properties: dict[str, Schema] = {
        "id": {"type": "integer"},
        "meta": ref("PageMeta"),
        "title": {"type": "string"},
    }
    for api_field in PagesViewSet.get_body_fields(model):
        if api_field.name in properties:
            continue
        if api_field.serializer is not None:
            properties[api_field.name] = serializer_schema(model, api_field, components)
            continue
        try:
            field = model._meta.get_field(api_field.name)
        except FieldDoesNotExist:
            properties[api_field.name] = property_schema(model, api_field.name)
        else:
            properties[api_field.name] = model_field_schema(field, components)
    return obj(
        properties,
        description=(
            f"A {model._meta.verbose_name} (type `{model._meta.label}`). The detail and "
            "`?fields=*` show every property; a listing shows id, meta and title unless "
            "`fields` asks for more."
        ),
        required=("id", "meta"),
    )


def components() -> dict[str, Schema]:
    """Every component of the content API, made from the models and blocks of today."""
    result = shared_components()
    result["KeyFigure"] = obj(
        {
            "number": {"type": "number", "description": "An integer when it has no decimals"},
            "unit": {"type": ["string", "null"], "examples": ["%", "+"]},
            "label": {"type": "string"},
            "source": {"type": ["string", "null"]},
        }
    )
    result["PageMeta"] = page_meta_schema()
    for model in page_types():
        result[model.__name__] = page_schema(model, result)
    result["AnyPage"] = {"anyOf": [ref(model.__name__) for model in page_types()]}
    result["PageListing"] = obj(
        {
            "meta": obj({"total_count": {"type": "integer"}}),
            "items": {"type": "array", "items": ref("AnyPage")},
        }
    )
    result.update(library_components())
    result["Problem"] = obj(
        {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "Starts with the parameter at fault"},
            "message": {"type": "string", "description": "The same as detail (Wagtail's name)"},
        },
        description="An error, as RFC 9457 problem details (application/problem+json).",
        required=("type", "title", "status", "detail"),
    )
    return dict(sorted(result.items()))


def library_components() -> dict[str, Schema]:
    """Images and documents as their own endpoints show them."""
    meta = {
        "type": {"type": "string"},
        "detail_url": {"type": "string", "format": "uri"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "download_url": {"type": "string", "description": "Relative for images"},
    }
    image = obj(
        {
            "id": {"type": "integer"},
            "meta": obj(meta, required=("type", "detail_url")),
            "title": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
        required=("id", "meta"),
        description="An image of the library (`/api/v2/images/`). Renditions come with "
        "the pages that show it.",
    )
    document = obj(
        {
            "id": {"type": "integer"},
            "meta": obj(meta, required=("type", "detail_url")),
            "title": {"type": "string"},
        },
        required=("id", "meta"),
    )
    listing = {
        name: obj(
            {
                "meta": obj({"total_count": {"type": "integer"}}),
                "items": {"type": "array", "items": ref(item)},
            }
        )
        for name, item in (("ImageListing", "LibraryImage"), ("DocumentListing", "LibraryDocument"))
    }
    return {"LibraryImage": image, "LibraryDocument": document, **listing}


def add_components(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the components the endpoints refer to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(components())
    return result


# --- Endpoints: parameters, responses, examples (used by cms.api.views) -----------


def _parameters():
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    from cms.monitor.models import ArticleKind

    def query(name, kind, description, **kwargs):
        return OpenApiParameter(
            name, kind, OpenApiParameter.QUERY, description=description, **kwargs
        )

    article_only = " Only with `type=monitor.ArticlePage`."
    fields = query(
        "fields",
        str,
        "Fields to show, comma-separated: `*` for all, `_` for none, `-name` to leave one "
        "out, `name(sub,fields)` for a related object's. A detail shows all by default, a "
        "listing `id`, `meta` (type, detail_url, html_url, slug, first_published_at, "
        "locale) and `title`.",
    )
    listing = [
        query(
            "type",
            str,
            "Page type(s) as `app.Model`, comma-separated. One type allows its own fields "
            "in `fields`, `order` and as filters (e.g. `kind`, `year`).",
        ),
        query(
            "locale",
            str,
            "Language code: only pages in that language. An unknown code is a 400.",
            enum=[code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES],
        ),
        query("translation_of", int, "The translations of this page (with `locale`: that one)."),
        query("child_of", str, "Children of this page id (or `root`: the site's home page)."),
        query("descendant_of", int, "Pages under this page id."),
        query("ancestor_of", int, "The ancestors of this page id."),
        query("country", str, "ISO 3166 code, e.g. `KE`." + article_only, pattern="^[A-Za-z]{2}$"),
        query("theme", str, "A theme's slug." + article_only, pattern="^[-a-zA-Z0-9_]+$"),
        query("programme", str, "A programme's slug." + article_only, pattern="^[-a-zA-Z0-9_]+$"),
        query("kind", str, "Kind of article." + article_only, enum=list(ArticleKind.values)),
        query(
            "date_from",
            OpenApiTypes.DATE,
            "Articles dated on or after (YYYY-MM-DD)." + article_only,
        ),
        query("date_to", OpenApiTypes.DATE, "Articles dated on or before." + article_only),
        query("since", OpenApiTypes.DATE, "The same as `date_from`." + article_only),
        query(
            "published_after",
            OpenApiTypes.DATETIME,
            "Articles first published strictly after this moment (ISO 8601 with an offset, "
            "e.g. `2026-03-01T00:00:00Z`)." + article_only,
        ),
        query("slug", str, "Pages with this slug (any field of the type filters the same way)."),
        query("search", str, "Full-text search; results are ordered by relevance."),
        query("search_operator", str, "How search words combine.", enum=["and", "or"]),
        query(
            "order",
            str,
            "A field of the type to order by, `-` first for descending, or `random`; "
            "e.g. `-date`, `title`, `-first_published_at`.",
        ),
        query("limit", int, "Items per page, 1 to 100 (default 20).", default=20),
        query("offset", int, "Items to skip.", default=0),
        fields,
    ]
    return {
        "listing": listing,
        "detail": [fields],
        "find": [
            query(
                "html_path",
                str,
                "A page's path on the site, e.g. `/monitor/article-01/` or `/fr/monitor/`.",
            ),
            query("id", int, "A page id."),
        ],
        "preview": [
            query(
                "content_type",
                str,
                "The page type, as Wagtail sends it to the front end (`app.model`).",
                required=True,
            ),
            query("token", str, "The preview token Wagtail sent to the front end.", required=True),
            fields,
        ],
        "library": [
            query("search", str, "Full-text search on titles and tags."),
            query("order", str, "`title`, `id`, `-id`..."),
            query("limit", int, "Items per page, 1 to 100 (default 20).", default=20),
            query("offset", int, "Items to skip.", default=0),
            query("fields", str, "Fields to show (see the pages endpoint)."),
        ],
    }


def endpoint_schemas() -> dict[str, Any]:
    """``extend_schema`` for each view of the content API, by endpoint and view name."""
    from drf_spectacular.utils import (
        OpenApiExample,
        OpenApiParameter,
        OpenApiResponse,
        extend_schema,
    )

    parameters = _parameters()
    pk = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The page's id")
    problem = OpenApiResponse(ref("Problem"), description="Problem details naming the parameter")
    errors = {
        (400, "application/problem+json"): problem,
        (404, "application/problem+json"): OpenApiResponse(ref("Problem"), description="Not found"),
    }
    not_modified = OpenApiResponse(description="Not modified: the `If-None-Match` ETag still holds")

    def header(name, description):
        return OpenApiParameter(
            name, str, OpenApiParameter.HEADER, description=description, response=[200, 304]
        )

    caching = [
        OpenApiParameter(
            "If-None-Match",
            str,
            OpenApiParameter.HEADER,
            description="An ETag from an earlier answer: 304 without a body if still current",
        ),
        header("ETag", 'Weak validator, e.g. `W/"1a2-3f4e5d6c7b8a9d0e"`'),
        header("Last-Modified", "When published content last changed"),
        header("Cache-Control", "`public, max-age=60, stale-while-revalidate=300`"),
    ]
    bad_date = OpenApiExample(
        "A bad date",
        value={
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": "date_from: expected a date as YYYY-MM-DD, got 'yesterday'",
            "message": "date_from: expected a date as YYYY-MM-DD, got 'yesterday'",
        },
        response_only=True,
        status_codes=["400"],
    )
    redirect = OpenApiResponse(description="Redirects to the page's detail URL (`Location`)")

    def listing(tag, item_listing, description, params, examples=()):
        return extend_schema(
            operation_id=f"{tag}_list",
            tags=[tag],
            summary=f"List {tag}",
            description=description,
            parameters=[*params, *caching],
            responses={200: OpenApiResponse(ref(item_listing)), 304: not_modified, **errors},
            examples=list(examples),
        )

    def detail(tag, item, description, params):
        return extend_schema(
            operation_id=f"{tag}_detail",
            tags=[tag],
            summary=f"One of the {tag}",
            description=description,
            parameters=[pk, *params, *caching],
            responses={200: OpenApiResponse(ref(item)), 304: not_modified, **errors},
        )

    def find(tag, params):
        return extend_schema(
            operation_id=f"{tag}_find",
            tags=[tag],
            summary=f"Find one of the {tag} by path or id",
            parameters=params,
            responses={302: redirect, **errors},
        )

    library = parameters["library"]
    return {
        "pages": {
            "listing_view": listing(
                "pages",
                "PageListing",
                "Live, public pages of the site in every language. Filters combine (AND). "
                "An unknown parameter, a bad value or a filter the page type lacks is a 400 "
                "naming the parameter.",
                parameters["listing"],
                [bad_date],
            ),
            "detail_view": detail(
                "pages", "AnyPage", "A page with all its fields.", parameters["detail"]
            ),
            "find_view": find("pages", parameters["find"]),
        },
        "images": {
            "listing_view": listing("images", "ImageListing", "Images of the library.", library),
            "detail_view": detail("images", "LibraryImage", "An image.", library[-1:]),
            "find_view": find("images", [parameters["find"][1]]),
        },
        "documents": {
            "listing_view": listing(
                "documents", "DocumentListing", "Documents of the library.", library
            ),
            "detail_view": detail("documents", "LibraryDocument", "A document.", library[-1:]),
            "find_view": find("documents", [parameters["find"][1]]),
        },
        "page_preview": {
            "listing_view": extend_schema(
                operation_id="page_preview",
                tags=["pages"],
                summary="The draft an editor previews (headless preview)",
                description="The same shape as a page's detail. Never cached "
                "(`Cache-Control: private, no-store`). 403 for an expired or tampered token.",
                parameters=parameters["preview"],
                responses={
                    200: OpenApiResponse(ref("AnyPage")),
                    (403, "application/problem+json"): problem,
                    **errors,
                },
            ),
            "detail_view": extend_schema(exclude=True),
            "find_view": extend_schema(exclude=True),
        },
    }


def described(endpoint: str):
    """Class decorator: the OpenAPI description of a content API viewset's views.

    drf-spectacular's ``extend_schema_view`` only knows DRF's action names
    (``list``, ``retrieve``), not Wagtail's ``listing_view``, ``detail_view``
    and ``find_view``; this attaches the same annotations to those.
    """
    from drf_spectacular.drainage import isolate_view_method

    def decorator(view):
        for name, annotation in endpoint_schemas()[endpoint].items():
            annotation(isolate_view_method(view, name))
        return view

    return decorator
