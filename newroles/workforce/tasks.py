"""Background jobs: an extract import outlives a web request, and so does recounting every trust.

The jobs call into `running` and `recounts`; the services that queue them (`uploads`) import this
module, and nothing here imports them back.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from newroles.accounts import policy
from newroles.imports.health import keep_alive, sweep_all
from newroles.workforce.models import ExtractImport
from newroles.workforce.recounts import recount_all
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
def recount_trusts() -> int:
    """Recount every trust's staff-record titles after a national catalogue change."""
    return recount_all(actor=policy.SYSTEM)


def recount_after_catalogue_change(sender: Any, **kwargs: Any) -> None:
    """A curator approved a national alias (`roles.signals.national_alias_approved`): recount every trust
    in the background, as the title may now mean a role at any of them."""
    recount_trusts.enqueue()
