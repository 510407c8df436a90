"""Record the CMS content API's answers that the newsletter tests serve (see ``fake_cms.py``).

Run against the CMS's demo content, in the CMS's own settings::

    VAR_DIR=var/cms-recording .venv/bin/python cms/manage.py migrate --settings=cms.settings.dev
    VAR_DIR=var/cms-recording .venv/bin/python cms/manage.py load_demo_content \
        --settings=cms.settings.dev
    VAR_DIR=var/cms-recording DJANGO_SETTINGS_MODULE=cms.settings.dev \
        .venv/bin/python newsletter_service/content/tests/record_cms_fixtures.py

It writes ``fixtures/pages/<id>.json`` (``GET /api/v2/pages/<id>/?fields=*``),
``fixtures/index.json`` (what the API does not show but its filters use: the
translation key) and two listings exactly as the CMS answered them, which the
tests compare with the stand-in's answers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django

HOST = "cms.example.org"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = "/api/v2/pages/?type=monitor.ArticlePage&fields=*&order=-first_published_at"


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    django.setup()
    from django.test import Client
    from django.test.utils import override_settings
    from wagtail.models import Page

    from cms.monitor.models import ArticlePage
    from cms.reports.models import AnnualReportPage

    with override_settings(ALLOWED_HOSTS=[HOST]):
        client = Client(HTTP_HOST=HOST)

        def get(url: str) -> dict:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response.json()

        ids: list[int] = []
        for language, limit in (("en", 12), ("fr", 5), ("es", 5)):
            listing = get(f"{ARTICLES}&locale={language}&limit={limit}")
            ids += [item["id"] for item in listing["items"]]
        english = ArticlePage.objects.live().filter(locale__language_code="en")
        # The originals of the translations, and an article of each kind campaigns are made of.
        translated = ArticlePage.objects.live().exclude(locale__language_code="en")
        ids += list(
            english.filter(translation_key__in=translated.values("translation_key")).values_list(
                "pk", flat=True
            )
        )
        for kind in ("event", "appeal"):
            ids.append(english.filter(kind=kind).order_by("-date").first().pk)
        ids.append(AnnualReportPage.objects.live().order_by("-pk").first().pk)
        ids = list(dict.fromkeys(ids))

        pages_dir = FIXTURES / "pages"
        pages_dir.mkdir(parents=True, exist_ok=True)
        for old in pages_dir.glob("*.json"):
            old.unlink()
        index = {}
        for page_id in ids:
            data = get(f"/api/v2/pages/{page_id}/?fields=*")
            (pages_dir / f"{page_id}.json").write_text(json.dumps(data, indent=1) + "\n")
            page = Page.objects.get(pk=page_id)
            index[str(page_id)] = {"translation_key": str(page.translation_key)}
        (FIXTURES / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")

        french = translated.filter(locale__language_code="fr").first()
        original = english.get(translation_key=french.translation_key)
        recorded = {
            "listing": {
                "url": f"{ARTICLES}&locale=en&limit=3",
                "answer": get(f"{ARTICLES}&locale=en&limit=3"),
            },
            "translation_of": {
                "url": (
                    "/api/v2/pages/?type=monitor.ArticlePage&fields=*"
                    f"&translation_of={original.pk}&locale=fr"
                ),
                "answer": get(
                    "/api/v2/pages/?type=monitor.ArticlePage&fields=*"
                    f"&translation_of={original.pk}&locale=fr"
                ),
            },
        }
        (FIXTURES / "recorded_listings.json").write_text(json.dumps(recorded, indent=1) + "\n")
    print(f"recorded {len(ids)} pages into {FIXTURES}")


if __name__ == "__main__":
    main()
