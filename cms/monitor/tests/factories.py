import datetime

import factory
import wagtail_factories

from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticlePage, MonitorIndexPage


class MonitorIndexPageFactory(wagtail_factories.PageFactory):
    title = "Human Rights Monitor"
    slug = "monitor"

    class Meta:
        model = MonitorIndexPage


class ArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    summary = "Defenders asked the Council to act."
    hero_image = factory.SubFactory(ImageFactory)
    body = factory.LazyFunction(lambda: [{"type": "rich_text", "value": "<p>Body text.</p>"}])

    class Meta:
        model = ArticlePage
