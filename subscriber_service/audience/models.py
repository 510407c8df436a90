from django.db import models


class SyncState(models.Model):
    """Where the periodic reconciliation with Mailchimp got to."""

    key = models.CharField(max_length=40, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
