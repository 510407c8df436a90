from platform_common.production import production_settings

from .base import *  # noqa: F403

globals().update(production_settings("cms"))
