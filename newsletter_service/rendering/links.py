"""Links in an email: absolute, of a safe scheme, with the configured UTM parameters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
MERGE_TAG = re.compile(r"\*\|[A-Z0-9_:]+\|\*")


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class Links:
    """Makes the links of one email absolute and safe.

    ``site_hosts`` are the hosts of the CMS's sites: only links to them get the
    ``utm_parameters``, never links to partners or documents elsewhere.
    """

    def __init__(
        self,
        *,
        base_url: str,
        site_hosts: Iterable[str] = (),
        utm_parameters: Mapping[str, str] | None = None,
    ):
        self.base_url = base_url if base_url.endswith("/") else f"{base_url}/"
        self.site_hosts = {host_of(self.base_url), *(host.lower() for host in site_hosts)} - {""}
        self.utm_parameters = dict(utm_parameters or {})

    def absolute(self, url: object) -> str | None:
        """The URL made absolute against the CMS, or None if empty or of an unsafe scheme."""
        if not isinstance(url, str) or not url.strip():
            return None
        url = url.strip()
        if MERGE_TAG.fullmatch(url):
            return url
        try:
            joined = urljoin(self.base_url, url)
            parts = urlsplit(joined)
        except ValueError:
            return None
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return None
        if parts.scheme.lower() != "mailto" and not parts.hostname:
            return None
        return joined

    def link(self, url: object) -> str | None:
        """An absolute, safe URL for an ``href``, with UTM parameters if it leads to the CMS."""
        absolute = self.absolute(url)
        if absolute is None or not self.utm_parameters or MERGE_TAG.fullmatch(absolute):
            return absolute
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in self.site_hosts:
            return absolute
        query = parse_qsl(parts.query, keep_blank_values=True)
        present = {name for name, _ in query}
        query += [
            (name, value) for name, value in self.utm_parameters.items() if name not in present
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))
