"""The individual signup checks, cheapest first. Each raises :class:`AbuseRejected`."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dns.exception
import dns.resolver
import idna
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.http import HttpRequest
from django.utils.translation import gettext

from subscriber_service.abuse.exceptions import AbuseRejected
from subscriber_service.abuse.forms import FORM_STARTED_FIELD, form_started_age

logger = logging.getLogger(__name__)

BUNDLED_DISPOSABLE_DOMAINS = Path(__file__).resolve().parent / "disposable_domains.txt"

# Top-level names that can never receive mail: RFC 2606 and RFC 6761 (test,
# example, invalid, localhost), RFC 6762 (local), RFC 7686 (onion), RFC 8375
# (home.arpa), RFC 9476 (alt), and ICANN's private-use "internal".
RESERVED_TLDS = frozenset(
    {"test", "example", "invalid", "localhost", "local", "onion", "alt", "internal"}
)
RESERVED_DOMAINS = frozenset({"home.arpa"})

_email_syntax = EmailValidator()


def check_request_size(request: HttpRequest) -> None:
    """413 when the declared body is larger than ``SIGNUP_MAX_REQUEST_BYTES``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise AbuseRejected(
            gettext("The request has an invalid Content-Length."), code="request_invalid"
        ) from None
    limit = settings.SIGNUP_MAX_REQUEST_BYTES
    if length > limit:
        raise AbuseRejected(
            gettext("The request is too large: at most %(limit)d bytes are accepted.")
            % {"limit": limit},
            code="request_too_large",
            status_code=413,
        )


def check_honeypot(data: Mapping[str, Any]) -> None:
    """400 when the field hidden from people was filled in. The message stays vague."""
    value = data.get(settings.SIGNUP_HONEYPOT_FIELD)
    if value not in (None, ""):
        logger.info("Signup refused: honeypot filled")
        raise AbuseRejected(gettext("This signup could not be accepted."), code="rejected")


def check_fill_time(data: Mapping[str, Any], *, required: bool) -> None:
    """400 when ``form_started`` is missing (if required), altered, too old or too recent."""
    token = data.get(FORM_STARTED_FIELD)
    if token in (None, ""):
        if required:
            raise _form_invalid()
        return
    if not isinstance(token, str) or len(token) > 200:
        raise _form_invalid()
    try:
        age = form_started_age(token, max_age=settings.SIGNUP_FORM_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise AbuseRejected(
            gettext("The form has expired; reload the page and try again."),
            code="form_expired",
            field=FORM_STARTED_FIELD,
        ) from None
    except signing.BadSignature:
        raise _form_invalid() from None
    if age < settings.SIGNUP_MIN_FILL_SECONDS:
        logger.info("Signup refused: form filled too fast")
        raise AbuseRejected(
            gettext("The form was sent too quickly; wait a few seconds and send it again."),
            code="form_too_fast",
            field=FORM_STARTED_FIELD,
        )


def _form_invalid() -> AbuseRejected:
    return AbuseRejected(
        gettext("The form could not be verified; reload the page and try again."),
        code="form_invalid",
        field=FORM_STARTED_FIELD,
    )


def check_email(email: Any) -> str:
    """Check the address's syntax and domain; return its normalised form.

    The normalised form (lower case, the domain as IDNA A-labels) is what rate
    limits count, so that ``Ana@Exämple.org`` and ``ana@xn--exmple-cua.org``
    are one address.
    """
    if not isinstance(email, str) or not email.strip():
        raise _email_error(gettext("An email address is required."), code="email_invalid")
    email = email.strip()
    if len(email) > 254:
        raise _email_error(gettext("This email address is too long."), code="email_invalid")
    try:
        _email_syntax(email)
    except ValidationError:
        raise _email_error(
            gettext("This is not a valid email address."), code="email_invalid"
        ) from None
    local, _, domain = email.rpartition("@")
    if domain.startswith("["):
        raise _email_error(
            gettext("Use an address at a domain name, not at an IP address."),
            code="email_domain",
        )
    ascii_domain = _ascii_domain(domain)
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise _email_error(
            gettext("The domain of this address (%(domain)s) is incomplete.") % {"domain": domain},
            code="email_domain",
        )
    if labels[-1] in RESERVED_TLDS or ".".join(labels[-2:]) in RESERVED_DOMAINS:
        raise _email_error(
            gettext("The domain %(domain)s is reserved and cannot receive email.")
            % {"domain": domain},
            code="email_domain",
        )
    if blocked := _listed_domain(ascii_domain, _configured_blocked_domains()):
        raise _email_error(
            gettext("Addresses at %(domain)s cannot be used to sign up.")
            % {"domain": _display(blocked)},
            code="email_blocked_domain",
        )
    if disposable := _listed_domain(ascii_domain, disposable_domains(_disposable_file())):
        raise _email_error(
            gettext(
                "%(domain)s gives out disposable addresses; "
                "please sign up with an address you keep."
            )
            % {"domain": _display(disposable)},
            code="email_disposable_domain",
        )
    if settings.SIGNUP_CHECK_DNS:
        check_domain_accepts_mail(ascii_domain, shown_as=domain)
    return f"{local.lower()}@{ascii_domain}"


def _email_error(message: str, *, code: str) -> AbuseRejected:
    return AbuseRejected(message, code=code, field="email")


def _ascii_domain(domain: str) -> str:
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        raise _email_error(
            gettext("The domain of this address (%(domain)s) is not a valid domain name.")
            % {"domain": domain},
            code="email_domain",
        ) from None


def _display(ascii_domain: str) -> str:
    try:
        return idna.decode(ascii_domain)
    except idna.IDNAError:
        return ascii_domain


def _listed_domain(ascii_domain: str, listed: frozenset[str]) -> str | None:
    """The listed domain that is ``ascii_domain`` or one of its parents."""
    labels = ascii_domain.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in listed:
            return candidate
    return None


def _configured_blocked_domains() -> frozenset[str]:
    return _normalise_domains(tuple(settings.SIGNUP_BLOCKED_DOMAINS))


def _disposable_file() -> str:
    return settings.SIGNUP_DISPOSABLE_DOMAINS_FILE or str(BUNDLED_DISPOSABLE_DOMAINS)


@functools.cache
def disposable_domains(path: str) -> frozenset[str]:
    """The domains listed in ``path``, read once per process."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return _normalise_domains(tuple(line.split("#", 1)[0] for line in lines))


@functools.cache
def _normalise_domains(domains: Iterable[str]) -> frozenset[str]:
    result = set()
    for domain in domains:
        domain = domain.strip().strip(".")
        if not domain:
            continue
        try:
            result.add(idna.encode(domain, uts46=True).decode("ascii").lower())
        except idna.IDNAError:
            logger.warning("Ignoring an invalid domain in the signup block lists: %r", domain)
    return frozenset(result)


def check_domain_accepts_mail(ascii_domain: str, *, shown_as: str) -> None:
    """Optional DNS check: the domain exists and has mail servers (MX, else A/AAAA).

    Only a definite answer refuses the address (the name does not exist, or it
    publishes a null MX, RFC 7505); a timeout or an unreachable resolver lets
    it through, so that a DNS outage never turns supporters away.
    """
    try:
        resolver = _resolver()
        try:
            answer = resolver.resolve(ascii_domain, "MX", search=False)
        except dns.resolver.NoAnswer:
            if _has_address(resolver, ascii_domain):
                return
            raise _no_mail(shown_as) from None
        exchanges = [str(record.exchange) for record in answer]
        if exchanges == ["."]:
            raise _no_mail(shown_as)
    except dns.resolver.NXDOMAIN:
        raise _email_error(
            gettext("The domain %(domain)s does not exist.") % {"domain": shown_as},
            code="email_domain",
        ) from None
    except dns.exception.DNSException as error:
        logger.warning("Signup domain not checked: DNS lookup failed (%s)", type(error).__name__)


def _has_address(resolver: dns.resolver.Resolver, ascii_domain: str) -> bool:
    for record_type in ("A", "AAAA"):
        try:
            resolver.resolve(ascii_domain, record_type, search=False)
        except dns.resolver.NoAnswer:
            continue
        return True
    return False


def _no_mail(shown_as: str) -> AbuseRejected:
    return _email_error(
        gettext("The domain %(domain)s does not accept email.") % {"domain": shown_as},
        code="email_domain",
    )


def _resolver() -> dns.resolver.Resolver:
    nameservers = settings.SIGNUP_DNS_NAMESERVERS
    resolver = dns.resolver.Resolver(configure=not nameservers)
    # The port first: setting the name servers reads it.
    resolver.port = settings.SIGNUP_DNS_PORT
    if nameservers:
        resolver.nameservers = list(nameservers)
    resolver.lifetime = settings.SIGNUP_DNS_TIMEOUT
    resolver.timeout = settings.SIGNUP_DNS_TIMEOUT
    return resolver
