import datetime

import factory
import pytest
import wagtail_factories
from django.core.exceptions import ValidationError

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.reports.models import AnnualReportPage, StrategyPage
from cms.taxonomy.tests.factories import SdgFactory

pytestmark = pytest.mark.django_db


class AnnualReportPageFactory(wagtail_factories.PageFactory):
    title = "Annual report 2020"
    year = 2020
    period_start = datetime.date(2019, 1, 1)
    period_end = datetime.date(2019, 12, 31)
    summary = "Our impact in 2019."
    report_document = factory.SubFactory(wagtail_factories.DocumentFactory)
    impact_highlights = [{"type": "highlight", "value": "Trained more than 375 defenders."}]
    key_figures = [
        {
            "type": "figure",
            "value": {"number": "174", "unit": "", "label": "countries", "source": ""},
        }
    ]

    class Meta:
        model = AnnualReportPage


class StrategyPageFactory(wagtail_factories.PageFactory):
    title = "Strategic framework 2017 to 2020"
    period_start = 2017
    period_end = 2020
    mission = "Build capacity, strengthen protection, amplify impact."
    strategy = [
        {
            "type": "goal",
            "value": {"title": "Expand our reach", "description": "Online and offline."},
        },
        {"type": "tactic", "value": "Strategic litigation"},
        {
            "type": "consultation",
            "value": {"participants": 700, "countries": None, "description": "Consultations."},
        },
    ]

    class Meta:
        model = StrategyPage


@pytest.fixture
def section():
    return SectionPageFactory(parent=home_page(), slug="reports")


def test_an_annual_report_shows_its_highlights_figures_goals_and_download(client, section):
    report = AnnualReportPageFactory(parent=section, sdgs=[SdgFactory(number=16)])

    html = client.get(report.url, HTTP_HOST="localhost").content.decode()

    assert "Trained more than 375 defenders." in html
    assert "174" in html and "countries" in html
    assert "SDG 16" in html
    assert report.report_document.url in html


def test_an_annual_report_period_must_end_after_it_starts():
    report = AnnualReportPageFactory.build(
        period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2019, 1, 1)
    )

    with pytest.raises(ValidationError) as raised:
        report.clean()
    assert "period_end" in raised.value.message_dict


def test_a_strategy_renders_goals_tactics_and_consultation(client, section):
    strategy = StrategyPageFactory(parent=section)

    html = client.get(strategy.url, HTTP_HOST="localhost").content.decode()

    assert "Expand our reach" in html
    assert "Strategic litigation" in html
    assert [goal["title"] for goal in strategy.blocks_of("goal")] == ["Expand our reach"]
    assert strategy.is_current is False


def test_the_current_strategy_has_no_end_year(section):
    assert StrategyPageFactory(parent=section, period_end=None, slug="current").is_current
