"""The one import flow: store the upload, map columns, validate every row, commit all or nothing.

Validation runs the real service functions for every row inside transactions that are then rolled
back, so what validation accepts is what the commit will do. It runs in chunks, each its own short
transaction (well under a second), so other writers get the database between chunks however long the
file: on SQLite a transaction holds the one write lock. Rows repeating a row of an earlier chunk are
checked against the database as it is, not against that rolled-back row; the commit (one transaction,
every row again through the services, one batch id on every audit record) is exact, and any error rolls
the whole file back. An abandoned upload touches only a file in the private folder.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from newroles.audit.context import batch
from newroles.audit.writes import create_row, update_row
from newroles.imports.models import ColumnMapping
from newroles.imports.registry import ImportContext, ImportKind, RowError, RowErrors, validation_errors
from newroles.lib.tabular import (
    Table,
    TabularError,
    read_table,
    stored_table,
    stored_table_bytes,
    too_large_message,
)
from newroles.lib.uploads import private_dir, remove_stale_files

MAX_ROWS = 50_000
# A check's chunk ends after this long (or CHUNK_ROWS rows), so no check transaction holds the write
# lock for more than about this plus one row: other requests wait at most that long for it.
CHUNK_SECONDS = 0.3
CHUNK_ROWS = 500
# SQLite does not queue writers: one waiting for the lock polls it (its busy handler sleeps up to 100 ms
# between tries), so a check that took the lock again at once would starve it. A pause longer than one
# poll between chunks lets every waiting writer in; PostgreSQL locks rows, not the database, and needs none.
CHUNK_PAUSE = 0.12


def upload_dir() -> Path:
    return private_dir("imports")


@dataclass
class Upload:
    """An uploaded file waiting to be mapped and committed, stored outside the database."""

    token: str
    kind: str
    filename: str
    user_id: int
    trust_id: int | None

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.token}.bin"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.token}.json"

    def table(self) -> Table:
        """The table as parsed at upload (kept parsed, so a page view never parses the file again)."""
        data = self.path.read_bytes()
        return stored_table(data) or read_table(data, self.filename, max_rows=MAX_ROWS)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def check_size(size: int) -> None:
    """Refuse files over the configured upload limit."""
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise TabularError(too_large_message(size, limit))


def save_upload(data: bytes, *, filename: str, kind: ImportKind, user: Any, trust: Any = None) -> tuple[Upload, Table]:
    """Check size and readability, then keep the bytes for the next steps. Raises TabularError."""
    check_size(len(data))
    table = read_table(data, filename, max_rows=MAX_ROWS)
    remove_stale_uploads()
    upload = Upload(secrets.token_urlsafe(16), kind.key, filename, user.pk, getattr(trust, "pk", None))
    upload.path.write_bytes(stored_table_bytes(table))  # the parsed rows, not the file: parsed once
    upload.meta_path.write_text(json.dumps(upload.__dict__))
    return upload, table


def load_upload(token: str, *, user: Any, kind: ImportKind) -> Upload | None:
    """The upload with this token if it belongs to this user and kind."""
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    upload_meta = upload_dir() / f"{token}.json"
    if not upload_meta.exists():
        return None
    upload = Upload(**json.loads(upload_meta.read_text()))
    if upload.user_id != user.pk or upload.kind != kind.key:
        return None
    return upload


def remove_stale_uploads() -> int:
    """Delete uploads untouched for a day (abandoned before their import); returns how many files went."""
    return len(remove_stale_files(upload_dir()))


# Mapping ------------------------------------------------------------------------------------------


def suggest_mapping(kind: ImportKind, headers: list[str], remembered: dict[str, str]) -> dict[str, str]:
    """field name -> header: the user's remembered choice when the header is present, else a loose match."""
    mapping: dict[str, str] = {}
    for f in kind.fields:
        if remembered.get(f.name) in headers:
            mapping[f.name] = remembered[f.name]
            continue
        match = next((h for h in headers if f.matches(h)), None)
        if match:
            mapping[f.name] = match
    return mapping


def remembered_mapping(user: Any, kind: ImportKind) -> dict[str, str]:
    row = ColumnMapping.objects.filter(user=user, kind=kind.key).first()
    return dict(row.mapping) if row else {}


def remember_mapping(*, actor: Any, kind: ImportKind, mapping: dict[str, str]) -> None:
    row = ColumnMapping.objects.filter(user=actor, kind=kind.key).first()
    if row is None:
        create_row(actor, ColumnMapping(user=actor, kind=kind.key, mapping=mapping))
    elif row.mapping != mapping:
        update_row(actor, row, {"mapping": mapping})


def mapping_problems(kind: ImportKind, mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Messages for required fields with no column and for one column mapped to two fields."""
    problems = []
    for f in kind.required_fields:
        if not mapping.get(f.name):
            problems.append(f"Choose the column for {f.label}: it is required.")
    used: dict[str, str] = {}
    for name, header in mapping.items():
        if not header:
            continue
        if header not in headers:
            problems.append(f"There is no column called '{header}' in the file.")
        elif header in used:
            problems.append(
                f"Column '{header}' is chosen for both {kind.field(used[header]).label} and {kind.field(name).label}."
            )
        used.setdefault(header, name)
    return problems


# Running ------------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column {self.column}"
        shown = f"'{self.value}' " if self.value and self.column else ""
        return f"{where}: {shown}{self.message}" if shown else f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    batch_id: str = ""
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[int, int], None]


def run_import(
    kind: ImportKind,
    table: Table,
    mapping: dict[str, str],
    ctx: ImportContext,
    *,
    commit: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate (commit=False) or import (commit=True) every row. Nothing is kept unless commit and no errors.

    The check runs in short rolled-back chunks and calls `progress(rows_done, rows_total)` after each;
    the commit is one transaction.
    """
    if not commit:
        return _check(kind, table, mapping, ctx, progress)
    result = ImportResult()
    columns = {name: header for name, header in mapping.items() if header}
    with batch() as batch_id, transaction.atomic():
        result.batch_id = batch_id
        for number, record in table.records():
            _run_row(kind, number, record, columns, ctx, result)
        if result.ok:
            result.committed = True
        else:
            transaction.set_rollback(True)
    if not result.committed:
        result.created = result.updated = 0  # rolled back: nothing was written
    return result


def _check(
    kind: ImportKind, table: Table, mapping: dict[str, str], ctx: ImportContext, progress: Progress | None
) -> ImportResult:
    result = ImportResult()
    columns = {name: header for name, header in mapping.items() if header}
    records = table.records()
    done = 0
    with batch() as batch_id:
        result.batch_id = batch_id
        while done < len(records):
            started = time.monotonic()
            with transaction.atomic():
                end = min(done + CHUNK_ROWS, len(records))
                while done < end:
                    number, record = records[done]
                    _run_row(kind, number, record, columns, ctx, result)
                    done += 1
                    if time.monotonic() - started >= CHUNK_SECONDS:
                        break
                transaction.set_rollback(True)
            if progress:
                progress(done, len(records))
            if done < len(records) and connection.vendor == "sqlite":
                time.sleep(CHUNK_PAUSE)
    return result


def _run_row(
    kind: ImportKind, number: int, record: dict[str, str], columns: dict[str, str], ctx: ImportContext,
    result: ImportResult,
) -> None:  # fmt: skip
    result.rows += 1
    values = {name: record.get(header, "").strip() for name, header in columns.items()}
    errors = _required_errors(kind, values)
    if not errors:
        errors = _import_one(kind, values, ctx, result)
    for field_name, message in errors:
        header = columns.get(field_name or "")
        result.errors.append(RowProblem(number, header, values.get(field_name or "", ""), message))


def _required_errors(kind: ImportKind, values: dict[str, str]) -> list[tuple[str | None, str]]:
    return [
        (f.name, f"{f.label} is required but this row leaves it empty")
        for f in kind.required_fields
        if not values.get(f.name)
    ]


def _import_one(
    kind: ImportKind, values: dict[str, str], ctx: ImportContext, result: ImportResult
) -> list[tuple[str | None, str]]:
    try:
        with transaction.atomic():  # a savepoint, so one bad row does not poison the others' checks
            outcome = kind.import_row(values, ctx)
    except RowErrors as exc:
        return exc.errors
    except RowError as exc:
        return [(exc.field, exc.message)]
    except ValidationError as exc:
        return [(name, message) for name, message in validation_errors(exc)]
    except PermissionDenied as exc:
        return [(None, str(exc) or "You may not change this row.")]
    if outcome == "created":
        result.created += 1
    else:
        result.updated += 1
    return []


def error_rows(result: ImportResult) -> tuple[list[str], list[list[Any]]]:
    """The errors as a table for the downloadable error file."""
    return ["Row", "Column", "Value", "Problem"], [
        [e.row or "", e.column or "", e.value, e.message] for e in result.errors
    ]
