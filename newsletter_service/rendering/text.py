"""The plain-text part of an email: the same content as the HTML, readable as it is."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from newsletter_service.rendering.pages import PageView


def _heading(text: str, underline: str) -> str:
    return f"{text}\n{underline * len(text)}" if text else ""


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part.strip("\n") for part in parts if part and part.strip())


def _page_header(page: PageView) -> str:
    people = ", ".join(
        f"{person.name} ({person.role})" if person.role else person.name for person in page.people
    )
    return _paragraphs(
        _heading(page.title, "="),
        "\n".join(line for line in (page.meta_line, people) if line),
        page.summary,
        "\n\n".join(part for part in (page.mission, page.vision) if part),
    )


def _page_body(page: PageView, blocks) -> str:
    documents = "\n".join(
        f"- {document.title}"
        + (f" [{document.details}]" if document.details else "")
        + f" ({document.url})"
        for document in page.documents
    )
    return _paragraphs(*(block.text for block in blocks), documents)


def _digest(pages: list[PageView]) -> str:
    cards = []
    for page in pages:
        cards.append(
            _paragraphs(
                _heading(page.title, "-"),
                "\n".join(line for line in (page.meta_line, " · ".join(page.themes)) if line),
                page.summary,
                f"{gettext('Read more')}: {page.url}" if page.url else "",
            )
        )
    return _paragraphs(*cards)


def _footer(c: dict[str, Any]) -> str:
    address = "\n".join(
        line.strip()
        for line in (c["organisation_name"], *c["postal_address"].splitlines())
        if line.strip()
    )
    return _paragraphs(
        "-- ",
        gettext("You receive this email because you subscribed to news from %(organisation)s.")
        % {"organisation": c["organisation_name"]},
        c["list_description_tag"],
        f"{gettext('Unsubscribe')}: {c['unsubscribe_tag']}\n"
        f"{gettext('Update your preferences')}: {c['preferences_tag']}",
        address,
    )


def email_text(kind: str, c: dict[str, Any]) -> str:
    """The text part of an email of ``kind``, from the context of its HTML template."""
    archive = (
        f"{gettext('View this email in your browser')}: {c['archive_tag']}"
        if c["archive_tag"]
        else ""
    )
    if kind == "digest":
        content = _paragraphs(_heading(c["subject"], "="), c["intro"], _digest(c["pages"]))
    else:
        page = c["page"]
        details = ""
        if kind == "invitation":
            details = "\n".join(
                line
                for line in (
                    f"{gettext('Date')}: {page.date_display}" if page.date_display else "",
                    f"{gettext('Where')}: {', '.join(page.countries)}" if page.countries else "",
                )
                if line
            )
        action = c.get("action")
        action_line = f"{action['text']}: {action['url']}" if action else ""
        content = _paragraphs(
            c["intro"],
            _page_header(page),
            details,
            action_line if kind == "invitation" else "",
            _page_body(page, c["blocks"]),
            action_line if kind != "invitation" else "",
        )
    text = _paragraphs(archive, c["organisation_name"], content, _footer(c))
    return text.replace("\xa0", " ").replace("\u202f", " ") + "\n"
