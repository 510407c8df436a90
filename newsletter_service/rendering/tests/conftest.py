import pytest

POSTAL_ADDRESS = "Rue de la Paix 1\n1202 Geneva\nSwitzerland"


@pytest.fixture(autouse=True)
def rendering_settings(settings):
    """The settings of production, with the postal address the law requires set."""
    settings.NEWSLETTER_RENDERING = {
        **settings.NEWSLETTER_RENDERING,
        "ORGANISATION_NAME": "Defenders Platform",
        "ORGANISATION_POSTAL_ADDRESS": POSTAL_ADDRESS,
    }
    return settings.NEWSLETTER_RENDERING
