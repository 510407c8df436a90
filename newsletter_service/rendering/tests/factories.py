"""Snapshots and CMS API JSON to render, shaped like the CMS's content API v2."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

CMS = "https://cms.example.org"
SITE = "https://www.example.org"
FIXTURES = Path(__file__).parent / "fixtures"
_ids = itertools.count(1000)


def fixture(name: str) -> dict[str, Any]:
    """A page recorded from the CMS's API over its demo content (``fixtures/<name>.json``)."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def image_json(
    *, name: str = "photo", alt: str = "Defenders at a meeting", credit: str = "", **overrides
) -> dict[str, Any]:
    """An image as ``cms.api.serializers.image_data`` gives it: 400/800/1600 px in JPEG and WebP."""
    renditions = {
        f"{fmt}_{width}": {
            "url": f"{CMS}/media/images/{name}.width-{width}.format-{fmt}.{ext}",
            "width": width,
            "height": width * 9 // 16,
        }
        for width in (400, 800, 1600)
        for fmt, ext in (("jpeg", "jpg"), ("webp", "webp"))
    }
    return {
        "id": next(_ids),
        "title": name,
        "alt": alt,
        "credit": credit,
        "width": 1600,
        "height": 900,
        "renditions": renditions,
        **overrides,
    }


def block(block_type: str, value: Any) -> dict[str, Any]:
    return {"type": block_type, "value": value, "id": f"block-{next(_ids)}"}


def every_body_block() -> list[dict[str, Any]]:
    """One block of each type of the CMS's ``BodyBlock``, as its API shows it."""
    return [
        block(
            "rich_text",
            '<h2>Why it matters</h2><p>Read <a href="/monitor/kenya/">our report</a> '
            "and <b>act</b>.</p><ul><li>First step</li><li>Second step</li></ul>",
        ),
        block(
            "image",
            {
                **image_json(name="river", alt="A river at dawn", credit="Photo: Ana"),
                "caption": "The river the community defends",
            },
        ),
        block(
            "quote",
            {"quote": "They cannot silence us all.", "attribution": "Grace", "role": "Kenya"},
        ),
        block(
            "key_figures",
            {
                "heading": "In numbers",
                "figures": [
                    {
                        "number": 1500,
                        "unit": "+",
                        "label": "defenders trained",
                        "source": "Records",
                    },
                    {"number": 12.5, "unit": "%", "label": "more cases", "source": ""},
                ],
            },
        ),
        block("impact_list", {"heading": "What changed", "items": ["A law repealed", "Two freed"]}),
        block(
            "call_to_action",
            {"action": "donate", "text": "Support our work", "url": f"{SITE}/donate/"},
        ),
        block(
            "document",
            {
                "id": 3,
                "title": "Annual report 2024",
                "url": "/documents/3/annual-report-2024.pdf",
                "file_extension": "pdf",
                "file_size": 2_400_000,
            },
        ),
        block("embed", "https://www.youtube.com/watch?v=abc123"),
        block(
            "related_content",
            {
                "heading": "Related",
                "pages": [{"id": 7, "title": "Earlier appeal", "url": "/monitor/earlier-appeal/"}],
            },
        ),
        block(
            "newsletter_signup",
            {
                "heading": "Subscribe to the Monitor",
                "text": "News in your inbox.",
                "interests": ["monitor"],
                "signup_url": "https://subscribe.example.org/subscribe/",
            },
        ),
    ]


def article_json(
    *, title: str = "Kenya: defenders ask the UN to act", kind: str = "news", **overrides
) -> dict[str, Any]:
    """An ``ArticlePage`` as ``/api/v2/pages/<id>/`` gives it."""
    page_id = next(_ids)
    return {
        "id": page_id,
        "meta": {
            "type": "monitor.ArticlePage",
            "detail_url": f"{CMS}/api/v2/pages/{page_id}/",
            "html_url": f"{SITE}/monitor/article-{page_id}/",
            "slug": f"article-{page_id}",
            "first_published_at": "2026-11-21T10:00:00Z",
            "locale": "en",
        },
        "title": title,
        "date": "2026-11-21",
        "kind": kind,
        "summary": "Defenders told us that the space for their work has narrowed.",
        "hero_image": image_json(name=f"hero-{page_id}", alt="Defenders at a meeting in Nairobi"),
        "body": [block("rich_text", "<p>The body of the article.</p>")],
        "countries": [{"id": 1, "iso_code": "KE", "name": "Kenya", "region": "africa"}],
        "themes": [{"id": 6, "slug": "reprisals", "name": "Reprisals"}],
        "programme": None,
        "authors": [{"name": "Amara Okafor", "role": "Executive Director", "photo": None}],
        "tags": [],
        "related_articles": [],
        **overrides,
    }


def snapshot(*, kind: str = "single", pages: list[dict] | None = None, **overrides) -> dict:
    return {
        "kind": kind,
        "language": "en",
        "subject": "News from the Monitor",
        "preview_text": "What defenders told us this month",
        "intro": "",
        "pages": pages if pages is not None else [article_json()],
        "cms_base_url": CMS,
        **overrides,
    }


def with_body(blocks: list[dict], **overrides) -> dict:
    """A single-page snapshot whose article has ``blocks`` as its body."""
    return snapshot(pages=[article_json(body=copy.deepcopy(blocks))], **overrides)
