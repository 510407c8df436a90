"""The content API's OpenAPI schema: valid, served, and true to what the API answers.

Real responses for a page of every type, with every block, are validated
against the schema's components: a field, block or serializer that changes
without the schema fails here.
"""

import datetime

import pytest
import wagtail_factories
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from jsonschema import Draft202012Validator
from wagtail import blocks
from wagtail.api.v2.views import PagesAPIViewSet

from cms.api import schema as api_schema
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticleAuthor
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.programmes.tests.test_programme_page import ProgrammePageFactory
from cms.reports.models import AnnualReportSignatory
from cms.reports.tests.test_reports import AnnualReportPageFactory, StrategyPageFactory
from cms.resources.models import ResourceFile
from cms.resources.tests.test_resource_page import ResourcePageFactory
from cms.stories.models import RiskLevel
from cms.stories.tests.test_defender_story_safety import DefenderStoryPageFactory
from cms.taxonomy.tests.factories import (
    CountryFactory,
    PersonFactory,
    ProgrammeFactory,
    SdgFactory,
    ThemeFactory,
)

HOST = {"HTTP_HOST": "localhost"}


def test_the_schema_is_valid_openapi_3_1_with_no_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "cms.api.schema_urls",
        "--file",
        str(schema),
    )

    text = schema.read_text()
    assert text.startswith("openapi: 3.1")
    for path in ("/api/v2/pages/:", "/api/v2/pages/{id}/:", "/api/v2/pages/find/:"):
        assert path in text
    assert "/api/v2/page_preview/:" in text
    assert "/api/v2/page_preview/find/" not in text
    assert "/admin/" not in text  # Wagtail's admin API is not for external sites


@pytest.mark.django_db
def test_the_cms_serves_its_schema_and_self_hosted_docs(client):
    schema = client.get("/api/v2/schema/?format=json", **HOST)
    docs = client.get("/api/v2/docs/", **HOST)

    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.1")
    listing = document["paths"]["/api/v2/pages/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {
        "type",
        "locale",
        "country",
        "theme",
        "programme",
        "kind",
        "date_from",
        "date_to",
        "since",
        "published_after",
        "search",
        "order",
        "limit",
        "offset",
        "fields",
        "translation_of",
        "child_of",
    } <= names
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html  # no third-party script


def _schema(client) -> dict:
    return client.get("/api/v2/schema/?format=json", **HOST).json()


def _validate(document: dict, component: str, instance) -> None:
    root = {**document, "$ref": f"#/components/schemas/{component}"}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(
        f"{component} at {list(error.path)}: {error.message[:300]}" for error in errors[:5]
    )


def _every_body_block(*, page, document, image) -> list[dict]:
    return [
        {
            "type": "rich_text",
            "value": f'<p>See <a linktype="page" id="{page.pk}">the Monitor</a> and '
            f'<a linktype="document" id="{document.pk}">the report</a>.</p>',
        },
        {"type": "image", "value": {"image": image.pk, "caption": "Outside the court"}},
        {
            "type": "quote",
            "value": {"quote": "We will not stop.", "attribution": "A.", "role": "Defender"},
        },
        {
            "type": "key_figures",
            "value": {
                "heading": "In numbers",
                "figures": [
                    {"number": "12.5", "unit": "%", "label": "more cases", "source": ""},
                    {"number": "375", "unit": "", "label": "defenders trained", "source": "Us"},
                ],
            },
        },
        {"type": "impact_list", "value": {"heading": "Impact", "items": ["One", "Two"]}},
        {
            "type": "call_to_action",
            "value": {
                "action": "read-more",
                "text": "Read the Monitor",
                "page": page.pk,
                "document": None,
                "url": "",
            },
        },
        {"type": "document", "value": {"document": document.pk, "label": ""}},
        {"type": "embed", "value": "https://www.example.org/video/1"},
        {"type": "related_content", "value": {"heading": "Related", "pages": [page.pk]}},
        {
            "type": "newsletter_signup",
            "value": {"heading": "Subscribe", "text": "Monthly.", "interests": ["monitor"]},
        },
    ]


@pytest.fixture
def site_of_every_page_type():
    """A published page of every type, with every block and every field filled in."""
    home = home_page()
    monitor = MonitorIndexPageFactory(parent=home, intro="News of defenders")
    image = ImageFactory()
    document = wagtail_factories.DocumentFactory(title="Annual report (PDF)")
    body = _every_body_block(page=monitor, document=document, image=image)
    home.body = body
    home.save_revision().publish()
    programme = ProgrammeFactory(slug="env", name="Environmental justice")
    article = ArticlePageFactory(
        parent=monitor,
        body=body,
        countries=[CountryFactory(iso_code="KE")],
        themes=[ThemeFactory()],
        programme=programme,
    )
    article.tags.add("courts")
    ArticleAuthor.objects.create(page=article, person=PersonFactory(photo=ImageFactory()))
    article.save_revision().publish()
    ArticlePageFactory(parent=monitor, themes=article.themes.all())  # a related article
    section = SectionPageFactory(parent=home)
    report = AnnualReportPageFactory(parent=section, body=body, hero_image=image)
    report.sdgs.set([SdgFactory(number=16)])
    AnnualReportSignatory.objects.create(page=report, person=PersonFactory())
    report.save_revision().publish()
    strategy = StrategyPageFactory(
        parent=section,
        vision="A world where defenders are safe.",
        body=body,
        strategy=[
            *StrategyPageFactory.strategy,
            {"type": "value", "value": {"name": "Courage", "description": ""}},
            {
                "type": "figure",
                "value": {"number": "700", "unit": "", "label": "consulted", "source": ""},
            },
            {"type": "document", "value": {"document": document.pk, "label": "The plan"}},
        ],
    )
    strategy.programmes.set([programme])
    strategy.save_revision().publish()
    ProgrammePageFactory(parent=section, programme=programme, body=body)
    resource = ResourcePageFactory(parent=section, cover_image=image, body=body)
    ResourceFile.objects.create(page=resource, document=document, language="fr")
    DefenderStoryPageFactory(
        parent=section,
        risk_level=RiskLevel.LOW,
        show_face=True,
        photo=ImageFactory(),
        consent_recorded_on=datetime.date(2026, 1, 5),
        consent_recorded_by="Staff",
        country=CountryFactory(iso_code="CO"),
        programme=programme,
        story=body,
    )
    return home


@pytest.mark.django_db
def test_every_page_type_answers_as_its_schema_says_with_every_field_and_block(
    client, site_of_every_page_type
):
    document = _schema(client)
    components = document["components"]["schemas"]
    seen_types, seen_blocks = set(), {}

    for model in api_schema.page_types():
        label = model._meta.label
        listing = client.get(f"/api/v2/pages/?type={label}&fields=*", **HOST).json()
        assert listing["items"], f"no {label} in the test site"
        _validate(document, "PageListing", listing)
        for item in listing["items"]:
            detail = client.get(f"/api/v2/pages/{item['id']}/", **HOST).json()
            for answer in (item, detail):
                _validate(document, model.__name__, answer)
                # Complete: every property the schema names is in the answer.
                assert set(answer) == set(components[model.__name__]["properties"]), label
            assert set(detail["meta"]) == set(components["PageMeta"]["properties"])
            seen_types.add(label)
            for name, value in detail.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    for block in value:
                        if {"type", "value", "id"} <= set(block):
                            seen_blocks.setdefault(name, set()).add(block["type"])

    assert seen_types == {model._meta.label for model in api_schema.page_types()}
    # Every variant of the unions was checked against a real answer.
    body_variants = set(components["BodyStream"]["items"]["discriminator"]["mapping"])
    strategy_variants = set(components["StrategyStream"]["items"]["discriminator"]["mapping"])
    assert seen_blocks["body"] == body_variants
    assert seen_blocks["strategy"] == strategy_variants


@pytest.mark.django_db
def test_a_default_listing_images_documents_and_errors_answer_as_the_schema_says(
    client, site_of_every_page_type
):
    document = _schema(client)

    _validate(document, "PageListing", client.get("/api/v2/pages/", **HOST).json())
    _validate(document, "ImageListing", client.get("/api/v2/images/?fields=*", **HOST).json())
    _validate(document, "DocumentListing", client.get("/api/v2/documents/", **HOST).json())
    bad = client.get("/api/v2/pages/?date_from=2026-01-01", **HOST)
    assert bad["Content-Type"] == "application/problem+json"
    _validate(document, "Problem", bad.json())
    _validate(document, "Problem", client.get("/api/v2/pages/999999/", **HOST).json())


def test_the_page_meta_component_names_every_field_wagtail_puts_in_meta():
    assert set(api_schema.page_meta_schema()["properties"]) == set(PagesAPIViewSet.meta_fields)


def test_a_block_that_shapes_its_own_output_without_a_declared_schema_fails_generation():
    class SecretBlock(blocks.StructBlock):
        text = blocks.CharBlock()

        def get_api_representation(self, value, context=None):
            return {"shown": value["text"]}

    with pytest.raises(ImproperlyConfigured, match="SecretBlock"):
        api_schema.block_schema(SecretBlock(), {})
