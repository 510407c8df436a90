"""Push every subscribed and unsubscribed member to Mailchimp again, 500 per call."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from subscriber_service.audience.services import SYNCED_STATUSES, audience_resync
from subscriber_service.subscriptions.models import Subscriber


class Command(BaseCommand):
    help = "Full resync of the Mailchimp audience from local subscriptions (batch subscribe)."

    def handle(self, *args, **options):
        total = Subscriber.objects.filter(status__in=SYNCED_STATUSES).count()
        started = time.perf_counter()
        with tqdm(total=total, unit="member", desc="resync", file=self.stderr) as bar:
            report = audience_resync(progress=bar.update)
        self.stdout.write(
            f"{report.members} members in {report.calls} calls, {report.created} created, "
            f"{report.updated} updated, {report.errors} refused, "
            f"{time.perf_counter() - started:.1f} s"
        )
