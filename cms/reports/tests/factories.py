import datetime

import factory
import wagtail_factories

from cms.reports.models import AnnualReportPage, AnnualReportSignatory, StrategyPage
from cms.taxonomy.tests.factories import PersonFactory


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


class AnnualReportSignatoryFactory(factory.django.DjangoModelFactory):
    """A signatory of the report given as ``page``."""

    person = factory.SubFactory(PersonFactory)

    class Meta:
        model = AnnualReportSignatory
