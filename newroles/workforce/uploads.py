"""Starting an import: keeping the uploaded extract, reading its header row, choosing (and remembering)
the columns, and queueing it to run in the background (or cancelling it before it runs)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from newroles.accounts.policy import require_editor
from newroles.audit.writes import create_row, update_row
from newroles.imports import engine
from newroles.imports.registry import ImportKind
from newroles.organisations.models import Trust
from newroles.workforce.extract import ExtractError, is_assignment_header, looks_personal, open_extract
from newroles.workforce.files import max_upload_bytes, remove_stale_uploads, upload_path, uploads_dir
from newroles.workforce.importers import EXTRACT, personal_mapping_problems
from newroles.workforce.models import ExtractImport, ExtractMapping, month_label
from newroles.workforce.tasks import run_extract_import


def start_upload(*, actor: Any, trust: Trust, month: dt.date, filename: str, chunks: Iterable[bytes]) -> ExtractImport:
    """Keep an uploaded extract in the private folder and read its header row. Raises ExtractError.

    The file stays only until its import ends (or for a day, if the upload is abandoned).
    """
    require_editor(actor, trust)
    remove_stale_uploads()
    incoming = uploads_dir() / f"incoming-{secrets.token_urlsafe(12)}.upload"
    size = 0
    try:
        with open(incoming, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > max_upload_bytes():
                    raise ExtractError(
                        f"The file is larger than {max_upload_bytes() // (1024 * 1024)} MB. Split it, or import it "
                        "from the command line."
                    )
                handle.write(chunk)
        extract = open_extract(incoming, filename)
        extract.cleanup()  # a transcoded copy is made again when the import runs
        obj = create_row(
            actor,
            ExtractImport(
                trust=trust, month=month, filename=filename[:255], file_format=extract.file_format,
                headers=extract.headers, personal_columns=extract.personal_headers(),
                personal_reasons=extract.personal_by_content, preview=extract.preview,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            ),
            message=f"staff-record extract uploaded for {month_label(month)}",
        )  # fmt: skip
        incoming.rename(upload_path(obj))
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    return obj


def readable_headers(headers: Sequence[str]) -> list[str]:
    """The headers the import may read: every non-personal one, and assignment numbers (to be hashed)."""
    return [h for h in headers if not looks_personal(h) or is_assignment_header(h)]


def remembered_mapping(trust: Trust) -> dict[str, str]:
    row = ExtractMapping.objects.filter(trust=trust).first()
    return dict(row.mapping) if row else {}


def suggest_mapping(
    trust: Trust | None, headers: Sequence[str], kind: ImportKind = EXTRACT, personal: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The trust's remembered mapping where its headers are present, else the ESR spellings; personal columns
    (by header, or by content: `personal`) are never suggested (except an assignment number, for its field)."""
    remembered = remembered_mapping(trust) if trust is not None else {}
    readable = [h for h in readable_headers(headers) if h not in (personal or {})]
    mapping = engine.suggest_mapping(kind, readable, remembered)
    return {name: header for name, header in mapping.items() if not personal_mapping_problems(kind, {name: header})}


def mapping_problems(
    mapping: dict[str, str],
    headers: Sequence[str],
    kind: ImportKind = EXTRACT,
    personal: Mapping[str, str] | None = None,
) -> list[str]:
    """What is wrong with a mapping; `personal` names the columns found personal by their values, and why."""
    return engine.mapping_problems(kind, mapping, list(headers)) + personal_mapping_problems(kind, mapping, personal)


def remember_mapping(*, actor: Any, trust: Trust, mapping: dict[str, str]) -> None:
    row = ExtractMapping.objects.filter(trust=trust).first()
    if row is None:
        create_row(actor, ExtractMapping(trust=trust, mapping=mapping), message="extract columns remembered")
    elif row.mapping != mapping:
        update_row(actor, row, {"mapping": mapping}, message="extract columns remembered")


def submit_mapping(*, actor: Any, extract_import: ExtractImport, mapping: dict[str, str]) -> ExtractImport:
    """Fix the columns, remember them for the trust, and queue the import to run in the background."""
    require_editor(actor, extract_import.trust)
    if extract_import.status != ExtractImport.MAPPING:
        raise ValidationError("This import has already started.")
    problems = mapping_problems(mapping, extract_import.headers, personal=extract_import.personal_reasons)
    if problems:
        raise ValidationError(problems)
    used = set(mapping.values())
    unused = [h for h in extract_import.headers if h not in used and h not in extract_import.personal_columns]
    update_row(
        actor, extract_import,
        {"mapping": mapping, "unused_columns": unused, "status": ExtractImport.QUEUED, "preview": []},
        message="columns mapped; import queued",
    )  # fmt: skip
    remember_mapping(actor=actor, trust=extract_import.trust, mapping=mapping)
    run_extract_import.enqueue(extract_import.pk)
    extract_import.refresh_from_db()
    return extract_import


def cancel_import(*, actor: Any, extract_import: ExtractImport) -> ExtractImport:
    """Abandon an import that has not started: its file is deleted at once."""
    require_editor(actor, extract_import.trust)
    if extract_import.status not in (ExtractImport.MAPPING, ExtractImport.QUEUED):
        raise ValidationError("Only an import that has not started can be cancelled.")
    upload_path(extract_import).unlink(missing_ok=True)
    return update_row(
        actor, extract_import, {"status": ExtractImport.CANCELLED, "finished_at": timezone.now(), "preview": []},
        message="import cancelled; file deleted",
    )  # fmt: skip
