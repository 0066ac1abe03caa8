"""Every change to staff-record data goes through these functions: uploading and mapping an extract,
running the import, replacing a month, deciding titles, recounting, and feeding the map.

One exception to the rule that each row is written through `audit.writes` (create_row/update_row):
an import writes its aggregate rows (`ExtractTitle`, `StaffCount`) in bulk, hundreds of thousands for
a national extract, with one summary audit record per import instead of one per row. A record per
aggregate row would multiply the audit table by the size of every extract and say nothing a person
could act on; the summary (the import's before/after with its counts) says what changed, who did it
and in which batch. Everything else an import touches (the import itself, the map's figures and
suggestions, deployments) goes through the audited writes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.context import batch
from newroles.audit.models import ChangeRecord
from newroles.audit.services import record
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.imports import engine
from newroles.imports.registry import ImportKind
from newroles.lib.bands import AFC_BANDS, band_index
from newroles.organisations.models import Trust
from newroles.roles.aliases import propose_alias
from newroles.roles.models import Role, RoleAlias, normalise_title
from newroles.roles.normaliser import names_a_post_outside_the_catalogue
from newroles.roles.services import save_alias
from newroles.workforce import pipeline as p
from newroles.workforce.access import require_editor
from newroles.workforce.extract import ExtractError, is_assignment_header, looks_personal, open_extract, read_columns
from newroles.workforce.importers import EXTRACT, personal_mapping_problems
from newroles.workforce.models import (
    MONTH_FORMAT,
    ExtractImport,
    ExtractMapping,
    ExtractTitle,
    StaffCount,
    StaffRecordFigure,
    TitleDecision,
    month_label,
)
from newroles.workforce.normalisers import normaliser_for, normalisers
from newroles.workforce.signals import month_counted

# Titles answered below this confidence go to the trust's "titles to resolve" list with their answer
# as the suggestion: fuzzy matches and code-only answers mostly (exact aliases and rules score >= 0.88).
REVIEW_CONFIDENCE = 0.8
STALE_SECONDS = 24 * 60 * 60
DEFAULT_MAX_UPLOAD = 250 * 1024 * 1024  # a national extract is ~200 MB as CSV

Progress = Callable[[float, str], None]


class ImportFailed(Exception):
    """An import stopped; the message is for the person who ran it. Nothing was changed."""


# Months -------------------------------------------------------------------------------------------


def parse_month(text: str) -> dt.date:
    """'2025-03' -> 1 March 2025. Raises ValueError with a readable message."""
    try:
        value = dt.datetime.strptime(text.strip(), MONTH_FORMAT).date()
    except ValueError:
        raise ValueError(f"'{text}' is not a month: give it as YYYY-MM, e.g. 2025-03.") from None
    if not 2000 <= value.year <= 2100:
        raise ValueError(f"'{text}' is not a plausible month.")
    return value


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


# Small counts -------------------------------------------------------------------------------------


def is_small(count: int | None) -> bool:
    """A count that would be suppressed outside the trust: 1 to SMALL_COUNT_THRESHOLD - 1 (0 says nothing)."""
    return count is not None and 0 < count < settings.SMALL_COUNT_THRESHOLD


def shown(count: int | None, *, suppress: bool) -> int | str | None:
    """The count as a page or export may show it: "*" for a small count shown outside its trust."""
    return "*" if suppress and is_small(count) else count


def shown_wte(wte: Decimal | float | None, headcount: int | None, *, suppress: bool) -> Decimal | float | str | None:
    """WTE goes with its headcount: hidden whenever the headcount is."""
    return "*" if suppress and is_small(headcount) else wte


def suppressed_for(user: Any, trust_id: int) -> bool:
    """Whether the user sees the trust's aggregates from outside (members and administrators do not)."""
    return not policy.can_see_in(user, trust_id)


# Files --------------------------------------------------------------------------------------------


def uploads_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "workforce"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(extract_import: ExtractImport) -> Path:
    return uploads_dir() / f"extract-{extract_import.pk}.upload"


def max_upload_bytes() -> int:
    return int(getattr(settings, "WORKFORCE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD))


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
                None, abandoned, {"status": ExtractImport.CANCELLED, "finished_at": timezone.now()},
                message="abandoned upload deleted after a day", check_policy=False,
            )  # fmt: skip
    return removed


# Starting an import -------------------------------------------------------------------------------


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


def suggest_mapping(trust: Trust | None, headers: Sequence[str], kind: ImportKind = EXTRACT) -> dict[str, str]:
    """The trust's remembered mapping where its headers are present, else the ESR spellings; personal columns
    are never suggested (except an assignment number, for the assignment field only)."""
    remembered = remembered_mapping(trust) if trust is not None else {}
    mapping = engine.suggest_mapping(kind, readable_headers(headers), remembered)
    return {name: header for name, header in mapping.items() if not personal_mapping_problems(kind, {name: header})}


def mapping_problems(mapping: dict[str, str], headers: Sequence[str], kind: ImportKind = EXTRACT) -> list[str]:
    return engine.mapping_problems(kind, mapping, list(headers)) + personal_mapping_problems(kind, mapping)


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
    problems = mapping_problems(mapping, extract_import.headers)
    if problems:
        raise ValidationError(problems)
    used = set(mapping.values())
    unused = [h for h in extract_import.headers if h not in used and h not in extract_import.personal_columns]
    update_row(
        actor, extract_import, {"mapping": mapping, "unused_columns": unused, "status": ExtractImport.QUEUED},
        message="columns mapped; import queued",
    )  # fmt: skip
    remember_mapping(actor=actor, trust=extract_import.trust, mapping=mapping)
    from newroles.workforce.tasks import run_extract_import

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
        actor, extract_import, {"status": ExtractImport.CANCELLED, "finished_at": timezone.now()},
        message="import cancelled; file deleted",
    )  # fmt: skip


# Running an import --------------------------------------------------------------------------------


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
            ExtractImport.objects.filter(pk__in=self.pks).update(progress=int(fraction * 100), stage=stage[:100])


def _scaled(report: Callable[[float, str], None], start: float, end: float) -> Progress:
    return lambda fraction, stage: report(start + (end - start) * fraction, stage)


def run_queued_import(pk: int, *, processes: int | None = None) -> ExtractImport:
    """Run a queued web import (the background task). The uploaded file is deleted however it ends."""
    obj = ExtractImport.objects.select_related("trust", "uploaded_by").get(pk=pk)
    if obj.status != ExtractImport.QUEUED:
        return obj  # cancelled, or a retried task whose import already ran
    path = upload_path(obj)
    try:
        if not path.exists():
            return _fail(obj, "The uploaded file is no longer there. Upload it again.", actor=obj.uploaded_by)
        return run_import(obj, path, actor=obj.uploaded_by, processes=processes)
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
    update_row(actor, obj, {"status": ExtractImport.RUNNING, "error": ""}, message="import started")
    reporter = _Reporter([obj.pk], progress)
    try:
        aggregated = _aggregate(path, obj.filename, obj.mapping, {"": obj.trust}, reporter, processes)
        reporter(0.8, "Saving the counts")
        with batch(), transaction.atomic():
            _replace_month(obj, aggregated, "", actor)
            reporter(0.95, "Updating the map")
            write_figures(obj, actor)
        reporter(1.0, "Done")
    except (ExtractError, ImportFailed) as exc:
        return _fail(obj, str(exc), actor=actor)
    except Exception as exc:  # anything else: the month is untouched; say so, keep the detail in the log
        import logging

        logging.getLogger(__name__).exception("staff-record import %s failed", obj.pk)
        return _fail(obj, f"The import stopped with an unexpected error ({type(exc).__name__}). Nothing was changed.",
                     actor=actor)  # fmt: skip
    obj.refresh_from_db()
    return obj


def _fail(obj: ExtractImport, message: str, *, actor: Any) -> ExtractImport:
    obj.refresh_from_db()
    return update_row(
        actor, obj, {"status": ExtractImport.FAILED, "error": message[:2000], "finished_at": timezone.now()},
        message="import failed", check_policy=False,
    )  # fmt: skip


def _aggregate(
    path: Path,
    filename: str,
    mapping: dict[str, str],
    trusts: dict[str, Trust],
    report: Progress,
    processes: int | None,
) -> p.Aggregated:
    """Read only the mapped columns and reduce them to aggregates (no database writes)."""
    report(0.01, "Reading the file")
    extract = open_extract(path, filename)
    try:
        columns = {name: header for name, header in mapping.items() if header}
        if p.TITLE not in columns:
            raise ImportFailed("Choose the column that holds the position title.")
        frame = read_columns(extract, columns)
    finally:
        extract.cleanup()
    if frame.is_empty():
        raise ImportFailed("The file has column names but no rows of data.")
    by_trust = normalisers()
    national = "" not in trusts
    aggregated = p.aggregate(
        frame,
        lambda code: by_trust.for_trust(trusts.get(code) if national else trusts[""]),
        progress=_scaled(report, 0.3, 0.8),
        processes=processes or int(getattr(settings, "WORKFORCE_PROCESSES", 2)),
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
    if actor is not None and not policy.is_admin(actor):
        raise PermissionDenied("Only administrators import a national extract.")
    if not mapping.get(p.TRUST_CODE):
        raise ImportFailed("A national extract needs the column holding each row's trust ODS code.")
    reporter = _Reporter([], progress)
    trusts = {t.ods_code: t for t in Trust.objects.all()}
    aggregated = _aggregate(path, filename, mapping, trusts, reporter, processes)
    result = NationalResult()
    for code in aggregated.trust_codes:
        if code not in trusts:
            result.unknown_codes[code or "(blank)"] = aggregated.problems[code].rows
    reporter(0.8, "Saving the counts")
    with batch(), transaction.atomic():
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
            _replace_month(obj, aggregated, code, actor)
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


# Writing a month ----------------------------------------------------------------------------------


def _delete_month(trust: Trust, month: dt.date) -> None:
    """Remove a trust's month of aggregate rows with plain DELETEs (the ORM would first fetch every row)."""
    with connection.cursor() as cursor:
        for model in (StaffCount, StaffRecordFigure, ExtractTitle):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE trust_id = %s AND month = %s", [trust.pk, month])


def _insert(model: type, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Bulk insert with executemany: several times faster than bulk_create for aggregate rows, which need
    no model instances (their values come checked from the pipeline)."""
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _role_bands() -> dict[str, tuple[int, int, int | None, int | None]]:
    """slug -> (pk, newness is not established, lowest band index, highest band index)."""
    out = {}
    for role in Role.objects.all():
        low = band_index(role.band_min) if role.band_min and not role.medical else None
        high = band_index(role.band_max) if role.band_max and not role.medical else None
        out[role.slug] = (role.pk, int(role.is_new), low, high)
    return out


def needs_review(match: Any) -> bool:
    """A title the trust should look at: unresolved, or matched below REVIEW_CONFIDENCE."""
    return match.slug is None or match.confidence < REVIEW_CONFIDENCE


def _replace_month(obj: ExtractImport, aggregated: p.Aggregated, code: str, actor: Any) -> None:
    """Replace the trust's month with this import's aggregates. Must run inside a transaction."""
    trust, month = obj.trust, obj.month
    titles = aggregated.titles.filter(pl.col(p.TRUST_CODE) == code)
    cells = aggregated.cells.filter(pl.col(p.TRUST_CODE) == code)
    previous = list(ExtractImport.objects.filter(trust=trust, month=month, is_current=True).exclude(pk=obj.pk))
    _delete_month(trust, month)
    for old in previous:
        update_row(actor, old, {"is_current": False}, message=f"replaced by import {obj.pk}", check_policy=False)

    roles = _role_bands()
    matches = aggregated.matches
    ordered_ids = titles["title_id"].to_list()
    answers = pl.DataFrame(
        {
            "title_id": ordered_ids,
            "role_id": [roles[matches[t].slug][0] if matches[t].slug in roles else None for t in ordered_ids],
            "in_training": [matches[t].in_training for t in ordered_ids],
            "review": [needs_review(matches[t]) for t in ordered_ids],
            "low": [roles[matches[t].slug][2] if matches[t].slug in roles else None for t in ordered_ids],
            "high": [roles[matches[t].slug][3] if matches[t].slug in roles else None for t in ordered_ids],
        },
        schema={"title_id": pl.UInt32, "role_id": pl.Int64, "in_training": pl.Boolean, "review": pl.Boolean,
                "low": pl.Int32, "high": pl.Int32},
    )  # fmt: skip
    band_order = {band: i for i, band in enumerate(AFC_BANDS)}
    cells = cells.join(answers, on="title_id", how="left").with_columns(
        band_at=pl.col(p.BAND).replace_strict(band_order, default=None, return_dtype=pl.Int32)
    )
    outside = (
        cells.filter((pl.col("band_at") < pl.col("low")) | (pl.col("band_at") > pl.col("high")))
        .group_by("title_id").agg(pl.col("headcount").sum().alias("band_outside"))
    )  # fmt: skip
    titles = (
        titles.join(outside, on="title_id", how="left").join(answers, on="title_id", how="left")
        .with_columns(pl.col(p.WTE).round(2))
    )  # fmt: skip

    # Candidates matter only to whoever reviews a title; the same few lists recur, so each is encoded once.
    encoded: dict[tuple[Any, ...], Any] = {}

    def candidates(match: Any, review: bool) -> Any:
        key = match.candidates if review else ()
        if key not in encoded:
            encoded[key] = connection.ops.adapt_json_value([list(c) for c in key], None)
        return encoded[key]

    # Plain values, worked out once: the loops below run once per title and per cell.
    extract_id, trust_id, month_text = obj.pk, trust.pk, connection.ops.adapt_datefield_value(month)
    title_rows = []
    for position, row in enumerate(
        titles.select(
            "title_id", p.TITLE, p.JOB_ROLE, p.OCCUPATION_CODE, "headcount", p.WTE, "band_missing", "band_unreadable",
            "band_outside", "wte_missing", "wte_impossible", "duplicate_rows", "role_id", "review",
        ).iter_rows()
    ):  # fmt: skip
        title_id, title, job_role, occupation_code, headcount, wte, *problems, role_id, review = row
        m = matches[title_id]
        title_rows.append((
            extract_id, trust_id, month_text, title, job_role, occupation_code, m.cleaned[:300], role_id,
            m.confidence, m.method, m.in_training, m.code_conflict, m.band_in_title or "",
            candidates(m, review), headcount, wte, *[n or 0 for n in problems], review, position,
        ))  # fmt: skip
    _insert(
        ExtractTitle,
        ("extract", "trust", "month", "title", "job_role", "occupation_code", "cleaned", "role", "confidence",
         "method", "in_training", "code_conflict", "band_in_title", "candidates", "headcount", "wte",
         "band_missing", "band_unreadable", "band_outside", "wte_missing", "wte_impossible", "duplicate_rows",
         "review", "position"),
        title_rows,
    )  # fmt: skip
    # The database ids of the titles just written, by their position in this import.
    ids = dict(ExtractTitle.objects.filter(trust=trust, month=month).values_list("position", "pk"))
    db_ids = pl.DataFrame(
        {"title_id": ordered_ids, "title_db": [ids[position] for position in range(len(ordered_ids))]},
        schema={"title_id": pl.UInt32, "title_db": pl.Int64},
    )
    # A confident title is counted under its role alone; a title for review keeps its own cells.
    counted = (
        cells.join(db_ids, on="title_id", how="left")
        .with_columns(pl.when(pl.col("review")).then(pl.col("title_db")).otherwise(None).alias("title_db"))
        .group_by([p.ORG_UNIT, p.AREA_OF_WORK, "role_id", "title_db", "in_training", p.BAND, p.STAFF_GROUP])
        .agg(pl.col("headcount").sum(), pl.col(p.WTE).sum().round(2))
        .sort("title_db", nulls_last=False)  # index entries then arrive in order: faster inserts
    )
    _insert(
        StaffCount,
        ("extract", "trust", "month", "org_unit", "area_of_work", "role", "title", "in_training", "band",
         "staff_group", "headcount", "wte"),
        (
            (extract_id, trust_id, month_text, org_unit, area, role_id, title_db, training, band, group, headcount,
             wte)
            for org_unit, area, role_id, title_db, training, band, group, headcount, wte in counted.iter_rows()
        ),
    )  # fmt: skip
    problems = aggregated.problems.get(code, p.TrustProblems())
    resolved_titles = [t for t in ordered_ids if matches[t].slug is not None]
    summary = {
        "rows": problems.rows,
        "titles": titles.height,
        "cells": counted.height,
        "staff_resolved": int(titles.filter(pl.col("role_id").is_not_null())["headcount"].sum() or 0),
        "titles_resolved": len(resolved_titles),
        "assignment_checked": aggregated.has_assignment,
        "duplicate_rows": problems.duplicate_rows,
        "band_missing": problems.band_missing,
        "band_unreadable": problems.band_unreadable,
        "unreadable_bands": problems.unreadable_bands,
        "wte_missing": problems.wte_missing,
        "wte_impossible": problems.wte_impossible,
        "impossible_wtes": problems.impossible_wtes,
        "replaced": [old.pk for old in previous],
    }
    # The one audit record for the aggregate rows: the import's own change, with the counts it wrote.
    update_row(
        actor, obj,
        {"status": ExtractImport.DONE, "is_current": True, "summary": summary, "finished_at": timezone.now(),
         "progress": 100, "error": ""},
        message=(f"staff-record {month_label(month)}: {problems.rows:,} rows read into {titles.height:,} titles and "
                 f"{counted.height:,} counts (aggregate rows written in bulk)"),
        check_policy=False,
    )  # fmt: skip


def write_figures(obj: ExtractImport, actor: Any) -> dict[int, dict[str, Any]]:
    """Turn the month's counts into staff-record figures per role, then tell the apps built on the staff
    record (`signals.month_counted`: the map keeps its deployments' figures current). Returns the
    figures, role id -> headcount, WTE and staff in training."""
    trust, month = obj.trust, obj.month
    rows = (
        StaffCount.objects.filter(trust=trust, month=month, role__isnull=False)
        .values("role")
        .annotate(staff=Sum("headcount"), wte_sum=Sum("wte"), training=Sum("headcount", filter=Q(in_training=True)))
        .order_by()
    )
    figures = {r["role"]: {"headcount": r["staff"], "wte": r["wte_sum"], "training": r["training"]} for r in rows}
    # Per-role figures are aggregates of the import too: rewritten in bulk, covered by its audit record.
    StaffRecordFigure.objects.filter(trust=trust, month=month).delete()
    StaffRecordFigure.objects.bulk_create(
        StaffRecordFigure(
            trust=trust, role_id=role_id, month=month, extract=obj, headcount=r["headcount"],
            wte=Decimal(r["wte"] or 0).quantize(Decimal("0.01")), in_training=r["training"] or 0,
        )
        for role_id, r in figures.items()
    )  # fmt: skip
    month_counted.send(sender=ExtractImport, extract_import=obj, figures=figures, actor=actor)
    return figures


# Months and counts --------------------------------------------------------------------------------


def current_imports(trust: Trust) -> list[ExtractImport]:
    return list(ExtractImport.objects.filter(trust=trust, is_current=True).order_by("-month"))


def latest_month(trust: Trust) -> dt.date | None:
    return (
        ExtractImport.objects.filter(trust=trust, is_current=True)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def previous_month(trust_ids: Iterable[int], month: dt.date) -> dt.date | None:
    """The latest month before `month` with a current import for any of the trusts."""
    return (
        ExtractImport.objects.filter(trust_id__in=list(trust_ids), is_current=True, month__lt=month)
        .order_by("-month").values_list("month", flat=True).first()
    )  # fmt: skip


@dataclass
class RoleCount:
    """Staff counted under one role (or, with role None, under unresolved titles)."""

    role: Role | None
    headcount: int
    wte: Decimal
    in_training: int
    trusts: int = 1


def counts_by_role(trust_ids: Sequence[int], month: dt.date) -> list[RoleCount]:
    """Headcount, WTE and staff in training per role for the trusts' month, most staff first."""
    rows = (
        StaffCount.objects.filter(trust_id__in=trust_ids, month=month)
        .values("role")
        .annotate(staff=Sum("headcount"), wte_sum=Sum("wte"), training=Sum("headcount", filter=Q(in_training=True)))
        .order_by()
    )
    roles = Role.objects.in_bulk([r["role"] for r in rows if r["role"]])
    out = [
        RoleCount(
            roles.get(r["role"]) if r["role"] else None, r["staff"], r["wte_sum"] or Decimal(0), r["training"] or 0
        )
        for r in rows
    ]
    out.sort(key=lambda c: (c.role is None, -c.headcount))
    return out


# Titles to resolve --------------------------------------------------------------------------------


@dataclass
class TitleGroup:
    """Titles of a trust's month that clean to the same text, to be decided together."""

    key: str
    headcount: int = 0
    titles: list[tuple[str, int]] = field(default_factory=list)  # (title as written, staff), most staff first
    resolved_to: Role | None = None  # a low-confidence answer, when there is one
    confidence: float = 0.0
    methods: set[str] = field(default_factory=set)
    suggestion: Role | None = None
    score: float = 0.0
    not_a_role: bool = False  # its words name a post outside the catalogue (administrator, porter, ...)

    @property
    def unresolved(self) -> bool:
        return self.resolved_to is None

    @property
    def form_id(self) -> str:
        return "t" + normalise_title(self.key).replace(" ", "-")[:60]


def titles_to_resolve(trust: Trust, month: dt.date | None = None) -> list[TitleGroup]:
    """Unresolved and low-confidence titles of the trust's month (the latest by default), grouped by their
    cleaned form, most staff first, each with a suggested role. Titles the trust has decided are left out."""
    month = month or latest_month(trust)
    if month is None:
        return []
    decided = set(TitleDecision.objects.filter(trust=trust).values_list("key", flat=True))
    rows = (
        ExtractTitle.objects.filter(trust=trust, month=month, review=True, extract__is_current=True)
        .filter(Q(role__isnull=True) | Q(confidence__lt=REVIEW_CONFIDENCE))
        .exclude(cleaned="")
        .values_list("cleaned", "title", "headcount", "role", "confidence", "method", "candidates")
    )
    groups: dict[str, TitleGroup] = {}
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    resolved_votes: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, title, headcount, role_id, confidence, method, candidates in rows:
        if key in decided:
            continue
        group = groups.setdefault(key, TitleGroup(key))
        group.headcount += headcount
        group.titles.append((title, headcount))
        group.methods.add(method)
        if role_id:
            resolved_votes[key][role_id] += headcount
            group.confidence = max(group.confidence, confidence)
        for slug, score in candidates or []:
            votes[key][slug] += headcount * float(score)
    roles_by_pk = Role.objects.in_bulk()
    roles_by_slug = {r.slug: r for r in roles_by_pk.values()}
    for key, group in groups.items():
        group.not_a_role = names_a_post_outside_the_catalogue(key)
        merged: dict[str, int] = defaultdict(int)
        for title, headcount in group.titles:
            merged[title] += headcount
        group.titles = sorted(merged.items(), key=lambda t: (-t[1], t[0]))
        if resolved_votes[key]:
            role_id = max(resolved_votes[key].items(), key=lambda kv: kv[1])[0]
            group.resolved_to = group.suggestion = roles_by_pk.get(role_id)
            group.score = group.confidence
        elif votes[key] and not group.not_a_role:  # a code's guess at an administrator is no suggestion
            slug, total = max(votes[key].items(), key=lambda kv: kv[1])
            group.suggestion = roles_by_slug.get(slug)
            group.score = round(total / max(group.headcount, 1), 3)
    return sorted(groups.values(), key=lambda g: (g.not_a_role, -g.headcount, g.key))


def alias_title(key: str) -> str:
    """The alias a decision saves: the cleaned title, capitalised ('peer mentor' -> 'Peer mentor')."""
    return key[:1].upper() + key[1:]


def decide_title(
    *,
    actor: Any,
    trust: Trust,
    key: str,
    outcome: str,
    role: Role | None = None,
    propose: bool = False,
    recount_after: bool = True,
) -> TitleDecision:
    """Record a trust's decision on a title: it means `role` (accepting the suggestion or choosing another),
    or it is not a new role. A role becomes the trust's own alias (and, with `propose`, a proposal to the
    national catalogue); then the trust's counts are recounted. Audited, in one transaction."""
    require_editor(actor, trust)
    key = " ".join((key or "").split())
    if not key:
        raise ValidationError("There is no title to decide.")
    if outcome not in dict(TitleDecision.OUTCOME_CHOICES):
        raise ValidationError("Choose what the title means.")
    if outcome != TitleDecision.NOT_NEW and role is None:
        raise ValidationError("Choose the role the title means.")
    example = (
        ExtractTitle.objects.filter(trust=trust, cleaned=key).order_by("-month", "-headcount")
        .values_list("title", flat=True).first() or ""
    )  # fmt: skip
    with batch(), transaction.atomic():
        alias = None
        existing_alias = RoleAlias.objects.filter(trust=trust, normalised=normalise_title(alias_title(key))).first()
        if outcome == TitleDecision.NOT_NEW:
            role = None
            if existing_alias is not None:
                delete_row(actor, existing_alias, message="title marked not a new role", check_policy=False)
        else:
            alias, _ = save_alias(
                actor=actor, role=role, title=alias_title(key), trust=trust, kind="variant",
                source="titles to resolve", status=RoleAlias.APPROVED,
            )  # fmt: skip
        values = {
            "example": example[:300], "outcome": outcome, "role": role, "alias": alias,
            "proposed": bool(propose and role is not None),
            "decided_by": actor if getattr(actor, "pk", None) else None,
        }  # fmt: skip
        decision = TitleDecision.objects.filter(trust=trust, key=key).first()
        if decision is None:
            decision = create_row(actor, TitleDecision(trust=trust, key=key, **values), message="title decided")
        else:
            decision = update_row(actor, decision, values, message="title decided again")
        if propose and role is not None:
            propose_alias(actor=actor, trust=trust, role=role, title=alias_title(key))
        if recount_after:
            recount(actor=actor, trust=trust, reason=f"title '{key}' decided")
    return decision


def mark_not_new(*, actor: Any, trust: Trust, keys: Sequence[str]) -> int:
    """Mark several titles "not a new role" at once, recounting once at the end."""
    require_editor(actor, trust)
    with batch(), transaction.atomic():
        for key in keys:
            decide_title(actor=actor, trust=trust, key=key, outcome=TitleDecision.NOT_NEW, recount_after=False)
        recount(actor=actor, trust=trust, reason=f"{len(keys)} titles marked not a new role")
    return len(keys)


# Recounting ---------------------------------------------------------------------------------------


@dataclass
class RecountResult:
    titles_changed: int = 0
    staff_moved: int = 0
    months: list[dt.date] = field(default_factory=list)


def recount(*, actor: Any, trust: Trust, reason: str = "recount") -> RecountResult:
    """Resolve the trust's titles waiting for review again, with the current catalogue and the trust's
    decisions, and move the staff of every title whose answer changed. One audit record per month changed.

    Only titles counted under their own title (`review`) can move: a title matched with confidence at
    import was counted under its role alone, and keeps that role until the month is imported again.
    """
    normaliser = normaliser_for(trust)
    result = RecountResult()
    imports = {i.month: i for i in current_imports(trust)}
    roles = _role_bands()
    candidates_field = ExtractTitle._meta.get_field("candidates")
    fields = ["role", "confidence", "method", "in_training", "code_conflict", "cleaned", "candidates", "band_outside"]
    with transaction.atomic():
        changed_by_month: dict[dt.date, list[ExtractTitle]] = defaultdict(list)
        titles = ExtractTitle.objects.filter(trust=trust, review=True, extract__is_current=True)
        for title in titles.iterator(chunk_size=2000):
            m = normaliser.normalise(title.title, title.job_role or None, title.occupation_code or None)
            new = {
                "role_id": roles[m.slug][0] if m.slug in roles else None, "confidence": m.confidence,
                "method": m.method, "in_training": m.in_training, "code_conflict": m.code_conflict,
                "cleaned": m.cleaned[:300], "candidates": candidates_field.to_python(p.candidates_json(m)),
            }  # fmt: skip
            if any(getattr(title, k) != v for k, v in new.items()):
                if title.role_id != new["role_id"]:
                    result.staff_moved += title.headcount
                for k, v in new.items():
                    setattr(title, k, v)
                changed_by_month[title.month].append(title)
        slugs = {pk: slug for slug, (pk, *_rest) in roles.items()}
        for month, changed in sorted(changed_by_month.items()):
            by_answer: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
            for t in changed:
                by_answer[(t.role_id, t.in_training)].append(t.pk)
            for (role_id, training), pks in by_answer.items():
                for start in range(0, len(pks), 500):
                    StaffCount.objects.filter(title_id__in=pks[start : start + 500]).update(
                        role_id=role_id, in_training=training
                    )
            # The band check follows the new role, from the title's own cells.
            bands: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for title_id, band, staff in (
                StaffCount.objects.filter(title_id__in=[t.pk for t in changed]).values_list("title_id", "band")
                .annotate(staff=Sum("headcount")).order_by()
            ):  # fmt: skip
                bands[title_id].append((band, staff))
            for t in changed:
                _pk, _new, low, high = roles.get(slugs.get(t.role_id, ""), (None, 0, None, None))
                t.band_outside = sum(
                    staff for band, staff in bands[t.pk]
                    if low is not None and high is not None and band in AFC_BANDS
                    and not low <= band_index(band) <= high
                )  # fmt: skip
            ExtractTitle.objects.bulk_update(changed, fields, batch_size=500)
            result.titles_changed += len(changed)
            result.months.append(month)
            obj = imports.get(month)
            if obj is not None:
                record(
                    actor=actor, action=ChangeRecord.UPDATE, obj=obj, before=None,
                    after={"titles_changed": len(changed), "reason": reason},
                    message=f"recounted {month_label(month)}: {len(changed)} title(s) changed ({reason})"[:500],
                )  # fmt: skip
                write_figures(obj, actor)
    return result


def recount_all(*, actor: Any = None) -> int:
    """Recount every trust with staff-record data (after a national catalogue change)."""
    trusts = Trust.objects.filter(extract_imports__is_current=True).distinct()
    changed = 0
    for trust in trusts:
        changed += recount(actor=actor, trust=trust, reason="national catalogue changed").titles_changed
    return changed
