"""Recounting every trust in the background after the catalogue changed, with a progress bar.

What a stored title means depends on the catalogue (its roles and aliases, the occupation codes) and the
normaliser's version, which `memory.catalogue_version` sums up. Each current month remembers the version
its titles were matched under (`ExtractImport.counted_under`); when the catalogue changes, those months
are stale. A `Recount` then brings every stale trust to the new version, one trust at a time, in the
worker (`tasks.run_recount`), and the staff-record pages show its progress.

Three ways start one, all through `start_recount`: a curator approving a national alias (the catalogue
signal, at once), `newroles workforce recount`, and the worker's minute sweep, which finds stale months
whatever changed them (a role edited, a new normaliser deployed). Only one recount is waiting or running
at a time: asking again while one waits joins it, and one that is running picks up later changes when
the sweep next finds months still stale.

A trust's own decisions recount that trust at once, in the request (`decisions.decide_title`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, update_row
from newroles.imports.runs import abandoned_after
from newroles.organisations.models import Trust
from newroles.workforce.memory import current_catalogue_version
from newroles.workforce.models import ExtractImport, Recount
from newroles.workforce.recounts import recount

logger = logging.getLogger(__name__)

STOPPED_MESSAGE = "The recount stopped: the process running it ended. The next minute's sweep starts another."


def stale_trusts(version: str | None = None) -> list[Trust]:
    """Trusts with a current month counted under another catalogue version than `version` (now's)."""
    version = version or current_catalogue_version()
    stale = ExtractImport.objects.filter(is_current=True).exclude(counted_under=version)
    return list(Trust.objects.filter(pk__in=stale.values("trust_id")).order_by("name"))


def active() -> Recount | None:
    """The recount waiting or running, if any."""
    return Recount.objects.filter(status__in=[Recount.QUEUED, Recount.RUNNING]).order_by("created_at").first()


def latest() -> Recount | None:
    return Recount.objects.order_by("-created_at", "-id").first()


def start_recount(*, reason: str, actor: Any = policy.SYSTEM, enqueue: bool = True) -> Recount | None:
    """Queue a recount of every stale trust (None when no month is stale); joins one already waiting.

    Written as the system, naming the person whose change asked for it; the job runs once the
    transaction that changed the catalogue commits, so it sees the change.
    """
    version = current_catalogue_version()
    waiting = Recount.objects.filter(status=Recount.QUEUED).first()
    if waiting is not None:
        return waiting
    trusts = stale_trusts(version)
    if not trusts:
        return None
    person = actor if getattr(actor, "pk", None) else None
    job = create_row(
        policy.SYSTEM,
        Recount(reason=reason[:300], catalogue_version=version, trusts_total=len(trusts), requested_by=person),
        message=f"recount of {len(trusts)} trust(s) queued: {reason}"[:500],
    )
    if enqueue:
        from newroles.workforce.tasks import run_recount  # the tasks module imports this one

        transaction.on_commit(lambda: run_recount.enqueue(job.pk))
    return job


def run(job_id: int) -> Recount:
    """Recount every stale trust for the job, moving its progress; a failure marks the job failed.

    Each trust is its own transaction (in `recounts.recount`), so a page or an import waits for one
    trust at most, and a job stopped halfway leaves every trust either recounted or as it was.
    """
    job = Recount.objects.get(pk=job_id)
    if job.is_finished:
        return job
    version = current_catalogue_version()  # a change since it was queued is included
    trusts = stale_trusts(version)
    update_row(
        policy.SYSTEM, job,
        {"status": Recount.RUNNING, "catalogue_version": version, "trusts_total": len(trusts), "trusts_done": 0,
         "heartbeat_at": timezone.now()},
        message="recount started",
    )  # fmt: skip
    totals = {"titles_changed": 0, "months_changed": 0, "staff_moved": 0}
    try:
        for done, trust in enumerate(trusts, start=1):
            result = recount(actor=policy.SYSTEM, trust=trust, reason=f"catalogue changed: {job.reason}"[:200])
            totals["titles_changed"] += result.titles_changed
            totals["months_changed"] += len(result.months)
            totals["staff_moved"] += result.staff_moved
            # Progress is not audited (audit_exclude): one record at the end says what the job did.
            Recount.objects.filter(pk=job.pk).update(
                trusts_done=done, progress=int(100 * done / max(len(trusts), 1)), heartbeat_at=timezone.now(),
                **totals,
            )  # fmt: skip
    except Exception as exc:  # the trusts done so far stay done; the sweep starts another for the rest
        logger.exception("recount %s failed", job.pk)
        job.refresh_from_db()
        return update_row(
            policy.SYSTEM, job,
            {"status": Recount.FAILED, "error": f"The recount stopped with an error ({type(exc).__name__}).",
             "finished_at": timezone.now()},
            message="recount failed",
        )  # fmt: skip
    job.refresh_from_db()
    return update_row(
        policy.SYSTEM,
        job,
        {"status": Recount.DONE, "progress": 100, "finished_at": timezone.now(), **totals},
        message=f"recount done: {totals['titles_changed']} title(s) in {totals['months_changed']} month(s) changed",
    )


def sweep() -> dict[str, int]:
    """The worker's minute sweep: fail a recount whose process died, and start one if any month is stale."""
    cutoff = timezone.now() - abandoned_after()
    failed = 0
    for job in Recount.objects.filter(status=Recount.RUNNING, heartbeat_at__lt=cutoff):
        update_row(policy.SYSTEM, job, {"status": Recount.FAILED, "error": STOPPED_MESSAGE,
                                        "finished_at": timezone.now()}, message="recount abandoned")  # fmt: skip
        failed += 1
    started = 0
    if active() is None and start_recount(reason="the catalogue or the title normaliser changed") is not None:
        started = 1
    return {"failed": failed, "started": started}
