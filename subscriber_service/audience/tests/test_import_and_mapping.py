import csv
import io

import pytest
from django.core.management import CommandError, call_command

from subscriber_service.subscriptions.models import ConsentRecord, Subscriber
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    "email,name,language,interests,consent_source,consent_date,consent_wording",
    "one@rights.org,One,fr,monitor;news,2019 paper form,2019-03-01,I agree",
    "two@rights.org,Two,es,events,website 2021,2021-05-02T10:00:00Z,I agree",
    "not-an-address,Bad,en,news,form,2020-01-01,",
    "three@rights.org,Three,en,unknown-topic,form,2020-01-01,",
    "four@rights.org,Four,en,news,,2020-01-01,",
    "left@rights.org,Left,en,news,form,2020-01-01,",
    "ONE@rights.org,Again,en,news,form,2020-01-01,",
]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_subscribers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_reports_every_rejected_row_and_changes_nothing(csv_file, tmp_path, mailchimp):
    SubscriberFactory(email="left@rights.org", status=Subscriber.Status.UNSUBSCRIBED)
    report = tmp_path / "rejected.csv"

    out, err = run(str(csv_file), "--dry-run", "--rejected", str(report))

    assert "[dry run] would import: 2 new" in out
    assert "5 rejected of 7 rows" in out
    assert "import" in err  # the progress bar
    rejected = list(csv.DictReader(report.read_text().splitlines()))
    assert [(row["line"], row["reason"]) for row in rejected] == [
        ("4", "invalid email address"),
        ("5", "unknown interest: unknown-topic"),
        ("6", "no consent provenance (consent_source and consent_date)"),
        ("8", "address repeated in the file"),
        ("7", "unsubscribed: an import does not re-add"),
    ]
    assert Subscriber.objects.count() == 1
    assert mailchimp.requests == []


def test_an_import_stores_consent_provenance_and_pushes_in_batches(csv_file, mailchimp):
    out, _ = run(str(csv_file))

    one = Subscriber.objects.get(email="one@rights.org")
    assert one.status == Subscriber.Status.SUBSCRIBED
    assert one.language == "fr"
    record = one.consent_records.get()
    assert record.action == ConsentRecord.Action.IMPORT
    assert record.source == "2019 paper form"
    assert record.created_at.date().isoformat() == "2019-03-01"
    assert mailchimp.member("one@rights.org")["status"] == "subscribed"
    assert mailchimp.member("two@rights.org")["language"] == "es"
    assert len(mailchimp.requests_to("POST", r"^/lists/[^/]+$")) == 1
    assert "Mailchimp: 3 created" in out
    assert mailchimp.spec_violations == []


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("email,name\nx@rights.org,X\n")

    with pytest.raises(CommandError, match="consent_date, consent_source"):
        run(str(path))


def test_the_interest_mapping_is_served_to_the_newsletter_service_only(client, settings, mailchimp):
    settings.SERVICE_CLIENTS = {"newsletter_service": "n-token", "cms": "c-token"}

    allowed = client.get("/api/internal/audience/", HTTP_AUTHORIZATION="Bearer n-token")
    refused = client.get("/api/internal/audience/", HTTP_AUTHORIZATION="Bearer c-token")
    anonymous = client.get("/api/internal/audience/")

    assert allowed.status_code == 200
    body = allowed.json()
    assert body["audience_id"] == mailchimp.list_id
    monitor = next(i for i in body["interests"] if i["key"] == "monitor")
    assert monitor["mailchimp_interest_id"]
    assert monitor["mailchimp_category_id"] == mailchimp.interest_category_id("Topics")
    assert body["languages"] == ["en", "fr", "es"]
    assert refused.status_code == 403
    assert anonymous.status_code == 401
