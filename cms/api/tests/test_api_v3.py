"""The content API v3 at /api/v3/ (Wagtail 8's v3 preview): public, read-only, safe.

Every page type readable and true to the OpenAPI 3.1 document; drafts and
private pages never served, whoever asks; nothing to write to; translations;
and a defender story's safety fields invisible in every field, filter, search,
ordering and in the document itself.
"""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator
from wagtail.models import Locale, Page, PageViewRestriction, Revision
from wagtail.models.api import APIToken

from cms.api.tests.test_schema import site_of_every_page_type  # noqa: F401 (a fixture)
from cms.api.v3 import schemas as v3_schemas
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.stories.models import DefenderStoryPage, RiskLevel
from cms.stories.tests.test_defender_story_safety import DefenderStoryPageFactory

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "localhost"}
PAGES = "/api/v3/pages/"


def get(client, url, status=200, **headers):
    response = client.get(url, **HOST, **headers)
    assert response.status_code == status, response.content[:400]
    return response


def document(client) -> dict:
    return get(client, "/api/v3/openapi.json").json()


def validate(openapi: dict, component: str, instance) -> None:
    root = {**openapi, "$ref": f"#/components/schemas/{component}"}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(
        f"{component} at {list(error.path)}: {error.message[:300]}" for error in errors[:5]
    )


# --- The document -------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1_and_describes_three_read_operations(client):
    openapi = document(client)

    assert openapi["openapi"].startswith("3.1")
    validate_schema(openapi)  # against the OpenAPI 3.1 JSON Schema
    operations = {(method, path) for path, item in openapi["paths"].items() for method in item}
    assert operations == {
        ("get", "/api/v3/pages/"),
        ("get", "/api/v3/pages/find/"),
        ("get", "/api/v3/pages/{page_id}/"),
    }
    assert "securitySchemes" not in openapi["components"]
    for path in openapi["paths"].values():
        for status, response in path["get"]["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"]
    names = {schema.__name__ for schema in v3_schemas.DETAIL_SCHEMAS.values()}
    assert {f"{model.__name__}Schema" for model in v3_schemas.page_types()} == names
    assert names <= set(openapi["components"]["schemas"])


def test_the_cms_serves_self_hosted_docs_for_v3(client):
    html = get(client, "/api/v3/docs/").content.decode()

    assert "swagger-ui" in html
    assert "/api/v3/openapi.json" in html
    assert "cdn." not in html and "https://" not in html  # no third-party script


# --- Every page type ----------------------------------------------------------------


def test_every_page_type_is_readable_and_answers_as_the_document_says(
    client,
    site_of_every_page_type,  # noqa: F811
):
    openapi = document(client)
    components = openapi["components"]["schemas"]
    seen_types, seen_blocks = set(), {}

    for model in v3_schemas.page_types():
        label = model._meta.label
        listing = get(client, f"{PAGES}?type={label}&limit=100").json()
        assert listing["items"], f"no {label} in the test site"
        validate(openapi, "PagedListingPage", listing)
        for item in listing["items"]:
            assert item["meta"]["type"] == label
            detail = get(client, item["meta"]["detail_url"]).json()
            component = f"{model.__name__}Schema"
            validate(openapi, component, detail)
            # Complete: every property the document names is in the answer.
            assert set(detail) == set(components[component]["properties"]), label
            assert set(detail["meta"]) == set(
                components[f"{model.__name__}MetaSchema"]["properties"]
            )
            seen_types.add(label)
            for name, value in detail.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    for block in value:
                        if {"type", "value", "id"} <= set(block):
                            seen_blocks.setdefault(name, set()).add(block["type"])

    assert seen_types == {model._meta.label for model in v3_schemas.page_types()}
    body_variants = set(components["BodyStream"]["items"]["discriminator"]["mapping"])
    assert seen_blocks["body"] == body_variants
    assert seen_blocks["story"] == body_variants


def test_a_page_shows_the_same_public_fields_as_v2_with_absolute_urls(
    client,
    site_of_every_page_type,  # noqa: F811
):
    story = DefenderStoryPage.objects.get()
    v2 = get(client, f"/api/v2/pages/{story.pk}/").json()
    v3 = get(client, f"{PAGES}{story.pk}/").json()

    for name in ("public_name", "public_photo", "country", "programme", "summary", "story"):
        assert v3[name] == v2[name], name
    assert v3["public_photo"]["renditions"]["webp_800"]["url"].startswith("http://localhost/")
    assert v3["meta"]["html_url"] == v2["meta"]["html_url"]
    assert v3["meta"]["parent"]["id"] == story.get_parent().pk


# --- Drafts, private pages, nothing written -----------------------------------------


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("chief", "chief@rights.test", "x-test-only")


def _bearer(user) -> dict:
    _token, plaintext = APIToken.create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_drafts_are_never_served_to_anyone(client, monitor, superuser):
    article = ArticlePageFactory(parent=monitor, title="Live title")
    article.title = "Draft title"
    article.save_revision()  # a newer draft of a live page
    never_published = ArticlePageFactory(parent=monitor, title="Unpublished draft")
    never_published.unpublish()
    listing_url = f"{PAGES}?type=monitor.ArticlePage"

    for headers in ({}, _bearer(superuser)):
        client.force_login(superuser) if headers else client.logout()
        detail = get(client, f"{PAGES}{article.pk}/", **headers).json()
        listing = get(client, listing_url, **headers).json()

        assert detail["title"] == "Live title"
        assert [item["title"] for item in listing["items"]] == ["Live title"]
        get(client, f"{PAGES}{never_published.pk}/", status=404, **headers)
        found = get(client, f"{PAGES}?search=Draft", **headers).json()
        assert found["items"] == []
        # Wagtail's preview serves drafts with ?version=draft: not here.
        answer = get(client, f"{PAGES}{article.pk}/?version=draft", status=400, **headers)
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["detail"].startswith("version")


def test_a_private_page_is_a_404_even_for_a_signed_in_editor(client, monitor, superuser):
    article = ArticlePageFactory(parent=monitor)
    PageViewRestriction.objects.create(page=monitor, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(superuser)

    get(client, f"{PAGES}{article.pk}/", status=404)
    get(client, f"{PAGES}{monitor.pk}/", status=404)
    ids = [item["id"] for item in get(client, f"{PAGES}?limit=100").json()["items"]]
    assert article.pk not in ids and monitor.pk not in ids
    get(client, f"{PAGES}find/?html_path=/{monitor.slug}/", status=404)
    get(client, f"{PAGES}?child_of={monitor.pk}", status=422)


def test_a_page_s_unpublished_parent_is_not_shown(client, monitor):
    article = ArticlePageFactory(parent=monitor)
    Page.objects.filter(pk=monitor.pk).update(live=False)  # the article stays live
    article.refresh_from_db()
    assert article.live

    detail = get(client, f"{PAGES}{article.pk}/").json()

    assert detail["meta"]["parent"] is None
    assert monitor.title not in json.dumps(detail)


WRITE_METHODS = ("post", "put", "patch", "delete")


def test_nothing_can_be_written_by_anyone(client, monitor, superuser):
    article = ArticlePageFactory(parent=monitor)
    editor = get_user_model().objects.create_user("reader", "reader@rights.test", "x-test-only")
    paths = [
        PAGES,
        f"{PAGES}{article.pk}/",
        f"{PAGES}{article.pk}/actions/publish/",
        f"{PAGES}{article.pk}/actions/unpublish/",
        f"{PAGES}{article.pk}/actions/delete/",
        f"{PAGES}{article.pk}/actions/copy/",
        f"{PAGES}{article.pk}/revisions/",
        "/api/v3/sites/",
        "/api/v3/schema/",
        "/api/v3/whoami/",
    ]
    body = json.dumps({"meta": {"type": "core.SectionPage", "parent_id": monitor.pk}, "title": "x"})
    revisions = Revision.objects.count()
    pages = Page.objects.count()

    for who in ("anonymous", "non-staff", "superuser", "superuser token"):
        headers = _bearer(superuser) if who == "superuser token" else {}
        if who == "non-staff":
            client.force_login(editor)
        elif who == "superuser":
            client.force_login(superuser)
        else:
            client.logout()
        for path in paths:
            for method in WRITE_METHODS:
                response = getattr(client, method)(
                    path, body, content_type="application/json", **HOST, **headers
                )
                assert response.status_code in (404, 405), (who, method, path)
        for path in paths[-3:]:
            get(client, path, status=404, **headers)

    assert Revision.objects.count() == revisions
    assert Page.objects.count() == pages
    article.refresh_from_db()
    assert article.live


# --- Languages ----------------------------------------------------------------------


@pytest.fixture
def french_article(monitor):
    article = ArticlePageFactory(parent=monitor, title="Defenders win a hearing")
    french = Locale.objects.create(language_code="fr")
    monitor.get_parent().copy_for_translation(french).save_revision().publish()
    monitor.copy_for_translation(french).save_revision().publish()
    translation = article.copy_for_translation(french)
    translation.title = "Les défenseurs obtiennent une audience"
    translation.save_revision().publish()
    return article, translation


def test_languages_and_translations(client, french_article):
    article, translation = french_article

    french = get(client, f"{PAGES}?type=monitor.ArticlePage&locale=fr").json()
    translations = get(client, f"{PAGES}?translation_of={article.pk}").json()
    detail = get(client, f"{PAGES}{translation.pk}/").json()
    found = get(client, f"{PAGES}find/?html_path=/fr/monitor/{translation.slug}/", status=302)
    english = get(client, f"{PAGES}find/?html_path=/monitor/{article.slug}/", status=302)

    assert [item["id"] for item in french["items"]] == [translation.pk]
    assert [item["meta"]["locale"] for item in translations["items"]] == ["fr"]
    assert [item["id"] for item in translations["items"]] == [translation.pk]
    assert detail["meta"]["locale"] == "fr"
    assert detail["title"] == "Les défenseurs obtiennent une audience"
    assert found["Location"].endswith(f"/api/v3/pages/{translation.pk}/")
    assert english["Location"].endswith(f"/api/v3/pages/{article.pk}/")
    unknown = get(client, f"{PAGES}?locale=xx", status=400).json()
    assert unknown["detail"].startswith("locale")


# --- Defender stories ---------------------------------------------------------------

PRIVATE_FIELDS = (
    "real_name",
    "risk_level",
    "consent_recorded_on",
    "consent_recorded_by",
    "show_real_name",
    "show_face",
)


@pytest.fixture
def hidden_story():
    """A high-risk story whose person's name and face must not be shown."""
    stories = SectionPageFactory(parent=home_page(), slug="stories")
    face = ImageFactory(title="Face of the defender")
    story = DefenderStoryPageFactory(
        parent=stories,
        display_name="A land defender",
        real_name="Secretname Person",
        photo=face,
        show_face=False,
        show_real_name=False,
        risk_level=RiskLevel.LOW,  # published here without the workflow
        consent_recorded_on=datetime.date(2026, 2, 3),
        consent_recorded_by="Staffmember Recorder",
    )
    story.risk_level = RiskLevel.HIGH
    story.save_revision().publish(skip_permission_checks=True)
    return story


def _texts(client, story) -> list[str]:
    urls = [
        f"{PAGES}{story.pk}/",
        f"{PAGES}?type=stories.DefenderStoryPage",
        f"{PAGES}?limit=100",
        f"{PAGES}?child_of={story.get_parent().pk}",
        f"{PAGES}?search=defender",
    ]
    return [get(client, url).content.decode() for url in urls]


def test_a_hidden_story_shows_nothing_its_safety_fields_hide(client, hidden_story):
    face = hidden_story.photo
    detail = get(client, f"{PAGES}{hidden_story.pk}/").json()

    assert detail["public_name"] == "A land defender"
    assert detail["public_photo"] is None
    for text in _texts(client, hidden_story):
        for secret in ("Secretname", "Staffmember", "2026-02-03", face.title, face.file.name):
            assert secret not in text
        for name in PRIVATE_FIELDS:
            assert name not in text
        assert '"high"' not in text


def test_no_filter_search_or_ordering_reaches_a_story_s_private_fields(client, hidden_story):
    stories = f"{PAGES}?type=stories.DefenderStoryPage"

    assert get(client, f"{PAGES}?search=Secretname").json()["items"] == []
    assert get(client, f"{stories}&search=Secretname").json()["items"] == []
    for name, value in [
        ("real_name", "Secretname Person"),
        ("risk_level", "high"),
        ("show_face", "false"),
        ("show_real_name", "false"),
        ("consent_recorded_by", "Staffmember Recorder"),
        ("photo", str(hidden_story.photo_id)),
    ]:
        for url in (stories, PAGES.rstrip("?") + "?limit=20"):
            answer = get(client, f"{url}&{name}={value}", status=400).json()
            assert answer["detail"] == f"{name}: unknown parameter"
        for order in (name, f"-{name}"):
            answer = get(client, f"{stories}&order={order}", status=400).json()
            assert answer["detail"].startswith("order: ")


def test_the_document_names_no_private_field_of_a_story(client):
    openapi = document(client)
    story = openapi["components"]["schemas"]["DefenderStoryPageSchema"]
    text = json.dumps(openapi)

    assert set(story["properties"]) == {
        "id",
        "meta",
        "title",
        "public_name",
        "public_photo",
        "country",
        "programme",
        "summary",
        "story",
    }
    for name in PRIVATE_FIELDS:
        assert name not in text


def test_a_story_whose_person_agreed_shows_their_name_and_face(client, hidden_story):
    hidden_story.show_real_name = True
    hidden_story.show_face = True
    hidden_story.photo = ImageFactory(title="A photo shown with consent")
    hidden_story.save_revision().publish(skip_permission_checks=True)

    detail = get(client, f"{PAGES}{hidden_story.pk}/").json()

    assert detail["public_name"] == "Secretname Person"
    assert detail["public_photo"]["id"] == hidden_story.photo_id


# --- Bad requests -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "named"),
    [
        ("colour=red", 400, "colour"),
        ("limit=101", 400, "limit"),
        ("locale=xx", 400, "locale"),
        ("search=a%00b", 400, "search"),
        ("offset=100000000000", 422, "offset"),
        ("type=nope.Nothing", 422, "type"),
        ("type=wagtailcore.Page", 422, "type"),
        ("order=nothing", 400, "order"),
        ("child_of=999999", 422, "child_of"),
        ("site=nowhere.test", 400, "site"),
        ("type=monitor.ArticlePage&date=someday", 422, "date"),
    ],
)
def test_bad_requests_are_problems_naming_the_parameter(client, monitor, query, status, named):
    answer = get(client, f"{PAGES}?{query}", status=status)

    assert answer["Content-Type"] == "application/problem+json"
    assert named in json.dumps(answer.json())


def test_an_allowed_site_may_read_v3_across_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.rights.test"]

    response = get(client, PAGES, HTTP_ORIGIN="https://partner.rights.test")

    assert response["Access-Control-Allow-Origin"] == "https://partner.rights.test"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v3/pages/abc/", 422), ("/api/v3/nothing/", 404), ("/api/v2/pages/-1.1/", 404)],
)
def test_a_url_no_api_operation_has_is_a_problem_not_the_site_s_page(client, path, status):
    answer = get(client, path, status=status)

    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == status


def test_an_api_url_without_its_last_slash_still_redirects_to_it(client):
    assert get(client, "/api/v2/pages", status=301)["Location"] == "/api/v2/pages/"
