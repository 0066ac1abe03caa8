"""Running an import: read the mapped columns of an extract, aggregate them, and replace the trust's
month (one trust's extract from the web or the command line, or a national extract for every trust).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.accounts.policy import require_editor
from newroles.audit.context import batch
from newroles.audit.writes import create_row, update_row
from newroles.organisations.models import Trust
from newroles.workforce import pipeline as p
from newroles.workforce.extract import ExtractError, looks_personal, open_extract, read_columns
from newroles.workforce.files import upload_path
from newroles.workforce.memory import TitleMemory
from newroles.workforce.models import ExtractImport, month_label
from newroles.workforce.month import replace_month, write_figures
from newroles.workforce.normalisers import normalisers

Progress = Callable[[float, str], None]


class ImportFailed(Exception):
    """An import stopped; the message is for the person who ran it. Nothing was changed."""


class _Reporter:
    """Passes progress to a callback and, at most twice a second, to the imports' progress fields.

    Progress is written with a plain UPDATE, outside any transaction and without an audit record: it
    is the state of a running job for the progress bar, not a change to data.
    """

    def __init__(self, pks: Sequence[int], callback: Progress | None) -> None:
        self.pks = list(pks)
        self.callback = callback
        self.last = 0.0

    def __call__(self, fraction: float, stage: str) -> None:
        if self.callback:
            self.callback(fraction, stage)
        now = time.monotonic()
        if self.pks and (now - self.last > 0.5 or fraction >= 1):
            self.last = now
            ExtractImport.objects.filter(pk__in=self.pks).update(
                progress=int(fraction * 100), stage=stage[:100], heartbeat_at=timezone.now()
            )


def memory_figures(memory: TitleMemory, learned: int) -> dict[str, int]:
    """What the remembered answers did for an import, for its summary."""
    return {"answers_recalled": memory.recalled, "answers_learned": learned}


def _scaled(report: Callable[[float, str], None], start: float, end: float) -> Progress:
    return lambda fraction, stage: report(start + (end - start) * fraction, stage)


def run_queued_import(pk: int, *, processes: int | None = None) -> ExtractImport:
    """Run a queued web import (the background task). The uploaded file is deleted however it ends."""
    obj = ExtractImport.objects.select_related("trust", "uploaded_by").get(pk=pk)
    if obj.status != ExtractImport.QUEUED:
        return obj  # cancelled, or a retried task whose import already ran
    path = upload_path(obj)
    actor = obj.uploaded_by or policy.SYSTEM  # the uploader, or the system once their account is gone
    try:
        if not path.exists():
            return _fail(obj, "The uploaded file is no longer there. Upload it again.", actor=actor)
        return run_import(obj, path, actor=actor, processes=processes)
    finally:
        path.unlink(missing_ok=True)


def run_import(
    extract_import: ExtractImport,
    path: Path,
    *,
    actor: Any,
    progress: Progress | None = None,
    processes: int | None = None,
) -> ExtractImport:
    """Import one trust's extract for its month: read the mapped columns, aggregate, replace the month.

    Failure at any point leaves the month as it was (the write is one transaction) and marks the
    import failed with a readable message. The caller owns `path` and deletes it when appropriate.
    """
    obj = extract_import
    require_editor(actor, obj.trust)
    started = {"status": ExtractImport.RUNNING, "error": "", "heartbeat_at": timezone.now()}
    update_row(actor, obj, started, message="import started")
    reporter = _Reporter([obj.pk], progress)
    try:
        memory = TitleMemory(normalisers())
        aggregated = _aggregate(path, obj.filename, obj.mapping, {"": obj.trust}, reporter, processes, memory)
        reporter(0.8, "Saving the counts")
        with batch(), transaction.atomic():
            learned = memory.save()
            replace_month(
                obj, aggregated, "", actor, memory_figures(memory, learned), counted_under=memory.catalogue_version
            )
            reporter(0.95, "Updating the map")
            write_figures(obj, actor)
        reporter(1.0, "Done")
    except (ExtractError, ImportFailed) as exc:
        return _fail(obj, str(exc), actor=actor)
    except Exception as exc:  # anything else: the month is untouched; say so, keep the detail in the log
        logging.getLogger(__name__).exception("staff-record import %s failed", obj.pk)
        return _fail(obj, f"The import stopped with an unexpected error ({type(exc).__name__}). Nothing was changed.",
                     actor=actor)  # fmt: skip
    obj.refresh_from_db()
    return obj


def _fail(obj: ExtractImport, message: str, *, actor: Any) -> ExtractImport:
    obj.refresh_from_db()
    return update_row(
        actor, obj, {"status": ExtractImport.FAILED, "error": message[:2000], "finished_at": timezone.now()},
        message="import failed",
    )  # fmt: skip


def _aggregate(
    path: Path,
    filename: str,
    mapping: dict[str, str],
    trusts: dict[str, Trust],
    report: Progress,
    processes: int | None,
    memory: TitleMemory,
) -> p.Aggregated:
    """Read only the mapped columns and reduce them to aggregates (no database writes)."""
    report(0.01, "Reading the file")
    extract = open_extract(path, filename, sample=False)  # the columns were checked when they were mapped
    try:
        columns = {name: header for name, header in mapping.items() if header}
        if p.TITLE not in columns:
            raise ImportFailed("Choose the column that holds the position title.")
        frame = read_columns(extract, columns)
    finally:
        extract.cleanup()
    if frame.is_empty():
        raise ImportFailed("The file has column names but no rows of data.")
    national = "" not in trusts
    aggregated = p.aggregate(
        frame,
        lambda code: memory.normaliser_for(trusts.get(code) if national else trusts[""]),
        progress=_scaled(report, 0.3, 0.8),
        processes=processes or settings.WORKFORCE_PROCESSES,
        memory=memory,
    )
    return aggregated


@dataclass
class NationalResult:
    """A national extract's outcome: one import per known trust, and rows of codes no trust has."""

    imports: list[ExtractImport] = field(default_factory=list)
    unknown_codes: dict[str, int] = field(default_factory=dict)


def run_national_import(
    *,
    actor: Any,
    path: Path,
    filename: str,
    month: dt.date,
    mapping: dict[str, str],
    progress: Progress | None = None,
    processes: int | None = None,
) -> NationalResult:
    """Import a national extract (a trust code per row) for a month: each trust's month replaced, all in
    one transaction. Administrators and system jobs only."""
    policy.require_admin(actor, "Only administrators import a national extract.")
    if not mapping.get(p.TRUST_CODE):
        raise ImportFailed("A national extract needs the column holding each row's trust ODS code.")
    reporter = _Reporter([], progress)
    trusts = {t.ods_code: t for t in Trust.objects.all()}
    memory = TitleMemory(normalisers())
    aggregated = _aggregate(path, filename, mapping, trusts, reporter, processes, memory)
    result = NationalResult()
    for code in aggregated.trust_codes:
        if code not in trusts:
            result.unknown_codes[code or "(blank)"] = aggregated.problems[code].rows
    reporter(0.8, "Saving the counts")
    with batch(), transaction.atomic():
        figures = memory_figures(memory, memory.save())
        for code in aggregated.trust_codes:
            if code not in trusts:
                continue
            obj = create_row(
                actor,
                ExtractImport(
                    trust=trusts[code], month=month, filename=filename[:255], file_format=path.suffix[1:].upper()[:10],
                    mapping=mapping, status=ExtractImport.RUNNING, headers=[],
                ),
                message="national staff-record extract",
            )  # fmt: skip
            replace_month(obj, aggregated, code, actor, figures, counted_under=memory.catalogue_version)
            write_figures(obj, actor)
            result.imports.append(obj)
    reporter(1.0, "Done")
    return result


def import_file(
    *,
    actor: Any,
    trust: Trust,
    path: Path,
    month: dt.date,
    mapping: dict[str, str],
    filename: str | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
) -> ExtractImport:
    """Import a file on disk for one trust in one call (the command line and the demo). The file is the
    caller's and is left where it is."""
    require_editor(actor, trust)
    extract = open_extract(path, filename or path.name)
    extract.cleanup()
    obj = create_row(
        actor,
        ExtractImport(
            trust=trust, month=month, filename=(filename or path.name)[:255], file_format=extract.file_format,
            headers=extract.headers, personal_columns=extract.personal_headers(), mapping=mapping,
            unused_columns=[h for h in extract.headers if h not in set(mapping.values()) and not looks_personal(h)],
            status=ExtractImport.QUEUED, uploaded_by=actor if getattr(actor, "pk", None) else None,
        ),
        message=f"staff-record extract for {month_label(month)}",
    )  # fmt: skip
    return run_import(obj, path, actor=actor, progress=progress, processes=processes)
