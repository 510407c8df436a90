import datetime

import pytest
from django.core.exceptions import ValidationError

from cms.core.tests.factories import SectionPageFactory, home_page
from cms.reports.tests.factories import AnnualReportPageFactory, StrategyPageFactory
from cms.taxonomy.tests.factories import SdgFactory

pytestmark = pytest.mark.django_db


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
