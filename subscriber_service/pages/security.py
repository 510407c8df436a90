"""Headers every hosted page sends, and the signed token of the embedded form.

Every page:

- ``Cache-Control: no-store``: most pages carry a token (in the URL, or the
  CSRF and form tokens in their forms); none is worth keeping in a cache.
- ``Referrer-Policy: same-origin``: a link-token page never tells another
  site its address. Not ``no-referrer``: with it, browsers send
  ``Origin: null`` on every form POST (Fetch standard, "append a request
  Origin header"), which Django's CSRF check rightly refuses; ``same-origin``
  keeps the Origin of our own forms and still sends nothing to other sites.
- ``Content-Security-Policy``: scripts, styles and requests only from this
  service (no third party can be added by accident), forms only posting
  here, and no framing, except for the embedded signup form, whose
  ``frame-ancestors`` are the ``SIGNUP_EMBED_ALLOWED_ORIGINS``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'"
)
_EMBED_SALT = "subscriber_service.pages.embed-form"


def frame_ancestors() -> str:
    """Who may frame the embedded form: this service and the allow-listed origins."""
    return " ".join(["'self'", *settings.SIGNUP_EMBED_ALLOWED_ORIGINS])


def apply_page_headers(response: HttpResponse, *, embeddable: bool = False) -> HttpResponse:
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    ancestors = frame_ancestors() if embeddable else "'none'"
    response["Content-Security-Policy"] = f"{_POLICY}; frame-ancestors {ancestors}"
    return response


def issue_embed_form_token() -> str:
    """A signed, dated token that the embedded form carries instead of a CSRF cookie."""
    return signing.dumps("embed-signup", salt=_EMBED_SALT, compress=False)


def embed_form_is_genuine(request: HttpRequest, token: object) -> bool:
    """Whether a POST to the embedded form comes from a form this service rendered.

    The embedded form lives in an iframe on another site, where the CSRF
    cookie is a third-party cookie: it would need ``SameSite=None; Secure``,
    and browsers that block third-party cookies (Safari, Firefox's strict
    mode, Chrome with the setting on) would still drop it, so the form would
    fail for those supporters. The form therefore carries no cookie at all
    and this check stands in for Django's:

    - the token is signed by this service and younger than
      ``SIGNUP_FORM_MAX_AGE_SECONDS``: the POST comes from a form we rendered;
    - when the browser names the page that sent the form (``Origin``), it is
      this service itself, not a page elsewhere posting blindly.

    What CSRF protects against, a request made with someone's ambient
    credentials, cannot happen here: the embedded form needs none and grants
    none, and a signup only ever leads to an email asking the address's
    owner to confirm. The proof of work, the honeypot and the rate limits
    still apply to every POST.
    """
    if not isinstance(token, str) or not token or len(token) > 200:
        return False
    try:
        signing.loads(token, salt=_EMBED_SALT, max_age=settings.SIGNUP_FORM_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"
