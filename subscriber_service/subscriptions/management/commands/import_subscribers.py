"""Import an existing list from CSV, then push it to Mailchimp in batches of 500."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from subscriber_service.audience.services import audience_resync
from subscriber_service.subscriptions.imports import ImportFileError, subscribers_import
from subscriber_service.subscriptions.models import Subscriber


class Command(BaseCommand):
    help = (
        "Import subscribers from a CSV file with consent provenance (columns: email, "
        "consent_source, consent_date; optional name, language, interests, consent_wording)."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; change nothing."
        )
        parser.add_argument(
            "--rejected", type=Path, help="Write rejected rows (line, email, reason) to this CSV."
        )
        parser.add_argument(
            "--no-push", action="store_true", help="Store locally; do not call Mailchimp now."
        )

    def handle(self, *args, csv_file: Path, dry_run: bool, rejected, no_push: bool, **options):
        if not csv_file.exists():
            raise CommandError(f"No such file: {csv_file}")
        with csv_file.open(newline="", encoding="utf-8-sig") as handle:
            total = max(sum(1 for _ in handle) - 1, 0)
            handle.seek(0)
            with tqdm(total=total, unit="row", desc="import", file=self.stderr) as bar:
                try:
                    report = subscribers_import(handle, dry_run=dry_run, progress=bar.update)
                except ImportFileError as error:
                    raise CommandError(str(error)) from error
        prefix = "[dry run] would import" if dry_run else "imported"
        self.stdout.write(
            f"{prefix}: {report.created} new, {report.upgraded} pending confirmed, "
            f"{report.already_subscribed} already subscribed, {len(report.rejected)} rejected "
            f"of {report.rows} rows"
        )
        if rejected is not None:
            with rejected.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "email", "reason"])
                writer.writerows(report.rejected)
            self.stdout.write(f"rejected rows written to {rejected}")
        else:
            for line, _, reason in report.rejected[:20]:
                self.stdout.write(f"  line {line}: {reason}")
        if dry_run or no_push or not report.imported_ids:
            return
        queryset = Subscriber.objects.filter(pk__in=report.imported_ids)
        with tqdm(
            total=len(report.imported_ids), unit="member", desc="mailchimp", file=self.stderr
        ) as bar:
            pushed = audience_resync(queryset=queryset, progress=bar.update)
        self.stdout.write(
            f"Mailchimp: {pushed.created} created, {pushed.updated} updated, "
            f"{pushed.errors} refused, in {pushed.calls} calls"
        )
