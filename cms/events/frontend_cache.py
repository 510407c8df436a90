"""A frontend cache backend for the nginx cache in deploy/ (or any cache taking PURGE)."""

from __future__ import annotations

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

logger = logging.getLogger(__name__)


class PurgeHTTPBackend(HTTPBackend):
    """Wagtail's HTTP backend with a timeout, quiet when there was nothing to purge.

    Wagtail's own waits forever on a silent cache and logs an error for every
    URL that was not cached (ngx_cache_purge answers 404, or 412 since 2.5).
    """

    def __init__(self, params):
        self.timeout = float(params.pop("TIMEOUT", 5))
        super().__init__(params)

    def purge(self, url):
        parsed = urlsplit(url)
        host = parsed.hostname or ""
        if parsed.port:
            host += f":{parsed.port}"
        target = urlunsplit(
            [self.cache_scheme, self.cache_netloc, parsed.path, parsed.query, parsed.fragment]
        )
        request = PurgeRequest(url=target, headers={"Host": host, "User-Agent": "cms-purge"})
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 - LOCATION comes from settings
                pass
        except HTTPError as error:
            error.close()
            if error.code not in (404, 412):
                logger.error("Could not purge %s: HTTP %s", url, error.code)
        except (URLError, TimeoutError) as error:
            logger.error("Could not purge %s: %s", url, getattr(error, "reason", error))
