"""Where an uploaded extract waits between its upload and its import: a private folder, one file per
import, deleted when the import ends (or after a day, when the upload is abandoned)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from newroles.audit.writes import update_row
from newroles.workforce.models import ExtractImport

STALE_SECONDS = 24 * 60 * 60


def uploads_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "workforce"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(extract_import: ExtractImport) -> Path:
    return uploads_dir() / f"extract-{extract_import.pk}.upload"


def max_upload_bytes() -> int:
    return settings.WORKFORCE_MAX_UPLOAD_BYTES


def remove_stale_uploads() -> int:
    """Delete upload files older than a day (an upload abandoned before its columns were mapped) and mark
    their imports cancelled. Runs whenever the staff-record pages are opened or an import starts, and from
    `newroles workforce cleanup`."""
    cutoff = time.time() - STALE_SECONDS
    removed = 0
    for path in uploads_dir().glob("*.upload"):
        try:
            stale = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue  # removed meanwhile by the import it belongs to
        if not stale:
            continue
        path.unlink(missing_ok=True)
        removed += 1
        pk = path.stem.removeprefix("extract-")
        abandoned = ExtractImport.objects.filter(pk=pk, status=ExtractImport.MAPPING).first() if pk.isdigit() else None
        if abandoned is not None:
            update_row(
                None, abandoned, {"status": ExtractImport.CANCELLED, "finished_at": timezone.now(), "preview": []},
                message="abandoned upload deleted after a day", check_policy=False,
            )  # fmt: skip
    return removed
