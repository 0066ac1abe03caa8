"""Import runs: the check and the commit of a mapped upload, run by the background worker.

A check can take minutes for a long file, so it never runs in a web request: the mapping page
starts a run (`start_check`), the worker checks every row in short chunks (`engine.run_import`,
commit=False) reporting progress and a heartbeat, and keeps every problem found on the run. The
problems page, the error file and the commit read the run; nothing checks the file twice.

The commit (`start_commit`) also runs in the worker: one transaction, every row again through the
services (the data may have changed since the check), one batch id. If a row no longer passes, nothing
is imported and the run says which row and why.

A worker killed mid-run leaves its run's heartbeat behind; `sweep_abandoned` (run by the worker every
minute) marks such runs failed, so nobody waits on a progress bar that will never move.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from newroles.audit.context import batch
from newroles.imports import engine, health
from newroles.imports.models import ImportRun
from newroles.imports.registry import ImportContext, ImportKind, get_kind

logger = logging.getLogger(__name__)

# A run whose worker has shown no sign of life for this long was abandoned (the worker was killed):
# progress and heartbeat are written at least every few seconds while a check runs.
DEFAULT_ABANDONED_AFTER = dt.timedelta(minutes=10)
PROGRESS_EVERY = 0.5  # seconds between progress writes: each is a (tiny) write transaction


def abandoned_after() -> dt.timedelta:
    """How long a running job may go without a heartbeat before it counts as abandoned (a setting)."""
    seconds = getattr(settings, "IMPORT_ABANDONED_AFTER_SECONDS", None)
    return dt.timedelta(seconds=seconds) if seconds else DEFAULT_ABANDONED_AFTER


def _set(run: ImportRun, **fields: Any) -> None:
    """Write a run's job state (progress, heartbeat, result) with a plain UPDATE, and keep `run` in step."""
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def latest_run(token: str, *, user: Any, kind: ImportKind) -> ImportRun | None:
    """The user's newest run of this upload, if any."""
    return ImportRun.objects.filter(token=token, user=user, kind=kind.key).select_related("trust").first()


def _enqueue(task: Any, run: ImportRun) -> ImportRun:
    task.enqueue(run.pk)
    run.refresh_from_db()  # with the inline backend (tests), the run has finished already
    return run


def start_check(*, actor: Any, upload: engine.Upload, kind: ImportKind, mapping: dict[str, str]) -> ImportRun:
    """Queue a check of every row of the upload with these columns. The caller has checked access."""
    # A run is the state of a job, not data: like the staff-record import's progress it is written
    # without a change record (a file that fails its check leaves the audit log as it was); the rows
    # an import changes are each audited under the commit's batch id.
    run = ImportRun.objects.create(
        token=upload.token,
        kind=kind.key,
        filename=upload.filename[:255],
        user=actor,
        trust_id=upload.trust_id,
        mapping=mapping,
    )
    from newroles.imports.tasks import check_import

    return _enqueue(check_import, run)


def start_commit(*, run: ImportRun) -> ImportRun:
    """Queue the commit of a run whose check passed."""
    _set(run, status=ImportRun.QUEUED, stage="", progress=0, heartbeat_at=None)
    from newroles.imports.tasks import commit_import

    return _enqueue(commit_import, run)


class _Progress:
    """Writes a running check's progress and heartbeat, at most every PROGRESS_EVERY seconds."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY or done >= total:
            self.last = now
            _set(self.run, progress=int(100 * done / max(total, 1)), heartbeat_at=timezone.now())


def _context(run: ImportRun) -> tuple[ImportKind, engine.Upload, ImportContext] | str:
    """What a run needs, or the reason it cannot go on."""
    kind = get_kind(run.kind)
    if kind is None:
        return "This kind of import no longer exists."
    if not kind.may_use(run.user, run.trust):
        return "You may no longer import this data."
    upload = engine.load_upload(run.token, user=run.user, kind=kind)
    if upload is None:
        return "The uploaded file is no longer there. Upload it again."
    return kind, upload, ImportContext(actor=run.user, trust=run.trust)


def _open(run: ImportRun, stage: str) -> tuple[ImportKind, engine.Upload, ImportContext, Any] | str:
    """What a run needs and its file's rows, read under `stage`; or the reason it cannot go on."""
    needs = _context(run)
    if isinstance(needs, str):
        return needs
    kind, upload, ctx = needs
    _set(run, stage=stage)
    return kind, upload, ctx, upload.table()


def _fail(run: ImportRun, message: str, **fields: Any) -> ImportRun:
    _set(run, status=ImportRun.FAILED, message=message, finished_at=timezone.now(), **fields)
    return run


def _claim(pk: int, status: str) -> ImportRun | None:
    """Take a queued run for the worker (no other worker takes it), or None if it is not waiting."""
    if not ImportRun.objects.filter(pk=pk, status=ImportRun.QUEUED).update(status=status, heartbeat_at=timezone.now()):
        return None
    return ImportRun.objects.select_related("user", "trust").get(pk=pk)


def run_check(pk: int) -> ImportRun | None:
    """Check every row of a queued run (the background task)."""
    run = _claim(pk, ImportRun.CHECKING)
    if run is None:
        return None
    try:
        opened = _open(run, "Reading the file")
        if isinstance(opened, str):
            return _fail(run, opened)
        kind, _upload, ctx, table = opened
        _set(run, stage="Checking every row")
        result = engine.run_import(kind, table, run.mapping, ctx, commit=False, progress=_Progress(run))
    except Exception as exc:
        logger.exception("import check %s failed", pk)
        return _fail(run, f"The check stopped with an unexpected error ({type(exc).__name__}).")
    _set(
        run, status=ImportRun.CHECKED, stage="", progress=100, rows=result.rows, created=result.created,
        updated=result.updated, errors=_stored(result.errors), finished_at=timezone.now(),
    )  # fmt: skip
    return run


def run_commit(pk: int) -> ImportRun | None:
    """Import every row of a checked run in one transaction (the background task)."""
    run = _claim(pk, ImportRun.COMMITTING)
    if run is None:
        return None
    try:
        opened = _open(run, "Saving every row")
        if isinstance(opened, str):
            return _fail(run, opened)
        kind, upload, ctx, table = opened
        with health.keep_alive(lambda: ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())):
            result = engine.run_import(kind, table, run.mapping, ctx, commit=True)
        if not result.ok:
            # Checked clean, refused now: the data changed in between. Nothing was saved.
            first = result.errors[0]
            return _fail(
                run,
                f"Nothing was imported: {len(result.errors)} row(s) no longer pass the checks because the data "
                f"changed after the file was checked ({str(first).rstrip('.')}). Check the file again.",
                errors=_stored(result.errors),
            )
        with batch(result.batch_id):  # the remembered mapping belongs to the same import in the audit log
            engine.remember_mapping(actor=run.user, kind=kind, mapping=run.mapping)
    except Exception as exc:
        logger.exception("import commit %s failed", pk)
        return _fail(run, f"The import stopped with an unexpected error ({type(exc).__name__}). Nothing was saved.")
    upload.discard()
    _set(
        run, status=ImportRun.COMMITTED, stage="", progress=100, rows=result.rows, created=result.created,
        updated=result.updated, batch_id=result.batch_id, finished_at=timezone.now(),
    )  # fmt: skip
    return run


def _stored(problems: list[engine.RowProblem]) -> list[list[Any]]:
    return [[p.row, p.column, p.value, p.message] for p in problems]


def problems(run: ImportRun) -> list[engine.RowProblem]:
    """The run's stored problems, as the engine reported them."""
    return [engine.RowProblem(row, column, value, message) for row, column, value, message in run.errors]


def result_of(run: ImportRun) -> engine.ImportResult:
    """The run's outcome in the engine's shape, for the pages."""
    return engine.ImportResult(
        rows=run.rows, created=run.created, updated=run.updated, errors=problems(run), batch_id=run.batch_id,
        committed=run.status == ImportRun.COMMITTED,
    )  # fmt: skip


def sweep_abandoned(now: dt.datetime | None = None) -> int:
    """Mark failed every run whose worker stopped beating (killed mid-run); the upload stays for a re-check."""
    cutoff = (now or timezone.now()) - abandoned_after()
    return ImportRun.objects.filter(status__in=ImportRun.RUNNING, heartbeat_at__lt=cutoff).update(
        status=ImportRun.FAILED,
        message="The background worker stopped while this ran. Nothing was saved: check the file again.",
        finished_at=now or timezone.now(),
    )


def sweep() -> dict[str, int]:
    """The imports app's minute sweep: abandoned runs, and uploads left for a day."""
    return {"abandoned": sweep_abandoned(), "stale_files": engine.remove_stale_uploads()}
