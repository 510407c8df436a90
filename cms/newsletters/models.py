"""The permission to send pages as newsletters.

Campaigns live in the newsletter service, not here: this model only carries
the permission, the way Wagtail's ``simple_translation`` carries
``submit_translation``. It is concrete (a table with no rows) so that
``remove_stale_contenttypes`` and ``dumpdata`` leave the permission alone.
"""

from django.db import models


class NewsletterSending(models.Model):
    class Meta:
        default_permissions = ()
        permissions = [("send_newsletter", "Can send pages as newsletters")]

    def __str__(self) -> str:
        return "newsletter sending"
