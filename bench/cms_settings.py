"""The CMS's production settings with the benchmark's URLconf (``bench/content_api.py`` only).

Production URLs are unchanged: ``bench.cms_stock_urls`` adds the stock API and
the floor in front of ``cms.urls``.
"""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.cms_stock_urls"
