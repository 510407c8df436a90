"""A stand-in for the CMS's content API on 127.0.0.1, serving answers recorded from the real one.

The pages under ``fixtures/pages/`` are ``GET /api/v2/pages/<id>/?fields=*``
exactly as the CMS answered them for its demo content (recorded by
``record_cms_fixtures.py``). Listings are made from those pages with the
CMS's filter semantics (type, locale, translation_of, published_after,
theme, country, programme, order, limit); ``test_fake_cms.py`` checks them
against listings the CMS really answered. The cross-service tests in
``tests/`` run the real CMS instead.
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = "/api/v2/pages/"
KNOWN = {
    "type",
    "locale",
    "translation_of",
    "published_after",
    "theme",
    "country",
    "programme",
    "order",
    "limit",
    "offset",
    "fields",
}
ARTICLE_FILTERS = {"published_after", "theme", "country", "programme"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeCms

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: ``FakeCms.requests`` is the record."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        status, body = self.fake.answer(parts.path, query)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class FakeCms:
    def __init__(self) -> None:
        self.pages: dict[int, dict[str, Any]] = {}
        for path in (FIXTURES / "pages").glob("*.json"):
            page = json.loads(path.read_text())
            self.pages[page["id"]] = page
        index = json.loads((FIXTURES / "index.json").read_text())
        self.translation_keys = {int(pk): row["translation_key"] for pk, row in index.items()}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._fail_remaining = 0
        self._fail_status = 503
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        # Set ``hold`` to an Event to keep every request waiting (``held`` is set) until it is set.
        self.hold: threading.Event | None = None
        self.held = threading.Event()

    # Lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeCms:
        handler = type("FakeCmsHandler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # Set-up for tests ------------------------------------------------------------------

    def fail_next(self, count: int, status: int = 503) -> None:
        with self._lock:
            self._fail_remaining, self._fail_status = count, status

    def publish(self, page_id: int, *, at: datetime) -> None:
        """The page is (first) published at ``at``, as if an editor had just published it."""
        with self._lock:
            self.pages[page_id]["meta"]["first_published_at"] = at.isoformat().replace(
                "+00:00", "Z"
            )

    def unpublish(self, page_id: int) -> None:
        with self._lock:
            self.pages.pop(page_id)

    def retitle(self, page_id: int, title: str) -> None:
        with self._lock:
            self.pages[page_id]["title"] = title

    def ids(self, *, type: str = "monitor.ArticlePage", locale: str = "en") -> list[int]:
        return sorted(
            pk
            for pk, page in self.pages.items()
            if page["meta"]["type"] == type and page["meta"]["locale"] == locale
        )

    def translation(self, page_id: int, locale: str) -> int | None:
        key = self.translation_keys[page_id]
        return next(
            (
                pk
                for pk, page in self.pages.items()
                if self.translation_keys.get(pk) == key and page["meta"]["locale"] == locale
            ),
            None,
        )

    # Serving ---------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if self.hold is not None:
            self.held.set()
            self.hold.wait(10)
        with self._lock:
            self.requests.append((path, dict(query)))
            if self._fail_remaining:
                self._fail_remaining -= 1
                return self._fail_status, {"message": "Injected by the fake CMS."}
            if path == PAGES:
                return self._listing(query)
            if path.startswith(PAGES) and path[len(PAGES) :].rstrip("/").isdigit():
                page = self.pages.get(int(path[len(PAGES) :].rstrip("/")))
                if page is None:
                    return 404, {"message": "No Page matches the given query."}
                return 200, copy.deepcopy(page)
            return 404, {"message": "Not found."}

    def _listing(self, query: dict[str, str]) -> tuple[int, Any]:
        unknown = sorted(set(query) - KNOWN)
        if unknown:
            return 400, {
                "message": "query parameter is not an operation or a recognised field: "
                + ", ".join(unknown)
            }
        used = sorted(ARTICLE_FILTERS & set(query))
        if used and query.get("type") != "monitor.ArticlePage":
            return 400, {
                "message": f"{', '.join(used)}: only available with type=monitor.ArticlePage"
            }
        items = list(self.pages.values())
        if "type" in query:
            items = [page for page in items if page["meta"]["type"] == query["type"]]
        if "locale" in query:
            items = [page for page in items if page["meta"]["locale"] == query["locale"]]
        if "translation_of" in query:
            original = int(query["translation_of"])
            key = self.translation_keys.get(original)
            items = [
                page
                for page in items
                if page["id"] != original and self.translation_keys.get(page["id"]) == key
            ]
        if "published_after" in query:
            try:
                after = datetime.fromisoformat(query["published_after"])
            except ValueError:
                after = None
            if after is None or after.tzinfo is None:
                return 400, {"message": "published_after: expected an ISO 8601 date and time"}
            items = [page for page in items if _published(page) > after]
        if theme := query.get("theme"):
            items = [p for p in items if theme in {t["slug"] for t in p.get("themes", [])}]
        if country := query.get("country"):
            items = [
                p
                for p in items
                if country.upper() in {c["iso_code"] for c in p.get("countries", [])}
            ]
        if programme := query.get("programme"):
            items = [p for p in items if (p.get("programme") or {}).get("slug") == programme]
        if query.get("order") == "-first_published_at":
            items.sort(key=_published, reverse=True)
        else:
            items.sort(key=lambda page: page["id"])
        limit = int(query.get("limit", 20))
        if limit > 100:
            return 400, {"message": "limit cannot be higher than 100"}
        listed = []
        for page in items[:limit]:
            item = copy.deepcopy(page)
            item["meta"].pop("parent", None)  # a detail-only field
            listed.append(item)
        return 200, {"meta": {"total_count": len(items)}, "items": listed}


def _published(page: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(page["meta"]["first_published_at"])
