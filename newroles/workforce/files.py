"""Where an uploaded extract waits between its upload and its import: a private folder, one file per
import, deleted when the import ends (or after a day, when the upload is abandoned)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import update_row
from newroles.lib.uploads import STALE_SECONDS, private_dir, remove_stale_files
from newroles.workforce.models import ExtractImport


def uploads_dir() -> Path:
    return private_dir("workforce")


def upload_path(extract_import: ExtractImport) -> Path:
    return uploads_dir() / f"extract-{extract_import.pk}.upload"


def max_upload_bytes() -> int:
    return settings.WORKFORCE_MAX_UPLOAD_BYTES


def remove_stale_uploads() -> int:
    """Delete upload files older than a day (an upload abandoned before its columns were mapped) and mark
    their imports cancelled. Runs when an upload starts and in the worker's minute sweep (`workforce.runs`)."""
    removed = remove_stale_files(uploads_dir(), "*.upload", STALE_SECONDS)
    for path in removed:
        pk = path.stem.removeprefix("extract-")
        abandoned = ExtractImport.objects.filter(pk=pk, status=ExtractImport.MAPPING).first() if pk.isdigit() else None
        if abandoned is not None:
            update_row(
                policy.SYSTEM, abandoned,
                {"status": ExtractImport.CANCELLED, "finished_at": timezone.now(), "preview": []},
                message="abandoned upload deleted after a day",
            )  # fmt: skip
    return len(removed)
