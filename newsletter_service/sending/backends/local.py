"""A stand-in for the demo: records what would be sent, one JSON file per campaign.

Files live in ``NEWSLETTER_LOCAL_OUTBOX`` (``var/newsletter_service/campaigns/``):
the settings, the segment, the content, the test sends and the status. A
scheduled campaign counts as sent once its time has passed. Nobody receives
anything.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .base import (
    STATUS_SAVE,
    STATUS_SCHEDULE,
    STATUS_SENT,
    WENT,
    CampaignBackend,
    CampaignBackendError,
    CampaignSpec,
    ReportFigures,
)


class LocalCampaignBackend(CampaignBackend):
    _lock = threading.Lock()

    def __init__(self, outbox: str | None = None) -> None:
        self.folder = Path(outbox or settings.NEWSLETTER_LOCAL_OUTBOX)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, campaign_id: str) -> Path:
        if not campaign_id.isalnum():
            raise CampaignBackendError("Unknown local campaign.", retryable=False, status_code=404)
        return self.folder / f"{campaign_id}.json"

    def _read(self, campaign_id: str) -> dict[str, Any]:
        path = self._path(campaign_id)
        if not path.exists():
            raise CampaignBackendError("Unknown local campaign.", retryable=False, status_code=404)
        record = json.loads(path.read_text(encoding="utf-8"))
        if (
            record["status"] == STATUS_SCHEDULE
            and datetime.fromisoformat(record["send_time"]) <= timezone.now()
        ):
            record["status"] = STATUS_SENT
        return record

    def _write(self, record: dict[str, Any]) -> None:
        path = self._path(record["id"])
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
        temporary.replace(path)

    def _change(self, campaign_id: str, **changes: Any) -> dict[str, Any]:
        with self._lock:
            record = self._read(campaign_id)
            record.update(changes)
            self._write(record)
            return record

    def _refuse_if_sent(self, record: dict[str, Any]) -> None:
        if record["status"] in WENT:
            raise CampaignBackendError(
                "This campaign has already been sent.", retryable=False, status_code=400
            )

    def create(self, spec: CampaignSpec) -> str:
        record = {
            "id": uuid.uuid4().hex[:10],
            "spec": spec.__dict__,
            "status": STATUS_SAVE,
            "content": {"html": "", "text": ""},
            "tests": [],
            "send_time": "",
            "created_at": timezone.now().isoformat(),
        }
        with self._lock:
            self._write(record)
        return record["id"]

    def find(self, *, title: str, list_id: str) -> str | None:
        for path in sorted(self.folder.glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            if record["spec"]["title"] == title:
                return record["id"]
        return None

    def update(self, campaign_id: str, spec: CampaignSpec) -> None:
        self._refuse_if_sent(self._read(campaign_id))
        self._change(campaign_id, spec=spec.__dict__)

    def set_content(self, campaign_id: str, *, html: str, text: str) -> None:
        self._refuse_if_sent(self._read(campaign_id))
        self._change(campaign_id, content={"html": html, "text": text})

    def send_test(self, campaign_id: str, *, emails: list[str]) -> None:
        record = self._read(campaign_id)
        tests = [*record["tests"], {"count": len(emails), "at": timezone.now().isoformat()}]
        self._change(campaign_id, tests=tests)

    def schedule(self, campaign_id: str, *, when: datetime) -> None:
        self._refuse_if_sent(self._read(campaign_id))
        self._change(campaign_id, status=STATUS_SCHEDULE, send_time=when.isoformat())

    def unschedule(self, campaign_id: str) -> None:
        record = self._read(campaign_id)
        if record["status"] != STATUS_SCHEDULE:
            raise CampaignBackendError(
                "This campaign is not scheduled.", retryable=False, status_code=400
            )
        self._change(campaign_id, status=STATUS_SAVE, send_time="")

    def send(self, campaign_id: str) -> None:
        self._refuse_if_sent(self._read(campaign_id))
        self._change(campaign_id, status=STATUS_SENT, send_time=timezone.now().isoformat())

    def status(self, campaign_id: str) -> str:
        return self._read(campaign_id)["status"]

    def report(self, campaign_id: str) -> ReportFigures:
        self._read(campaign_id)
        return ReportFigures(0, 0, 0, 0, 0, 0, 0)
