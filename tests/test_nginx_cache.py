"""The HTTP cache of deploy/nginx.conf in front of the CMS: it honours the API's headers and
publish events purge it.

nginx (Debian's, with the cache purge module) runs the content API cache and
the purge listener taken from the deployment file (tests/nginx.py), in front of
a CMS under gunicorn with its Celery worker, told to purge that listener
(``CMS_FRONTEND_CACHE_URL``) like a deployment is.
"""

from __future__ import annotations

import json
import os
import time

import pytest
import requests

from tests.conftest import service_environment
from tests.harness import ServiceProcesses, free_port, with_path
from tests.nginx import nginx_binary, start_nginx

pytestmark = pytest.mark.skipif(
    nginx_binary() is None,
    reason="needs nginx (Debian packages nginx-light and libnginx-mod-http-cache-purge, "
    "installed by .ci/run)",
)

LISTING = "/api/v2/pages/?type=monitor.ArticlePage&locale=en&fields=title&limit=5"

PUBLISH = """
from cms.monitor.models import ArticlePage
page = ArticlePage.objects.get(pk={page_id})
page.title = {title!r}
page.save_revision().publish()
"""


def cache_status(response: requests.Response) -> str:
    return response.headers.get("X-Proxy-Cache", "")


@pytest.fixture(scope="module")
def cached_cms(backing, service_tokens, mailchimp, mail_sink, tmp_path_factory):
    """A CMS with its worker, behind nginx's cache; the CMS purges nginx on publish events."""
    ports = {name: free_port() for name in ("cms", "subscriber_service", "newsletter_service")}
    nginx_port, purge_port = free_port(), free_port()
    env = service_environment(
        "cms", backing, service_tokens, ports, mailchimp=mailchimp, mail_sink=mail_sink
    )
    if backing.real:
        # A Redis database of its own: the platform's CMS worker listens on the same queue name
        # and would take this CMS's purge tasks (and look their events up in its own database).
        import redis

        env["REDIS_URL"] = with_path(
            backing.redis_url, f"/{os.environ.get('NGINX_TEST_REDIS_DB', '11')}"
        )
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    env.update(
        {
            "CMS_WEBHOOK_ENDPOINTS": "",
            "CMS_FRONTEND_CACHE_URL": f"http://127.0.0.1:{purge_port}",
            # API URLs (and so the purged ones) are those of the cache, as in a deployment.
            "WAGTAILAPI_BASE_URL": f"http://127.0.0.1:{nginx_port}",
        }
    )
    tmp_path = tmp_path_factory.mktemp("cached_cms")
    (tmp_path / "logs").mkdir()
    cms = ServiceProcesses(name="cms", env=env, port=ports["cms"], log_dir=tmp_path / "logs")
    nginx = start_nginx(
        folder=tmp_path / "nginx",
        upstream_port=ports["cms"],
        purge=True,
        port=nginx_port,
        purge_port=purge_port,
    )
    try:
        cms.manage("migrate", "--noinput")
        if backing.real:
            cms.manage("collectstatic", "--noinput", "-v0")
        cms.manage("load_demo_content")
        cms.start_worker()
        cms.start_web()
        yield cms, nginx
    finally:
        cms.stop()
        nginx.stop()


def test_the_cache_serves_hits_honours_validators_and_bypasses_private_requests(cached_cms):
    _, nginx = cached_cms

    first = requests.get(nginx.url + LISTING, timeout=30)
    second = requests.get(nginx.url + LISTING, timeout=30)
    assert first.status_code == second.status_code == 200
    assert (cache_status(first), cache_status(second)) == ("MISS", "HIT")
    assert first.content == second.content
    assert "max-age" in second.headers["Cache-Control"]

    # A conditional request is answered by the cache itself.
    revalidated = requests.get(
        nginx.url + LISTING, headers={"If-None-Match": second.headers["ETag"]}, timeout=30
    )
    assert revalidated.status_code == 304
    assert cache_status(revalidated) == "HIT"

    # Requests that may be personal never come from, or go into, the shared cache.
    for headers, url in (
        ({"Authorization": "Bearer someone"}, LISTING),
        ({"Origin": "https://partner.rights.test"}, LISTING),
        ({}, LISTING + "&token=preview"),
    ):
        response = requests.get(nginx.url + url, headers=headers, timeout=30)
        assert cache_status(response) == "BYPASS", (headers, url)

    # The purge listener takes PURGE only.
    refused = requests.get(nginx.purge_url + "/api/v2/pages/", timeout=10)
    assert refused.status_code == 405


def test_a_publish_event_purges_the_detail_and_the_listing_of_the_page(cached_cms):
    cms, nginx = cached_cms
    article = requests.get(nginx.url + LISTING, timeout=30).json()["items"][0]
    detail = f"/api/v2/pages/{article['id']}/"
    # The listing of the article's type and language: one of those each event purges by name
    # (Debian's purge module takes exact keys; other listings refresh after max-age).
    listing = "/api/v2/pages/?type=monitor.ArticlePage&locale=en"
    for url in (detail, listing):
        requests.get(nginx.url + url, timeout=30)
        assert cache_status(requests.get(nginx.url + url, timeout=30)) == "HIT"

    new_title = f"{article['title']} (updated {time.time_ns()})"
    published_at = time.monotonic()
    cms.manage("shell", "-c", PUBLISH.format(page_id=article["id"], title=new_title))

    # The API says max-age=60: anything fresh before that is the purge's doing.
    def fresh() -> bool:
        shown_detail = requests.get(nginx.url + detail, timeout=30).json()["title"]
        shown_listing = [
            item["title"] for item in requests.get(nginx.url + listing, timeout=30).json()["items"]
        ]
        return shown_detail == new_title and new_title in shown_listing

    while not fresh():
        assert time.monotonic() - published_at < 20, (
            "the cache still served the old title 20 s after the publish:\n"
            + cms.log("worker")[-3000:]
            + nginx.error_log()[-2000:]
        )
        time.sleep(0.2)
    elapsed = time.monotonic() - published_at
    print(json.dumps({"publish_to_fresh_through_nginx_s": round(elapsed, 2)}))
