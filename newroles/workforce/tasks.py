"""Background jobs: an extract import outlives a web request, and so does recounting every trust.

The jobs call into `running` and `recount_jobs`; the services that queue them (`uploads`, and
`recount_jobs.start_recount`, lazily) import this module, and nothing here imports them back at load time.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from newroles.accounts import policy
from newroles.imports.health import keep_alive, sweep_all
from newroles.workforce import recount_jobs
from newroles.workforce.models import ExtractImport
from newroles.workforce.running import run_queued_import


@task()
def run_extract_import(extract_import_id: int) -> str:
    """Run a queued staff-record import; the page polls the import's progress while this works."""
    sweep_all()  # a new worker first fails what a killed one left running, and deletes its upload

    def beat() -> None:  # the sweep thread keeps this import alive while this process lives, even in long steps
        ExtractImport.objects.filter(pk=extract_import_id, status=ExtractImport.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    with keep_alive(beat):
        return run_queued_import(extract_import_id).status


@task()
def run_recount(recount_id: int) -> str:
    """Recount every trust whose months were counted under an older catalogue; the pages poll its progress."""
    return recount_jobs.run(recount_id).status


def recount_after_catalogue_change(sender: Any, *, alias: Any = None, actor: Any = None, **kwargs: Any) -> None:
    """A curator approved a national alias (`roles.signals.national_alias_approved`): recount every trust
    in the background, as the title may now mean a role at any of them."""
    title = getattr(alias, "title", "")
    recount_jobs.start_recount(reason=f"national alias '{title}' approved" if title else "national alias approved",
                               actor=actor or policy.SYSTEM)  # fmt: skip
