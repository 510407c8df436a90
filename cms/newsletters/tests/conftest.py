import pytest

from cms.newsletters.tests.fake_newsletter_service import FakeNewsletterService

TOKEN = "cms-calls-newsletter-in-tests"


@pytest.fixture
def newsletter_service(settings):
    """The stand-in newsletter service, with the CMS's settings pointing at it."""
    fake = FakeNewsletterService(token=TOKEN).start()
    settings.NEWSLETTER_SERVICE = {
        "url": fake.url,
        "token": TOKEN,
        "timeout": 2.0,
        "send_timeout": 5.0,
    }
    yield fake
    fake.stop()
