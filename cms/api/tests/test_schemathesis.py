"""The content APIs' OpenAPI documents, fuzzed in-process: v2 and v3.

Schemathesis reads ``/api/v2/schema/`` and ``/api/v3/openapi.json`` from the
CMS itself and sends each operation generated requests, valid and invalid
(bounds in ``platform_common.openapi_fuzzing``): no answer may be a 5xx, and
every status code, content type and body must be one the document declares.
A small site exists (a Monitor article, a defender story, an image and a
document), and small generated ids are mapped onto its pages, images and
documents, so that answers with bodies are checked as well as 404s.
"""

from __future__ import annotations

import pytest
import wagtail_factories
from django.core.wsgi import get_wsgi_application
from wagtail.models import Page

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.models import CustomImage
from cms.images.tests.factories import ImageFactory
from cms.monitor.tests.factories import ArticlePageFactory, MonitorIndexPageFactory
from cms.stories.tests.test_defender_story_safety import DefenderStoryPageFactory
from platform_common.openapi_fuzzing import (
    CHECKS,
    HYPOTHESIS_SETTINGS,
    database_kept_open,
    schema_of,
)

application = get_wsgi_application()
v2 = schema_of(application, "/api/v2/schema/?format=json")
v3 = schema_of(application, "/api/v3/openapi.json")


@pytest.fixture(autouse=True)
def site():
    home = home_page()
    monitor = MonitorIndexPageFactory(parent=home)
    ArticlePageFactory(parent=monitor, hero_image=ImageFactory())
    DefenderStoryPageFactory(parent=SectionPageFactory(parent=home, slug="stories"))
    wagtail_factories.DocumentFactory()
    with database_kept_open():
        yield


def _existing(model, generated) -> int:
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True)[:5])
    return ids[generated % len(ids)] if ids else generated


def reach_content(case) -> None:
    """Small generated ids name an existing page, image or document; large ones stay."""
    parameters = case.path_parameters or {}
    for name in ("id", "page_id"):
        generated = parameters.get(name)
        if isinstance(generated, int) and abs(generated) < 1_000:
            path = case.operation.path
            model = (
                CustomImage
                if "/images/" in path
                else wagtail_factories.DocumentFactory._meta.model
                if "/documents/" in path
                else Page
            )
            parameters[name] = _existing(model, generated)


def check(case) -> None:
    reach_content(case)
    case.call_and_validate(headers={"Host": "localhost"}, checks=CHECKS)


@pytest.mark.django_db
@v2.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_v2_answer_is_declared_and_none_is_a_server_error(case):
    check(case)


@pytest.mark.django_db
@v3.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_v3_answer_is_declared_and_none_is_a_server_error(case):
    check(case)
