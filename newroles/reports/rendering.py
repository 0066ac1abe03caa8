"""Reports as documents: the figures for a reader, and their PDF, cached until the data changes.

A report is named by (kind, key, audience): ("briefing", "", "public"), ("trust", ODS code, "members" or
"public"), ("role", slug, "public") or ("snapshot", id, "public"). Its figures are worked out once per
version of the data (`audit.cache.until_change`); its PDF is written once per version too, by a background
task when it is not ready (`tasks.render_report_pdf`), into the private files folder, with a small status
file the progress page polls.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from newroles.audit.cache import code_stamp, data_version, until_change
from newroles.organisations.models import Trust
from newroles.reports import briefing, profiles
from newroles.reports.models import Snapshot
from newroles.reports.presentation import document_context
from newroles.reports.readers import reader_for
from newroles.roles.models import Role

KINDS = ("briefing", "trust", "role", "snapshot")


@dataclass(frozen=True)
class ReportName:
    kind: str
    key: str = ""
    audience: str = "public"

    def filename(self, extension: str) -> str:
        stem = {
            "briefing": "findings-briefing",
            "trust": f"trust-profile-{self.key}",
            "role": f"role-profile-{self.key}",
            "snapshot": f"briefing-snapshot-{self.key}",
        }[self.kind]
        return f"{stem}.{extension}"


def compute(name: ReportName) -> dict[str, Any]:
    """The report's figures, worked out now."""
    today = timezone.localdate()
    if name.kind == "briefing":
        return briefing.briefing_data(today=today)
    if name.kind == "trust":
        trust = get_object_or_404(Trust.objects.select_related("region"), ods_code=name.key)
        return profiles.trust_data(trust, reader_for(name.audience, trust.pk), today=today)
    if name.kind == "role":
        return profiles.role_data(get_object_or_404(Role, slug=name.key), today=today)
    if name.kind == "snapshot":
        return get_object_or_404(Snapshot, pk=int(name.key)).data
    raise ValueError(f"No report of kind {name.kind!r}")


def data_for(name: ReportName) -> dict[str, Any]:
    """The report's figures, computed once per version of the data."""
    return until_change(("report-data", name), lambda: compute(name))


def context_for(name: ReportName) -> dict[str, Any]:
    """The figures with their charts and tables, drawn once per version of the data."""
    return until_change(("report-context", name), lambda: document_context(data_for(name)))


# PDFs -----------------------------------------------------------------------------------------------


def _folder() -> Path:
    folder = Path(settings.PRIVATE_FILES_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def token_for(name: ReportName) -> str:
    """Names the PDF of this report under the current data (and code): a new write makes a new token."""
    raw = repr((code_stamp(), data_version(), name.kind, name.key, name.audience))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def pdf_path(token: str) -> Path:
    return _folder() / f"{token}.pdf"


def status_path(token: str) -> Path:
    return _folder() / f"{token}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_status(token: str, name: ReportName, percent: int, stage: str, error: str = "") -> None:
    body = {
        "kind": name.kind,
        "key": name.key,
        "audience": name.audience,
        "percent": percent,
        "stage": stage,
        "error": error,
    }
    _write_atomically(status_path(token), json.dumps(body).encode())


def read_status(token: str) -> dict[str, Any] | None:
    try:
        return json.loads(status_path(token).read_text())
    except (OSError, ValueError):
        return None


def name_of(status: dict[str, Any]) -> ReportName:
    return ReportName(status["kind"], status["key"], status["audience"])


def render_to_file(name: ReportName, token: str) -> Path:
    """Render the report's PDF into the cache, saying how far it has got in the status file."""
    from newroles.reports.pdf import render_pdf

    def progress(percent: int, stage: str) -> None:
        write_status(token, name, percent, stage)

    try:
        progress(5, "Collecting the figures")
        data = data_for(name)
        snapshot = Snapshot.objects.filter(pk=int(name.key)).first() if name.kind == "snapshot" else None
        pdf = render_pdf(data, snapshot=snapshot, progress=lambda p, s: progress(max(5, min(p, 99)), s))
        _write_atomically(pdf_path(token), pdf)
        progress(100, "Ready")
        forget_old()
    except Exception as exc:
        write_status(token, name, 0, "Failed", error=str(exc)[:300])
        raise
    return pdf_path(token)


KEEP_SECONDS = 7 * 24 * 3600  # a PDF of an older version of the data is never served again; a week is ample


def forget_old(now: float | None = None) -> int:
    """Delete PDFs and status files not touched for a week (older versions of the data); returns how many."""
    now = time.time() if now is None else now
    removed = 0
    for path in _folder().iterdir():
        if path.suffix in (".pdf", ".json", ".part") and now - path.stat().st_mtime > KEEP_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def ready(token: str) -> bool:
    return pdf_path(token).exists()


def start(name: ReportName) -> str:
    """The token of the report's PDF, queuing the task that writes it unless it is written or under way."""
    token = token_for(name)
    status = read_status(token)
    if not ready(token) and (status is None or status.get("error")):
        write_status(token, name, 0, "Waiting for the worker")
        from newroles.reports.tasks import render_report_pdf

        render_report_pdf.enqueue(name.kind, name.key, name.audience, token)
    return token
