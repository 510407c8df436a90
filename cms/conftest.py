import contextlib

import pytest
from django.core.cache import cache

from cms.events.services import CHANGED_AT_KEY, GENERATION_KEY

pytest_plugins = ["platform_common.pytest_browser"]


@pytest.fixture(autouse=True)
def fresh_content_generation():
    """Each test starts a content generation of its own.

    Test transactions are rolled back, but the cache (Redis) outlives them:
    without this, a content API response cached by one test (or an earlier
    run) could answer the same URL in the next.
    """
    with contextlib.suppress(ValueError):  # not there yet: made on first use
        cache.incr(GENERATION_KEY)
    cache.delete(CHANGED_AT_KEY)
