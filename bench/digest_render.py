"""Rendering a Monitor digest of 20 articles with images, per language.

    .venv/bin/python bench/digest_render.py [--renders 50] [--articles 20]

Builds the digest from an article recorded from the CMS's content API over its
demo content (``newsletter_service/rendering/tests/fixtures/``), each copy with
its own title, link and image renditions, and a 600-character summary (the
longest the CMS allows). For each language it renders once to warm the
template cache, then ``--renders`` times, and prints the mean and p95 time of
one ``render_campaign`` call (templates, CSS inlining, plain text), the
mean CPU time of the process per call (steadier on a shared machine) and the
size of the HTML, beside Gmail's 102 KB clipping limit. In-process: no
database, no network.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
FIXTURE = REPO_ROOT / "newsletter_service/rendering/tests/fixtures/article_news_en.json"
GMAIL_CLIP_BYTES = 102_000


def articles(count: int) -> list[dict]:
    recorded = json.loads(FIXTURE.read_text())
    pages = []
    for n in range(count):
        page = copy.deepcopy(recorded)
        page["id"] = 1000 + n
        page["title"] = f"{recorded['title']} ({n + 1})"
        page["summary"] = (recorded["summary"] + " ") * 8
        page["summary"] = page["summary"][:600]
        page["meta"]["html_url"] = page["meta"]["html_url"].rstrip("/") + f"-{n}/"
        for rendition in page["hero_image"]["renditions"].values():
            rendition["url"] = rendition["url"].replace("demo-0", f"demo-{n}")
        pages.append(page)
    return pages


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--articles", type=int, default=20)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter_service.settings.dev")
    os.environ.setdefault("ORGANISATION_POSTAL_ADDRESS", "Rue de la Paix 1, 1202 Geneva")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from newsletter_service.rendering.services import render_campaign

    pages = articles(options.articles)
    print(f"{options.articles}-article digest, {options.renders} renders per language")
    print(f"{'language':<9} {'mean ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'HTML KB':>8}  warnings")
    within_limit = True
    for language in ("en", "fr", "es"):
        snapshot = {
            "kind": "digest",
            "language": language,
            "subject": "Human Rights Monitor",
            "preview_text": "What defenders told us this month",
            "intro": "",
            "pages": pages,
            "cms_base_url": "https://cms.example.org",
        }
        email = render_campaign(snapshot=snapshot)
        timings, cpu_timings = [], []
        for _ in range(options.renders):
            started, cpu_started = time.perf_counter(), time.process_time()
            render_campaign(snapshot=snapshot)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
        size = len(email.html.encode())
        within_limit &= size < GMAIL_CLIP_BYTES
        print(
            f"{language:<9} {statistics.mean(timings):8.1f} {percentile(timings, 0.95):8.1f} "
            f"{statistics.mean(cpu_timings):8.1f} {size / 1000:8.1f}  {len(email.warnings)}"
        )
    verdict = "under" if within_limit else "OVER"
    print(f"Gmail clipping limit: {GMAIL_CLIP_BYTES / 1000:.0f} KB: every size {verdict}")
    return 0 if within_limit else 1


if __name__ == "__main__":
    sys.exit(main())
