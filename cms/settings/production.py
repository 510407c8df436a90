from platform_common import conf
from platform_common.production import production_settings

from .base import *  # noqa: F403

globals().update(production_settings("cms"))

# Every editor must use two-factor authentication (docs/cms.md); set
# CMS_2FA_REQUIRED=false only for a throwaway demo.
WAGTAIL_2FA_REQUIRED = conf.env.bool("CMS_2FA_REQUIRED", default=True)
