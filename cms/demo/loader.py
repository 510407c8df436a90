"""Builds the demo site. Every step looks for what it would create first, so it is safe to rerun."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Workflow, WorkflowPage

from cms.core.models import SectionPage, SiteSettings
from cms.demo import content, media
from cms.home.demo import demo_editor_ensure, demo_editor_password, home_page_ensure
from cms.monitor.models import ArticlePage, MonitorIndexPage
from cms.programmes.models import ProgrammePage
from cms.reports.models import AnnualReportPage, AnnualReportSignatory, StrategyPage
from cms.resources.models import ResourceFile, ResourcePage
from cms.stories.models import DefenderStoryPage, RiskLevel
from cms.taxonomy.models import Country, Person, Programme, SustainableDevelopmentGoal, Theme

IMAGE_COUNT = 10
QUOTE = (
    "When they attack one of us, they try to silence all of us. "
    "International attention keeps us safer."
)
SIGNUP_TEXT = "News, events and appeals in your inbox. You can leave at any time."


def load() -> tuple[dict[str, int], bool]:
    """Create (or complete) the demo site.

    Returns how many of each thing it holds, and whether the demo editor is new.
    """
    with transaction.atomic():
        locales = _locales()
        home = home_page_ensure()
        editor, editor_created = demo_editor_ensure(password=demo_editor_password())
        reviewer = _reviewer(password=demo_editor_password())
        SiteSettings.objects.update_or_create(
            pk=SiteSettings.load().pk,
            defaults={
                "organisation_name": content.ORGANISATION,
                "postal_address": "Rue de la Paix 1\n1202 Geneva\nSwitzerland",
            },
        )
        taxonomy = _taxonomy(locales)
        images = _images()
        people = _people(images, locales)
        monitor = _page(
            home,
            MonitorIndexPage,
            "monitor",
            title="Human Rights Monitor",
            intro="News from our work with human rights defenders, by country and theme.",
        )
        sections = {
            slug: _page(home, SectionPage, slug, title=title, intro=intro)
            for slug, title, intro in [
                (
                    "reports",
                    "Annual reports and strategy",
                    "What we achieved, and where we are going.",
                ),
                (
                    "programmes",
                    "Programmes",
                    "The four programmes through which we support defenders.",
                ),
                (
                    "stories",
                    "Defenders' stories",
                    "People who stand up for the rights of others, in their words.",
                ),
                (
                    "resources",
                    "Resources",
                    "Handbooks, guides and action sheets for defenders and their allies.",
                ),
            ]
        }
        _articles(monitor, taxonomy, images, people)
        _reports(sections["reports"], taxonomy, images, people)
        _programme_pages(sections["programmes"], taxonomy)
        _stories(sections["stories"], taxonomy, _portraits(), editor=editor, reviewer=reviewer)
        _resources(sections["resources"], taxonomy, images)
        _translations(home, monitor, sections, locales)
    return {
        "articles": ArticlePage.objects.filter(locale=locales["en"]).count(),
        "countries": Country.objects.filter(locale=locales["en"], articles__isnull=False)
        .distinct()
        .count(),
        "annual reports": AnnualReportPage.objects.filter(locale=locales["en"]).count(),
        "strategies": StrategyPage.objects.filter(locale=locales["en"]).count(),
        "programmes": ProgrammePage.objects.filter(locale=locales["en"]).count(),
        "stories": DefenderStoryPage.objects.live().count(),
        "resources": ResourcePage.objects.count(),
        "translated snippets": sum(
            model.objects.exclude(locale=locales["en"]).count()
            for model in (Country, Theme, Programme, SustainableDevelopmentGoal, Person)
        ),
        "translated pages": Page.objects.exclude(locale=locales["en"]).exclude(depth=1).count(),
    }, editor_created


def _locales() -> dict[str, Locale]:
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "fr", "es")
    }


def _reviewer(*, password: str):
    user, _ = get_user_model().objects.get_or_create(
        username="reviewer",
        defaults={"email": "reviewer@example.org", "first_name": "Safety", "last_name": "Reviewer"},
    )
    user.set_password(password)
    user.save()
    user.groups.add(*Group.objects.filter(name__in=["Safety reviewers", "Editors"]))
    return user


def _page(parent: Page, model: type[Page], slug: str, **fields: Any) -> Page:
    """The child of ``parent`` with ``slug``, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    relations = {key: fields.pop(key) for key in list(fields) if key in _RELATIONS}
    page = model(slug=slug, **fields)
    for key, value in relations.items():
        setattr(page, key, value)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


_RELATIONS = {
    "countries",
    "themes",
    "authors",
    "sdgs",
    "signatories",
    "programmes",
    "files",
    "tags",
}


def _translated(item, locale: Locale, **fields: Any):
    """The translation of a snippet into ``locale``, made with ``fields`` if missing."""
    existing = item.get_translation_or_none(locale)
    if existing is not None:
        return existing
    copy = item.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def _taxonomy(locales: dict[str, Locale]) -> dict[str, dict]:
    en, fr, es = locales["en"], locales["fr"], locales["es"]
    countries = {}
    for code, name, name_fr, name_es, region in content.COUNTRIES:
        country, _ = Country.objects.get_or_create(
            iso_code=code, locale=en, defaults={"name": name, "region": region}
        )
        _translated(country, fr, name=name_fr)
        _translated(country, es, name=name_es)
        countries[code] = country
    themes = {}
    for slug, name in content.THEMES:
        theme = Theme.objects.get_or_create(slug=slug, locale=en, defaults={"name": name})[0]
        name_fr, name_es = content.THEMES_TRANSLATED[slug]
        _translated(theme, fr, name=name_fr)
        _translated(theme, es, name=name_es)
        themes[slug] = theme
    programmes = {}
    for slug, name, summary in content.PROGRAMMES:
        programme = Programme.objects.get_or_create(
            slug=slug, locale=en, defaults={"name": name, "summary": summary}
        )[0]
        (name_fr, summary_fr), (name_es, summary_es) = content.PROGRAMMES_TRANSLATED[slug]
        _translated(programme, fr, name=name_fr, summary=summary_fr)
        _translated(programme, es, name=name_es, summary=summary_es)
        programmes[slug] = programme
    sdgs = {}
    for number, title in content.SDGS:
        sdg = SustainableDevelopmentGoal.objects.get_or_create(
            number=number, locale=en, defaults={"title": title}
        )[0]
        title_fr, title_es = content.SDGS_TRANSLATED[number]
        _translated(sdg, fr, title=title_fr)
        _translated(sdg, es, title=title_es)
        sdgs[number] = sdg
    return {"countries": countries, "themes": themes, "programmes": programmes, "sdgs": sdgs}


def _images() -> list:
    image_model = get_image_model()
    images = []
    for seed in range(IMAGE_COUNT):
        title = f"Demo illustration {seed + 1}"
        image = image_model.objects.filter(title=title).first()
        if image is None:
            image = image_model(
                title=title,
                file=media.picture(seed),
                description=(
                    "Abstract illustration of overlapping circles, "
                    f"colour scheme {seed % len(media.PALETTES) + 1}"
                ),
                credit="Illustration generated for the demo",
            )
            image.save()
        images.append(image)
    return images


def _portraits() -> list:
    """Pictures for the defenders' stories, used nowhere else.

    A story that hides the face moves its photo into the protected collection
    (private storage): such a photo must not be an article's hero image too.
    """
    image_model = get_image_model()
    portraits = []
    for number, story in enumerate(content.STORIES, start=1):
        title = f"Demo portrait {number}"
        image = image_model.objects.filter(title=title).first()
        if image is None:
            image = image_model(
                title=title,
                file=media.picture(100 + number, width=900, height=1200),
                description=f"Abstract illustration standing in for a portrait, {story['country']}",
                credit="Illustration generated for the demo",
            )
            image.save()
        portraits.append(image)
    return portraits


def _people(images: list, locales: dict[str, Locale]) -> list[Person]:
    people = []
    for index, (name, role) in enumerate(content.PEOPLE):
        person = Person.objects.get_or_create(
            name=name, locale=locales["en"], defaults={"role": role, "photo": images[index]}
        )[0]
        role_fr, role_es = content.PEOPLE_ROLES_TRANSLATED[role]
        _translated(person, locales["fr"], role=role_fr)
        _translated(person, locales["es"], role=role_es)
        people.append(person)
    return people


def _rich(*paragraphs: str) -> dict:
    return {
        "type": "rich_text",
        "value": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
    }


def _articles(
    monitor: MonitorIndexPage, taxonomy: dict, images: list, people: list[Person]
) -> None:
    from cms.monitor.models import ArticleAuthor

    countries = list(taxonomy["countries"].values())
    today = timezone.localdate()
    count = 0
    for round_ in range(4):
        for index, (pattern, theme_slugs, programme_slug, kind) in enumerate(content.HEADLINES):
            if count >= 44:
                return
            country = countries[(index * 4 + round_ * 7) % len(countries)]
            title = pattern.format(country=country.name)
            slug = f"article-{count + 1:02d}"
            paragraphs = [
                paragraph.format(country=country.name) for paragraph in content.ARTICLE_PARAGRAPHS
            ]
            body = [_rich(paragraphs[0], paragraphs[1])]
            if count % 3 == 0:
                body.append(
                    {
                        "type": "quote",
                        "value": {
                            "quote": QUOTE,
                            "attribution": "A defender we work with",
                            "role": f"{country.name}",
                        },
                    }
                )
            if count % 4 == 0:
                body.append(
                    {
                        "type": "key_figures",
                        "value": {
                            "heading": "In numbers",
                            "figures": [
                                {
                                    "number": str(12 + count),
                                    "unit": "",
                                    "label": "defenders supported this year",
                                    "source": "Our programme records",
                                }
                            ],
                        },
                    }
                )
            body.append(_rich(paragraphs[2]))
            body.append(
                {
                    "type": "newsletter_signup",
                    "value": {
                        "heading": "Subscribe to the Human Rights Monitor",
                        "text": SIGNUP_TEXT,
                        "interests": ["monitor"],
                    },
                }
            )
            themes = [taxonomy["themes"][slug] for slug in theme_slugs]
            # Every theme appears at least once, whatever the headlines say.
            extra_theme = list(taxonomy["themes"].values())[count % len(taxonomy["themes"])]
            if extra_theme not in themes:
                themes.append(extra_theme)
            _page(
                monitor,
                ArticlePage,
                slug,
                title=title,
                date=today - datetime.timedelta(days=count * 9 + 1),
                kind=kind,
                summary=paragraphs[0].split(". ")[0] + ".",
                hero_image=images[count % len(images)],
                programme=taxonomy["programmes"][programme_slug],
                body=body,
                countries=[country],
                themes=themes,
                authors=[ArticleAuthor(person=people[count % len(people)])],
            )
            count += 1


def _document(title: str, lines: list[str]):
    document_model = get_document_model()
    document = document_model.objects.filter(title=title).first()
    if document is None:
        document = document_model(title=title, file=media.pdf(title, lines))
        document.save()
    return document


def _reports(section: SectionPage, taxonomy: dict, images: list, people: list[Person]) -> None:
    for index, report in enumerate(content.ANNUAL_REPORTS):
        start, end = report["period"]
        document = _document(
            f"Annual report {report['year']}", [report["summary"], *report["highlights"]]
        )
        _page(
            section,
            AnnualReportPage,
            f"annual-report-{report['year']}",
            title=report["title"],
            year=report["year"],
            period_start=datetime.date(start, 1, 1),
            period_end=datetime.date(end, 12, 31),
            summary=report["summary"],
            hero_image=images[index],
            report_document=document,
            impact_highlights=[
                {"type": "highlight", "value": text} for text in report["highlights"]
            ],
            key_figures=[
                {
                    "type": "figure",
                    "value": {
                        "number": str(number),
                        "unit": unit,
                        "label": label,
                        "source": f"Annual report {report['year']}",
                    },
                }
                for number, unit, label in report["figures"]
            ],
            body=[
                _rich(report["summary"]),
                {
                    "type": "document",
                    "value": {
                        "document": document.pk,
                        "label": f"Download the {report['year']} annual report",
                    },
                },
            ],
            sdgs=[taxonomy["sdgs"][number] for number in report["sdgs"]],
            signatories=[
                AnnualReportSignatory(person=people[0]),
                AnnualReportSignatory(person=people[1]),
            ],
        )
    for strategy in content.STRATEGIES:
        start, end = strategy["period"]
        participants, countries, description = strategy["consultation"]
        document = _document(strategy["title"], [strategy["mission"]])
        blocks = [
            {"type": "goal", "value": {"title": t, "description": d}} for t, d in strategy["goals"]
        ]
        blocks += [{"type": "tactic", "value": tactic} for tactic in strategy["tactics"]]
        blocks += [
            {"type": "value", "value": {"name": n, "description": d}} for n, d in strategy["values"]
        ]
        blocks += [
            {"type": "figure", "value": {"number": str(n), "unit": u, "label": label, "source": ""}}
            for n, u, label in strategy["figures"]
        ]
        blocks.append(
            {
                "type": "consultation",
                "value": {
                    "participants": participants,
                    "countries": countries,
                    "description": description,
                },
            }
        )
        blocks.append(
            {
                "type": "document",
                "value": {"document": document.pk, "label": f"{strategy['title']} (PDF)"},
            }
        )
        _page(
            section,
            StrategyPage,
            strategy["slug"],
            title=strategy["title"],
            period_start=start,
            period_end=end,
            vision=strategy["vision"],
            mission=strategy["mission"],
            strategy=blocks,
            programmes=list(taxonomy["programmes"].values()),
        )


def _programme_pages(section: SectionPage, taxonomy: dict) -> None:
    for slug, name, summary in content.PROGRAMMES:
        _page(
            section,
            ProgrammePage,
            slug,
            title=name,
            programme=taxonomy["programmes"][slug],
            intro=summary,
        )


def _stories(section: SectionPage, taxonomy: dict, portraits: list, *, editor, reviewer) -> None:
    workflow = Workflow.objects.get(name="Defender story safety review")
    WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    for index, story in enumerate(content.STORIES):
        if section.get_children().filter(slug=story["slug"]).exists():
            continue
        high_risk = story["risk"] == RiskLevel.HIGH
        consent = {
            "consent_recorded_on": datetime.date(2024, 3, 1 + index),
            "consent_recorded_by": "Amara Okafor",
        }
        page = DefenderStoryPage(
            slug=story["slug"],
            title=story["title"],
            display_name=story["display_name"],
            real_name=story["real_name"],
            country=taxonomy["countries"][story["country"]],
            programme=taxonomy["programmes"][story["programme"]],
            photo=portraits[index],
            summary=story["summary"],
            story=[
                _rich(
                    story["summary"],
                    "Their story is told with their consent and reviewed for their safety.",
                )
            ],
            risk_level=story["risk"],
            show_real_name=story["show_real_name"],
            show_face=story["show_face"],
            **consent,
        )
        section.add_child(instance=page)
        revision = page.save_revision(user=editor)
        if not high_risk:
            revision.publish(user=editor)
            continue
        # A high-risk story is published only through the safety workflow:
        # a moderator approves, then another person gives the second approval.
        workflow.start(page, editor)
        for approver in (editor, reviewer):
            state = page.current_workflow_state
            task_state = state.current_task_state
            task_state.task.specific.on_action(task_state, approver, "approve")


def _resources(section: SectionPage, taxonomy: dict, images: list) -> None:
    for index, resource in enumerate(content.RESOURCES):
        files = [
            ResourceFile(
                document=_document(
                    f"{resource['title']} ({language.upper()})", [resource["summary"]]
                ),
                language=language,
            )
            for language in resource["languages"]
        ]
        _page(
            section,
            ResourcePage,
            resource["slug"],
            title=resource["title"],
            resource_type=resource["type"],
            summary=resource["summary"],
            cover_image=images[index],
            files=files,
            themes=[taxonomy["themes"][slug] for slug in resource["themes"]],
        )


def _page_translated(page: Page, locale: Locale, **fields: Any) -> Page:
    """The translation of ``page`` into ``locale``, made and published with ``fields`` if missing.

    Fields name the translated snippets (countries, themes, programme, people...)
    so that a translated page links to the translations, not the English ones.
    """
    existing = page.get_translations().filter(locale=locale).first()
    if existing is not None:
        return existing.specific
    translation = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _translations(
    home, monitor: MonitorIndexPage, sections: dict[str, SectionPage], locales: dict[str, Locale]
) -> None:
    from cms.monitor.models import ArticleAuthor

    latest = list(ArticlePage.objects.child_of(monitor).order_by("-date")[:2])
    report = AnnualReportPage.objects.child_of(sections["reports"]).order_by("-year").first()
    programme_pages = ProgrammePage.objects.child_of(sections["programmes"]).select_related(
        "programme"
    )
    for language, texts in content.TRANSLATIONS.items():
        locale = locales[language]

        def local(item, locale=locale):
            return item.get_translation_or_none(locale) or item

        for page, key in (
            (home, "home"),
            (monitor, "monitor"),
            (sections["programmes"], "programmes"),
            (sections["reports"], "reports"),
        ):
            title, intro = texts[key]
            _page_translated(page, locale, title=title, intro=intro)
        for page in programme_pages:
            programme = local(page.programme)
            _page_translated(
                page, locale, title=programme.name, intro=programme.summary, programme=programme
            )
        for article in latest:
            _page_translated(
                article,
                locale,
                countries=[local(country) for country in article.countries.all()],
                themes=[local(theme) for theme in article.themes.all()],
                programme=local(article.programme) if article.programme else None,
                authors=[
                    ArticleAuthor(person=local(link.person)) for link in article.authors.all()
                ],
            )
        if report is not None:
            _page_translated(
                report,
                locale,
                title=texts["annual_report"].format(year=report.year),
                sdgs=[local(sdg) for sdg in report.sdgs.all()],
                signatories=[
                    AnnualReportSignatory(person=local(link.person))
                    for link in report.signatories.all()
                ],
            )
