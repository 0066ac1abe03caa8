"""Readiness checks behind `/readyz`: may this instance take traffic?

`/healthz` says the process answers and reaches its database; `/readyz` also says the schema is current and
background jobs are being picked up. Each check is a function returning a `Check`; `settings.READINESS_CHECKS`
lists them by dotted path, so a check is added or removed without touching the view.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# A ready task left waiting longer than this means no worker is taking jobs: the worker polls every few
# seconds, so two minutes leaves room for a busy worker finishing a long job without flapping.
QUEUE_STALL_SECONDS = 120


@dataclass(frozen=True)
class Check:
    """One readiness check's answer; `detail` is shown publicly, so it never carries error text."""

    ok: bool
    detail: str


def database() -> Check:
    """The default database answers a query."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check(True, "reachable")


_migrations_current = False  # once the schema is current it stays so for this process's code


def migrations() -> Check:
    """Every migration this code knows of is applied (a deploy that forgot `migrate` is not ready)."""
    global _migrations_current
    if not _migrations_current:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return Check(False, f"{len(pending)} migration(s) not applied")
        _migrations_current = True
    return Check(True, "applied")


def task_queue_moving() -> Check:
    """The background worker is taking jobs: no ready job has waited longer than QUEUE_STALL_SECONDS.

    django-tasks' database queue keeps no record of its workers, so this asks whether jobs leave the queue:
    an empty queue is ready (nothing is waiting); a backlog older than the stall limit means the worker is
    stopped or stuck. `worker_heartbeat` asks the other half: is a worker process alive at all.
    """
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return Check(True, "no worker needed (jobs run in the request)")
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - timedelta(seconds=QUEUE_STALL_SECONDS)
    # A job waits from when it was queued, or from its run_after time if it was scheduled for later.
    stalled = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    )
    if stalled.exists():
        return Check(False, f"jobs waiting over {QUEUE_STALL_SECONDS} s: is the worker running?")
    return Check(True, "no job waiting too long")


# The worker beats every minute (newroles.imports.health); three missed beats mean it has stopped.
WORKER_SILENT_SECONDS = 180


def worker_heartbeat() -> Check:
    """A background worker (`newroles worker`) has beaten its heartbeat within WORKER_SILENT_SECONDS.

    The heartbeat is a file the worker touches every minute, so this answers even while an import holds
    the database's write lock. Where jobs run inside the request (the test settings), no worker is needed.
    """
    from newroles.imports.health import worker_seen_within

    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return Check(True, "no worker needed (jobs run in the request)")
    if worker_seen_within(WORKER_SILENT_SECONDS):
        return Check(True, "worker heartbeat recent")
    return Check(False, f"no worker heartbeat in {WORKER_SILENT_SECONDS} s: is `newroles worker` running?")


def run_checks() -> dict[str, Check]:
    """Run every check in settings.READINESS_CHECKS; a check that raises counts as failed (and is logged)."""
    results: dict[str, Check] = {}
    for dotted in settings.READINESS_CHECKS:
        name = dotted.rsplit(".", 1)[-1]
        try:
            results[name] = import_string(dotted)()
        except Exception:
            logger.exception("readiness check %s failed", name)
            results[name] = Check(False, "error (see the server log)")
    return results
