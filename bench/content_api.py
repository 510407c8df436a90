"""The CMS's content API under gunicorn, beside stock Wagtail, nginx and the framework's floor.

    .venv/bin/python bench/content_api.py [--duration 12] [--clients 40] [--articles 5000]

Creates a scratch PostgreSQL database (``bench_cms_...``), migrates the CMS,
loads the demo content and scales the Monitor to ``--articles`` live English
articles (copies of the demo's, made with bulk inserts; the page tree is
checked afterwards). Then starts the CMS under gunicorn with
``deploy/gunicorn.conf.py`` (production settings, one worker per core, Redis
database 10 as cache) and nginx with the content API cache of
``deploy/nginx.conf`` in front of it, and for a listing
(``?type=monitor.ArticlePage&fields=*&limit=20``) and a detail (``?fields=*``)
measures, ``--duration`` seconds each:

- floor: a Django view on the same server returning the same bytes from memory;
- static: nginx serving the same bytes from a file;
- nginx cache: the content API through nginx's proxy cache (every request a hit);
- app-cached: the content API, the same URL again and again (Redis hits);
- uncached: the content API, a URL never asked before on every request
  (listings: a different ``offset`` each time; details: a different article),
  so every request misses the server cache and renders;
- stock: Wagtail's plain ``PagesAPIViewSet`` at ``/api/stock/`` on the same
  content, with the same URLs as "uncached".

It prints requests/s, p50/p99 latency and the server CPU per request of each
phase, the three ratios against their targets, and the SQL queries of one
request of each kind. The database, Redis database 10, gunicorn, nginx and the
temporary folder are gone afterwards. nginx comes from Debian
(``apt-get install nginx-light``); without it the nginx phases are left out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench._load import PhaseResult, run_phase
from bench._support import (
    REPO_ROOT,
    child_pids,
    cpu_seconds,
    machine,
    percentile,
    scratch,
    use_environment,
)
from tests.harness import free_port, stop_process, wait_for_http
from tests.nginx import nginx_version, start_nginx

LISTING = "pages/?type=monitor.ArticlePage&fields=*&limit=20"
DETAIL = "pages/{id}/?fields=*"
OURS = "/api/v2/"
STOCK = "/api/stock/"
WARM_UP_SECONDS = 2.0
# Targets of issue 4.
CACHE_LAYER_OF_STATIC = 0.70
APP_CACHED_OF_FLOOR = 0.50
UNCACHED_OVER_STOCK = 4.0


# --- content ----------------------------------------------------------------------------------


def scale_articles(target: int) -> tuple[int, float]:
    """Copy the demo's English Monitor articles until there are ``target``; (added, seconds).

    ``Page.add_child`` saves one page at a time (about ten queries and a search
    index update each); here the base ``Page`` rows are bulk-created with tree
    paths computed from the Monitor's last child, then the article rows and
    their countries, themes, tags, authors and related pages are copied in
    one ``INSERT ... SELECT`` per table. Each copy is live, published, in the
    Monitor's locale, with its own slug, ``url_path`` and ``translation_key``,
    and a date one day further back per round of copies. No revisions and no
    search index entries are made: the API reads live pages, not revisions.
    """
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from cms.monitor.models import (
        ArticleAuthor,
        ArticlePage,
        ArticleRelatedPage,
        ArticleTag,
        MonitorIndexPage,
    )

    started = time.perf_counter()
    with transaction.atomic():
        monitor = MonitorIndexPage.objects.get(locale=Locale.get_default())
        templates = list(ArticlePage.objects.child_of(monitor).order_by("path"))
        missing = target - len(templates)
        if missing <= 0:
            return 0, time.perf_counter() - started
        last_path = Page.objects.child_of(monitor).order_by("-path").values_list("path", flat=True)
        last_step = Page._str2int(last_path[0][-Page.steplen :])
        depth = monitor.depth + 1
        now = timezone.now()
        copied = [field for field in Page._meta.concrete_fields if not field.primary_key]
        pages, template_ids, shifts = [], [], []
        for index in range(missing):
            template = templates[index % len(templates)]
            number = len(templates) + index + 1
            page = Page(**{field.attname: getattr(template, field.attname) for field in copied})
            page.slug = f"bench-article-{number:05d}"
            page.title = page.draft_title = f"{template.title} ({number})"
            page.path = Page._get_path(monitor.path, depth, last_step + index + 1)
            page.depth, page.numchild = depth, 0
            page.url_path = f"{monitor.url_path}{page.slug}/"
            page.translation_key = uuid.uuid4()
            page.locale_id = monitor.locale_id
            page.live, page.has_unpublished_changes = True, False
            page.first_published_at = page.last_published_at = now - datetime.timedelta(
                hours=number
            )
            page.latest_revision_id = page.live_revision_id = None
            page.latest_revision_created_at = None
            page.locked, page.locked_at, page.locked_by_id = False, None, None
            page.alias_of_id = None
            pages.append(page)
            template_ids.append(template.pk)
            shifts.append(1 + index // len(templates))
        Page.objects.bulk_create(pages, batch_size=1000)
        mapping = ([page.pk for page in pages], template_ids, shifts)
        with connection.cursor() as cursor:
            _copy_rows(cursor, ArticlePage, "page_ptr_id", mapping, shift_column="date")
            for model, column in [
                (ArticlePage.countries.through, "articlepage_id"),
                (ArticlePage.themes.through, "articlepage_id"),
                (ArticleTag, "content_object_id"),
                (ArticleAuthor, "page_id"),
                (ArticleRelatedPage, "page_id"),
            ]:
                _copy_rows(cursor, model, column, mapping)
        Page.objects.filter(pk=monitor.pk).update(numchild=F("numchild") + missing)
    return missing, time.perf_counter() - started


def _copy_rows(cursor, model, column: str, mapping, *, shift_column: str = "") -> None:
    """Copy the rows of ``model`` whose ``column`` names a template, for each new page."""
    fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    if model._meta.pk.column == column:  # the article table: its key is the page's
        fields = [model._meta.pk, *fields]
    names, values = [], []
    for field in fields:
        names.append(f'"{field.column}"')
        if field.column == column:
            values.append("m.new_id")
        elif field.column == shift_column:
            values.append(f'r."{field.column}" - m.shift')
        else:
            values.append(f'r."{field.column}"')
    table = model._meta.db_table
    cursor.execute(
        f'INSERT INTO "{table}" ({", ".join(names)}) '  # noqa: S608 (names from the models)
        f"SELECT {', '.join(values)} "
        "FROM unnest(%s::int[], %s::int[], %s::int[]) AS m(new_id, template_id, shift) "
        f'JOIN "{table}" r ON r."{column}" = m.template_id',
        list(mapping),
    )


def add_child_cost(count: int) -> float:
    """Seconds per article for Wagtail's ``add_child``, measured on ``count`` and rolled back."""
    from django.db import transaction
    from wagtail.models import Locale

    from cms.monitor.models import ArticlePage, MonitorIndexPage

    monitor = MonitorIndexPage.objects.get(locale=Locale.get_default())
    template = ArticlePage.objects.child_of(monitor).order_by("path").first()
    with transaction.atomic():
        started = time.perf_counter()
        for number in range(count):
            monitor.add_child(
                instance=ArticlePage(
                    title=f"Timing {number}",
                    slug=f"bench-timing-{number}",
                    summary=template.summary,
                    body=template.body.raw_data,
                    hero_image_id=template.hero_image_id,
                    date=template.date,
                    first_published_at=template.first_published_at,
                )
            )
            monitor.refresh_from_db(fields=["numchild"])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / max(count, 1)


def check_content(expected: int) -> list[str]:
    """Problems of the page tree and the scaled Monitor (empty when all is well)."""
    from django.db.models import Count
    from wagtail.models import Locale, Page

    from cms.monitor.models import ArticlePage

    problems = []
    # What ``manage.py fixtree`` looks for: bad characters, step lengths, orphans,
    # depths and child counts.
    names = ("bad characters", "bad step length", "orphans", "wrong depth", "wrong numchild")
    for name, found in zip(names, Page.find_problems(), strict=True):
        if found:
            problems.append(f"{name}: {len(found)} pages")
    live = ArticlePage.objects.live().filter(locale=Locale.get_default()).count()
    if live != expected:
        problems.append(f"{live} live English articles, not {expected}")
    duplicated = (
        Page.objects.values("url_path").annotate(n=Count("id")).filter(n__gt=1).count()
        + Page.objects.values("translation_key", "locale")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if duplicated:
        problems.append(f"{duplicated} duplicated url_path or translation keys")
    if ArticlePage.objects.filter(first_published_at__isnull=True, live=True).exists():
        problems.append("live articles without first_published_at")
    return problems


# --- servers ----------------------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], *, port: int, workers: int, log: Path):
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (the venv's gunicorn)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                # No recycling of workers mid-phase (see bench/signup_throughput.py).
                "--max-requests",
                "0",
                "cms.wsgi:application",
            ],
            env=env,
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", process=process)
    return process


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Figures:
    rate: float
    p50: float
    p99: float
    errors: dict
    cpu: dict


def postgres_pids() -> list[int]:
    """The PostgreSQL backends serving the scratch database (gunicorn's connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def measure(name: str, url: str, *, servers: dict, urls: list[str] | None = None, **load):
    """Warm up, then one timed phase; its figures, printed as a row of the table."""
    warm, timed = (urls[:200], urls[200:]) if urls is not None else (None, None)
    run_phase(url, urls=warm, **{**load, "duration": WARM_UP_SECONDS})
    groups = {
        "gunicorn": child_pids(servers["gunicorn"]),
        "PostgreSQL": postgres_pids(),
        "nginx": child_pids(servers["nginx"]) if servers.get("nginx") else [],
    }
    before = {pid: cpu_seconds([pid]) for pids in groups.values() for pid in pids}
    result: PhaseResult = run_phase(url, urls=timed, **load)
    answered = max(len(result.latencies), 1)
    cpu = {}
    for key, pids in groups.items():
        # A process gone during the phase (a database connection past its age) is left out.
        used = [
            (after - before[pid])
            for pid in pids
            if before[pid] is not None and (after := cpu_seconds([pid])) is not None
        ]
        if used:
            cpu[key] = sum(used) * 1000 / answered
    latencies = sorted(result.latencies)
    errors = {str(code): n for code, n in result.statuses.items() if not 200 <= code < 300}
    errors.update(result.failures)
    figures = Figures(
        rate=len(latencies) / result.seconds,
        p50=percentile(latencies, 0.50) * 1000,
        p99=percentile(latencies, 0.99) * 1000,
        errors=errors,
        cpu=cpu,
    )
    cpu_text = "  ".join(f"{key} {ms:5.2f}" for key, ms in cpu.items() if ms > 0.005)
    print(
        f"  {name:<13} {figures.rate:8.1f} {figures.p50:8.1f} {figures.p99:8.1f}  "
        f"{sum(errors.values()):>6}  {cpu_text}",
        flush=True,
    )
    if result.ran_out:
        print(f"  ({result.ran_out} clients ran out of URLs before the end)")
    return figures


def count_queries(paths: dict[str, str]) -> dict[str, int]:
    """Queries of one request of each kind, served in this process, no server cache hit."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in process")
        counts[name] = len(captured)
    return counts


def first_ids(body: bytes) -> list[int]:
    return [item["id"] for item in json.loads(body)["items"]]


# --- the run --------------------------------------------------------------------------------------


def verdict(value: float, target: float) -> str:
    return "met" if value >= target else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=40, help="concurrent clients")
    parser.add_argument(
        "--uncached-clients",
        type=int,
        default=4,
        help="concurrent clients of the uncached and stock phases (each request takes "
        "hundreds of ms to seconds: more clients only queue up in front of two cores)",
    )
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--articles", type=int, default=5000, help="live English articles")
    parser.add_argument(
        "--time-add-child", type=int, default=30, help="articles to time add_child on (0: skip)"
    )
    args = parser.parse_args()
    processes = max(1, min(args.client_processes, args.clients))
    threads = max(1, args.clients // processes)
    load = {"duration": args.duration, "processes": processes, "threads": threads}
    slow_processes = max(1, min(processes, args.uncached_clients))
    slow_load = {
        "duration": args.duration,
        "processes": slow_processes,
        "threads": max(1, args.uncached_clients // slow_processes),
        "timeout": 90.0,
    }

    port = free_port()
    extra = {
        "DJANGO_SETTINGS_MODULE": "bench.cms_settings",
        "WAGTAILAPI_BASE_URL": f"http://127.0.0.1:{port}",
        "CMS_2FA_REQUIRED": "false",
    }
    ok = True
    with scratch("cms", extra, service="cms") as db:
        floor_dir = db.var_dir / "floor"
        floor_dir.mkdir()
        db.env["BENCH_FLOOR_DIR"] = str(floor_dir)
        started = time.perf_counter()
        try:
            db.manage("migrate", "--noinput")
            db.manage("load_demo_content")
        except subprocess.CalledProcessError as error:
            raise SystemExit(f"{' '.join(error.cmd[1:])} failed:\n{error.stderr[-3000:]}") from None
        print(f"content  migrated and demo loaded in {time.perf_counter() - started:.1f} s")
        use_environment(db.env)
        import django

        django.setup()
        print(f"machine  {machine()}, {nginx_version()}")
        if args.time_add_child:
            cost = add_child_cost(args.time_add_child)
            print(
                f"content  Page.add_child: {cost * 1000:.0f} ms an article "
                f"({args.time_add_child} timed, rolled back), so about "
                f"{cost * args.articles:.0f} s for {args.articles}"
            )
        added, seconds = scale_articles(args.articles)
        problems = check_content(args.articles)
        print(
            f"content  {added} articles added in {seconds:.1f} s by bulk copy; tree and "
            f"Monitor check: {'; '.join(problems) or 'ok'}"
        )
        ok = ok and not problems
        from cms.monitor.models import ArticlePage

        article_ids = list(ArticlePage.objects.live().values_list("pk", flat=True))
        detail_id = min(article_ids)
        # The sites table in the cache and the renditions made first (the images are
        # shared by all articles), so the counts are those of a warm server.
        count_queries(
            {
                f"warm {api}": api + path
                for api in (OURS, STOCK)
                for path in (LISTING + "&offset=2", DETAIL.format(id=article_ids[2]))
            }
        )
        queries = count_queries(
            {
                "ours listing": OURS + LISTING + "&offset=1",
                "stock listing": STOCK + LISTING + "&offset=1",
                "ours detail": OURS + DETAIL.format(id=article_ids[1]),
                "stock detail": STOCK + DETAIL.format(id=article_ids[1]),
                "floor": "/healthz",
            }
        )
        from django.db import connections

        connections.close_all()

        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(db.env, port=port, workers=args.workers, log=db.var_dir / "g.log")
        nginx = None
        try:
            nginx = start_nginx(
                folder=db.var_dir / "nginx",
                upstream_port=port,
                workers=os.cpu_count() or 1,
                static=True,
            )
            servers = {"gunicorn": server.pid, "nginx": nginx.process.pid if nginx else 0}
            threads_per_worker = db.env.get("GUNICORN_THREADS", "8")
            print(
                f"server   gunicorn, {args.workers} workers x {threads_per_worker} threads "
                f"(gthread), production settings, PostgreSQL + Redis db 10 on 127.0.0.1; "
                f"{'nginx ' + str(os.cpu_count()) + ' workers' if nginx else 'no nginx'}"
            )
            print(
                f"clients  {processes * threads} ({processes} processes), "
                f"{slow_load['processes'] * slow_load['threads']} for uncached and stock; "
                f"{args.duration:.0f} s per phase after {WARM_UP_SECONDS:.0f} s of warm-up"
            )
            ok = (
                run_endpoints(
                    base=base,
                    nginx_base=nginx.url if nginx else "",
                    floor_dir=floor_dir,
                    static_dir=db.var_dir / "nginx" / "static",
                    article_ids=article_ids,
                    detail_id=detail_id,
                    servers=servers,
                    queries=queries,
                    load=load,
                    slow_load=slow_load,
                )
                and ok
            )
        finally:
            if nginx is not None:
                nginx.stop()
            stop_process(server)
    return 0 if ok else 1


def run_endpoints(
    *,
    base: str,
    nginx_base: str,
    floor_dir: Path,
    static_dir: Path,
    article_ids: list[int],
    detail_id: int,
    servers: dict,
    queries: dict,
    load: dict,
    slow_load: dict,
) -> bool:
    ok = True
    # The same URLs, in the same order, for ours and stock (not a secret: S311).
    rng = random.Random(4)  # noqa: S311
    endpoints = {
        "listing": (LISTING, [f"{LISTING}&offset={n}" for n in rng.sample(range(4980), 4980)]),
        "detail": (
            DETAIL.format(id=detail_id),
            [DETAIL.format(id=pk) for pk in rng.sample(article_ids, len(article_ids))],
        ),
    }
    results: dict[str, dict[str, Figures]] = {}
    for endpoint, (path, uncached_paths) in endpoints.items():
        ours = requests.get(base + OURS + path, timeout=90)
        again = requests.get(base + OURS + path, timeout=90)
        stock = requests.get(base + STOCK + path, timeout=90)
        if not (ours.status_code == again.status_code == stock.status_code == 200):
            raise SystemExit(f"{path}: {ours.status_code}, {stock.status_code}")
        (floor_dir / f"{endpoint}.json").write_bytes(again.content)
        (static_dir / f"{endpoint}.json").write_bytes(again.content)
        same = (
            first_ids(ours.content) == first_ids(stock.content)
            if endpoint == "listing"
            else ours.json()["id"] == stock.json()["id"]
        )
        print(
            f"\n{endpoint}: {path}  ({len(again.content):,} bytes ours, "
            f"{len(stock.content):,} stock, same pages: {'yes' if same else 'NO'}; "
            f"server cache on the 2nd request: {again.headers.get('X-Cache')})"
        )
        print(
            f"  {'phase':<13} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  {'errors':>6}  "
            "server CPU ms/request"
        )
        figures: dict[str, Figures] = {}
        figures["floor"] = measure(
            "floor", f"{base}/bench/floor/{endpoint}.json", servers=servers, **load
        )
        if nginx_base:
            figures["static"] = measure(
                "nginx static",
                f"{nginx_base}/bench/static/{endpoint}.json",
                servers=servers,
                **load,
            )
            cached_url = nginx_base + OURS + path
            requests.get(cached_url, timeout=30)
            status = requests.get(cached_url, timeout=30).headers.get("X-Proxy-Cache")
            figures["cache layer"] = measure("nginx cache", cached_url, servers=servers, **load)
            print(f"  (nginx cache status of a request before the phase: {status})")
            ok = ok and status == "HIT"
        figures["app-cached"] = measure("app-cached", base + OURS + path, servers=servers, **load)
        figures["uncached"] = measure(
            "uncached",
            base + OURS + path,
            servers=servers,
            urls=[base + OURS + url for url in uncached_paths],
            **slow_load,
        )
        figures["stock"] = measure(
            "stock",
            base + STOCK + path,
            servers=servers,
            urls=[base + STOCK + url for url in uncached_paths],
            **slow_load,
        )
        ok = ok and not any(phase.errors for phase in figures.values())
        results[endpoint] = figures

    print("\nratios (targets of issue 4)")
    for endpoint, figures in results.items():
        lines = []
        if "cache layer" in figures:
            ratio = figures["cache layer"].rate / figures["static"].rate
            lines.append(
                f"nginx cache / nginx static {ratio:6.1%} "
                f"(>= {CACHE_LAYER_OF_STATIC:.0%}: {verdict(ratio, CACHE_LAYER_OF_STATIC)})"
            )
        ratio = figures["app-cached"].rate / figures["floor"].rate
        lines.append(
            f"app-cached / floor         {ratio:6.1%} "
            f"(>= {APP_CACHED_OF_FLOOR:.0%}: {verdict(ratio, APP_CACHED_OF_FLOOR)})"
        )
        if figures["uncached"].rate and figures["stock"].rate:
            ratio = figures["uncached"].rate / figures["stock"].rate
            lines.append(
                f"uncached / stock           {ratio:5.2f}x "
                f"(>= {UNCACHED_OVER_STOCK:.0f}x: {verdict(ratio, UNCACHED_OVER_STOCK)})"
            )
        else:  # every URL was used by the warm-up: too few articles for the duration
            lines.append("uncached / stock           not measured (more --articles needed)")
        for line in lines:
            print(f"  {endpoint:<8} {line}")
    print(
        "\nqueries  per request, in process, server cache missed: "
        + ", ".join(f"{name} {count}" for name, count in queries.items())
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
