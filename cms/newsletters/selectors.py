"""Which pages can become a newsletter, of what kind, and who may send them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator
from wagtail.models import Page

from cms.monitor.models import ArticleKind, ArticlePage
from cms.reports.models import AnnualReportPage

SEND_PERMISSION = "newsletters.send_newsletter"
SUBJECT_MAX = PREVIEW_TEXT_MAX = 150

# A Monitor article's kind → the newsletter service's campaign kind, and the
# subscriber-service interest its readers most likely chose.
ARTICLE_KINDS = {
    ArticleKind.EVENT: ("invitation", "events"),
    ArticleKind.APPEAL: ("appeal", "appeals"),
}

SENDABLE_TYPES = (ArticlePage, AnnualReportPage)


@dataclass(frozen=True)
class NewsletterSource:
    """What a page gives a new campaign: its kind and the form's first values."""

    kind: str
    subject: str
    preview_text: str
    language: str
    interests: tuple[str, ...]


def newsletter_source(page: Page) -> NewsletterSource | None:
    """The campaign a page makes, or ``None`` for page types that are not sent as emails.

    Monitor articles (an event is an invitation, an appeal an appeal, the rest
    a single page) and annual reports. Other types are left out on purpose:
    defender stories go through a safety review and are not mailed from here.
    """
    page = page.specific
    if isinstance(page, ArticlePage):
        kind, interest = ARTICLE_KINDS.get(page.kind, ("single", "monitor"))
    elif isinstance(page, AnnualReportPage):
        kind, interest = "single", "news"
    else:
        return None
    return NewsletterSource(
        kind=kind,
        subject=Truncator(page.title).chars(SUBJECT_MAX),
        preview_text=Truncator(page.summary).chars(PREVIEW_TEXT_MAX),
        language=page.locale.language_code,
        interests=(interest,),
    )


def page_and_translation_ids(page: Page) -> list[int]:
    """The page and its translations: campaigns of any of them belong on its screen."""
    return sorted(page.get_translations(inclusive=True).values_list("pk", flat=True))


def user_can_send(user, page: Page) -> bool:
    """The ``send_newsletter`` permission, and the right to edit the page itself."""
    return user.has_perm(SEND_PERMISSION) and page.permissions_for_user(user).can_edit()


def page_can_be_sent(page: Page) -> bool:
    """Live (the newsletter service reads the public content API) and of a mailed type.

    Cheap enough for every row of a page listing: no query.
    """
    page_class = page.specific_class
    return bool(page.live and page_class and issubclass(page_class, SENDABLE_TYPES))
