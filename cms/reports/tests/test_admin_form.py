"""Annual reports and strategy pages created through the admin's add-page form."""

import pytest
import wagtail_factories

from cms.core.tests.admin_forms import (
    add_page,
    editor,
    form_errors,
    inline_formset,
    nested_form_data,
    rich,
    streamfield,
)
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.tests.factories import ImageFactory
from cms.reports.models import AnnualReportPage, StrategyPage
from cms.taxonomy.tests.factories import PersonFactory, ProgrammeFactory, SdgFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionPageFactory(parent=home_page(), slug="reports")


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def report_data(**fields):
    document = wagtail_factories.DocumentFactory(title="Annual report 2020")
    return nested_form_data(
        {
            "title": "Annual report 2020",
            "slug": "annual-report-2020",
            "year": "2020",
            "period_start": "2019-01-01",
            "period_end": "2019-12-31",
            "summary": "Our impact in 2019.",
            "hero_image": ImageFactory().pk,
            "report_document": document.pk,
            "body": streamfield([("rich_text", rich("<p>A letter from our director.</p>"))]),
            "impact_highlights": streamfield([("highlight", "Trained more than 375 defenders.")]),
            "key_figures": streamfield(
                [("figure", {"number": "174", "unit": "", "label": "countries", "source": "Us"})]
            ),
            "signatories": inline_formset([]),
            **fields,
        }
    )


def test_an_editor_creates_an_annual_report_with_figures_goals_and_signatories(
    editor_client, section
):
    sdg, signatory = SdgFactory(number=16), PersonFactory(name="Lucía Ferreira")
    data = report_data(signatories=inline_formset([{"person": signatory.pk}]))
    data["sdgs"] = [sdg.pk]

    response = add_page(editor_client, section, AnnualReportPage, data, publish=True)

    assert response.status_code == 302, form_errors(response)
    report = AnnualReportPage.objects.get(slug="annual-report-2020")
    assert (report.year, str(report.period_start), str(report.period_end)) == (
        2020,
        "2019-01-01",
        "2019-12-31",
    )
    assert report.report_document.title == "Annual report 2020"
    assert [block.value for block in report.impact_highlights] == [
        "Trained more than 375 defenders."
    ]
    assert [(int(b.value["number"]), b.value["label"]) for b in report.key_figures] == [
        (174, "countries")
    ]
    assert list(report.sdgs.all()) == [sdg]
    assert [link.person for link in report.signatories.all()] == [signatory]
    html = editor_client.get(report.url, HTTP_HOST="localhost").content.decode()
    assert "Lucía Ferreira" in html and "SDG 16" in html


def test_an_annual_report_is_refused_with_a_backwards_period_a_bad_year_or_no_summary(
    editor_client, section
):
    data = report_data(year="1700", period_start="2020-01-01", period_end="2019-01-01", summary="")

    # Saving a draft defers required fields; publishing checks them.
    errors = form_errors(add_page(editor_client, section, AnnualReportPage, data, publish=True))

    assert set(errors) >= {"year", "summary"}
    assert not AnnualReportPage.objects.exists()
    data = report_data(period_start="2020-01-01", period_end="2019-01-01")
    errors = form_errors(add_page(editor_client, section, AnnualReportPage, data))
    assert "must end after it starts" in errors["period_end"][0]


def strategy_data(**fields):
    document = wagtail_factories.DocumentFactory(title="Strategy 2017-2020")
    return nested_form_data(
        {
            "title": "Strategic framework 2017 to 2020",
            "slug": "strategy-2017-2020",
            "period_start": "2017",
            "period_end": "2020",
            "vision": "A world where defenders are safe.",
            "mission": "Build capacity, strengthen protection, amplify impact.",
            "strategy": streamfield(
                [
                    ("goal", {"title": "Expand our reach", "description": "Online and offline."}),
                    ("tactic", "Strategic litigation"),
                    ("value", {"name": "Solidarity", "description": ""}),
                    ("figure", {"number": "700", "unit": "", "label": "consulted", "source": ""}),
                    (
                        "consultation",
                        {"participants": "700", "countries": "47", "description": "Surveys."},
                    ),
                    ("document", {"document": document.pk, "label": "The framework"}),
                ]
            ),
            "body": streamfield([]),
            **fields,
        }
    )


def test_an_editor_creates_a_strategy_with_goals_tactics_values_and_documents(
    editor_client, section
):
    programme = ProgrammeFactory(name="Environmental justice")
    data = strategy_data()
    data["programmes"] = [programme.pk]

    response = add_page(editor_client, section, StrategyPage, data, publish=True)

    assert response.status_code == 302, form_errors(response)
    strategy = StrategyPage.objects.get(slug="strategy-2017-2020")
    assert [block.block_type for block in strategy.strategy] == [
        "goal",
        "tactic",
        "value",
        "figure",
        "consultation",
        "document",
    ]
    assert strategy.blocks_of("consultation")[0]["participants"] == 700
    assert list(strategy.programmes.all()) == [programme]
    assert not strategy.is_current
    html = editor_client.get(strategy.url, HTTP_HOST="localhost").content.decode()
    assert "Expand our reach" in html and "Strategic litigation" in html


def test_a_strategy_is_refused_without_a_mission_or_with_a_backwards_period(editor_client, section):
    errors = form_errors(
        add_page(
            editor_client,
            section,
            StrategyPage,
            strategy_data(mission="", period_end="2016"),
            publish=True,
        )
    )

    assert "mission" in errors and "period_end" in errors
    assert not StrategyPage.objects.exists()
