"""Repair drift between local subscriptions and the Mailchimp audience."""

from django.core.management.base import BaseCommand

from subscriber_service.audience.services import audience_reconcile


class Command(BaseCommand):
    help = "Compare the Mailchimp audience with local subscriptions and repair differences."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Compare the whole audience, not only members changed since the last run.",
        )

    def handle(self, *args, full: bool, **options):
        report = audience_reconcile(full=full)
        self.stdout.write(
            f"seen {report.seen}, applied here {report.applied_locally}, pushed {report.pushed}, "
            f"erased again {report.erased}, unknown {report.unknown}"
        )
