"""What API v3 shows of a page, and the OpenAPI 3.1 shapes that say so.

Each page type's schema is made by Wagtail's own v3 generator
(``wagtail.api.v3.schemas.generators.read``) from the model's ``api_fields``,
the list v2 shows too: a field that is not there (a story's real name, hidden
photo, risk level or consent record) is in no schema and no answer. On top of
Wagtail's generator:

- fields shown by one of our serializers (images, taxonomies, people...) and
  StreamFields are described by the JSON Schema ``cms.api.schema`` declares for
  v2 (typed blocks, renditions), not Wagtail's untyped ``Any``; the components
  they refer to are added to v3's document (``components``);
- those serializers get the request, so that image and document URLs are
  absolute, as in v2;
- ``meta.parent`` and ``meta.alias_of`` show a page only if it is itself live
  and public (Wagtail's preview shows them whatever they are);
- a reverse relation listed in ``api_fields`` without a serializer is refused
  when the schemas are made, rather than shown as Wagtail would (every field
  of the related rows).
"""

import copy
import typing
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey, Model
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.urls import reverse
from ninja import Schema
from pydantic import WithJsonSchema
from rest_framework.fields import SkipField
from taggit.managers import TaggableManager
from wagtail.api import APIField
from wagtail.api.conf import get_model_field
from wagtail.api.v2.utils import get_full_url
from wagtail.api.v3.schemas.base import build_discriminated_union
from wagtail.api.v3.schemas.generators.read import (
    SchemaGenerator,
    foreign_key_schema,
    rich_text_schema,
    tags_schema,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.api import schema as v2_schema

NAMESPACE = "cms_api_v3"


def detail_url(request, page_id: int) -> str:
    return get_full_url(request, reverse(f"{NAMESPACE}:page_detail", kwargs={"page_id": page_id}))


def _public(page: Page, context: dict) -> bool:
    from cms.api.v3.queries import anonymous_public_pages

    return anonymous_public_pages(context["request"]).filter(pk=page.pk).exists()


class NestedPageMeta(Schema):
    type: str
    detail_url: str
    html_url: str | None = None

    @staticmethod
    def resolve_type(obj: Page, context: dict) -> str:
        return (obj.specific_class or Page)._meta.label

    @staticmethod
    def resolve_detail_url(obj: Page, context: dict) -> str:
        return detail_url(context["request"], obj.pk)

    @staticmethod
    def resolve_html_url(obj: Page, context: dict) -> str | None:
        return obj.get_full_url(context["request"])


class NestedPage(Schema):
    """Another page: its id, title, type and URLs."""

    id: int
    title: str
    meta: NestedPageMeta

    @staticmethod
    def resolve_meta(obj: Page) -> Page:
        return obj


class ListingPageMeta(NestedPageMeta):
    slug: str
    locale: str
    first_published_at: datetime | None = None

    @staticmethod
    def resolve_locale(obj: Page, context: dict) -> str:
        return obj.locale.language_code


class ListingPage(NestedPage):
    """A page as listings show it; its detail (``meta.detail_url``) has every field."""

    meta: ListingPageMeta


class DetailPageMeta(ListingPageMeta):
    seo_title: str
    search_description: str
    show_in_menus: bool
    parent: NestedPage | None = None
    alias_of: NestedPage | None = None

    @staticmethod
    def resolve_parent(obj: Page, context: dict) -> Page | None:
        parent = obj.get_parent()
        return parent if parent is not None and _public(parent, context) else None

    @staticmethod
    def resolve_alias_of(obj: Page, context: dict) -> Page | None:
        original = obj.alias_of
        return original if original is not None and _public(original, context) else None


class DetailPage(ListingPage):
    meta: DetailPageMeta


# Pydantic resolves every "$ref" of a field's JSON Schema among its own definitions:
# references to v2's components wait under this key until the document is made.
REF_KEY = "x-cms-v2-ref"


def _hide_refs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            (REF_KEY if key == "$ref" else key): _hide_refs(value) for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_hide_refs(item) for item in schema]
    return schema


def restore_refs(document: Any) -> Any:
    """``document`` with the references ``_hide_refs`` hid made references again."""
    if isinstance(document, dict):
        return {
            ("$ref" if key == REF_KEY else key): restore_refs(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [restore_refs(item) for item in document]
    return document


def _refuse_reverse_relation(generator: SchemaGenerator, field: ForeignObjectRel):
    raise TypeError(
        f"{field.model._meta.label}: {field.get_accessor_name()} is in api_fields without a "
        "serializer; give it one from cms.api.serializers for API v3 to show it"
    )


def _stream_field(generator: "PublicReadGenerator", field: StreamField):
    name = field.name
    json_schema = generator.described(v2_schema.model_field_schema(field, generator.v2_components))

    def resolve(obj: Model, context: dict) -> Any:
        value = getattr(obj, name)
        return value.stream_block.get_api_representation(value, {"request": context["request"]})

    return Annotated[list[Any], WithJsonSchema(json_schema)], [], staticmethod(resolve)


def _is_model_field(model, name: str) -> bool:
    try:
        get_model_field(model, name)
    except FieldDoesNotExist:
        return False
    return True


def _property_type(model, name: str) -> type:
    getter = getattr(getattr(model, name, None), "fget", None)
    kind = typing.get_type_hints(getter).get("return") if getter else None
    if kind is None:
        raise TypeError(f"{model._meta.label}.{name}: annotate the property's return type")
    return kind


class PublicReadGenerator(SchemaGenerator):
    """Wagtail's read generator, with our serializers typed and given the request."""

    def __init__(self):
        super().__init__()
        # Components made by cms.api.schema for the fields described (stream blocks,
        # taxonomies), and every JSON Schema given to a field, to find what they refer to.
        self.v2_components: dict[str, Any] = {}
        self.used: list[Any] = []
        self._model: type[Model] | None = None

    def build_schema(self, model, *, name, base_class, follow_reverse_related):
        self._model = model
        schema = super().build_schema(
            model, name=name, base_class=base_class, follow_reverse_related=follow_reverse_related
        )
        # Wagtail types a property as Any; its return annotation says more (v2 requires it).
        properties = {
            api_field.name: (_property_type(model, api_field.name), ..., None)
            for api_field in APIField.get_fields_for_model(model)
            if api_field.serializer is None and not _is_model_field(model, api_field.name)
        }
        return self.extend_schema(schema, name, properties) if properties else schema

    def described(self, json_schema: dict[str, Any]) -> dict[str, Any]:
        """A v2 JSON Schema for a field, its references hidden from pydantic (``REF_KEY``)."""
        self.used.append(json_schema)
        return _hide_refs(json_schema)

    def _custom_serializer_schema(self, api_field: APIField):
        # A private copy: DRF fields keep what they are bound to, and v2 uses the original.
        serializer = copy.deepcopy(api_field.serializer)
        serializer.bind(field_name=api_field.name, parent=None)
        json_schema = self.described(
            v2_schema.serializer_schema(self._model, api_field, self.v2_components)
        )

        def resolve(obj: Model, context: dict) -> Any:
            try:
                value = serializer.get_attribute(obj)
            except SkipField:
                return None
            if value is None:
                return None
            # A copy for this call holds the request (the serializer is shared by all).
            bound = copy.copy(serializer)
            bound._context = {"request": context["request"]}
            return bound.to_representation(value)

        return Annotated[Any, WithJsonSchema(json_schema)], None, staticmethod(resolve)


read_generator = PublicReadGenerator()
read_generator.register_field_schema(ForeignKey, foreign_key_schema)
read_generator.register_field_schema(ForeignObjectRel, _refuse_reverse_relation)
read_generator.register_field_schema(StreamField, _stream_field)
read_generator.register_field_schema(TaggableManager, tags_schema)
read_generator.register_field_schema(RichTextField, rich_text_schema)


def page_types() -> list[type[Page]]:
    """Every page type v3 shows (as v2: Wagtail's root ``Page`` is never public)."""
    return v2_schema.page_types()


DETAIL_SCHEMAS = {
    model: read_generator.generate_schema(model, base_class=DetailPage) for model in page_types()
}
PageDetail = build_discriminated_union(page_types(), DETAIL_SCHEMAS.__getitem__)
PageType = Literal[tuple(model._meta.label for model in page_types())]


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        found = []
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value.removeprefix(v2_schema.REF))
            else:
                found += _refs(value)
        return found
    if isinstance(schema, list):
        return [name for item in schema for name in _refs(item)]
    return []


def components() -> dict[str, Any]:
    """The components of v2's schema that v3's page schemas refer to, and theirs."""
    available = {**v2_schema.components(), **read_generator.v2_components}
    wanted: dict[str, Any] = {}
    pending = _refs(read_generator.used)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted[name] = available[name]
            pending += _refs(available[name])
    return dict(sorted(wanted.items()))
