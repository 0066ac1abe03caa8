"""Staff-record imports whose process died: found by their heartbeat, failed, their upload deleted at once.

A running import writes `heartbeat_at` with its progress (`services._Reporter`, at least every few
seconds while it reads and matches). A worker killed mid-import (or a command line stopped with
kill -9) leaves the import "running" with a heartbeat that no longer moves; once it is older than
`newroles.imports.runs.abandoned_after()` (ten minutes unless set), the import is abandoned. The
worker's minute sweep (`newroles.imports.health`, registered in `apps.py`), the start of every
staff-record task and `newroles workforce sweep` mark such imports failed and delete the uploaded
extract: it holds names, dates of birth and NI numbers, and must not outlive its import. An editor
may also cancel such an import from its page, with the same effect.

Pages never do this on GET: a page that reads must not write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import update_row
from newroles.imports.runs import abandoned_after
from newroles.workforce import services
from newroles.workforce.models import ExtractImport

ABANDONED_MESSAGE = (
    "The import stopped: the process running it ended before it finished. Nothing was changed, and the "
    "uploaded file has been deleted. Upload the extract again."
)


def abandoned(now: dt.datetime | None = None) -> Any:
    """Running imports whose heartbeat (or, if they never beat, their start) is older than the limit."""
    cutoff = (now or timezone.now()) - abandoned_after()
    return ExtractImport.objects.filter(status=ExtractImport.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def is_abandoned(extract_import: ExtractImport, now: dt.datetime | None = None) -> bool:
    return abandoned(now).filter(pk=extract_import.pk).exists()


def _end(actor: Any, extract_import: ExtractImport, status: str, message: str) -> ExtractImport:
    services.upload_path(extract_import).unlink(missing_ok=True)  # first: the personal data goes whatever follows
    changes = {"status": status, "finished_at": timezone.now()}
    if status == ExtractImport.FAILED:
        changes["error"] = ABANDONED_MESSAGE
    return update_row(actor, extract_import, changes, message=message)


def sweep_abandoned(now: dt.datetime | None = None) -> int:
    """Fail every abandoned import and delete its upload; returns how many. A system job (no acting user)."""
    count = 0
    for pk in list(abandoned(now).values_list("pk", flat=True)):
        with transaction.atomic():
            # Read again under the write lock: the import may have finished since the list was read.
            extract_import = abandoned(now).select_for_update().select_related("trust").filter(pk=pk).first()
            if extract_import is not None:
                _end(
                    policy.SYSTEM, extract_import, ExtractImport.FAILED,
                    "import abandoned: its process stopped; file deleted",
                )  # fmt: skip
                count += 1
    return count


def sweep() -> dict[str, int]:
    """The staff-record part of the worker's minute sweep: abandoned imports, and uploads left for a day."""
    return {"abandoned": sweep_abandoned(), "stale_uploads": services.remove_stale_uploads()}


def cancel(*, actor: Any, extract_import: ExtractImport) -> ExtractImport:
    """Cancel an import that has not started, or one stuck because its process died; its file goes at once."""
    if extract_import.status != ExtractImport.RUNNING:
        return services.cancel_import(actor=actor, extract_import=extract_import)
    services.require_editor(actor, extract_import.trust)
    if not is_abandoned(extract_import):
        raise ValidationError("This import is running: it cannot be cancelled until it ends or stops responding.")
    return _end(actor, extract_import, ExtractImport.CANCELLED, "stuck import cancelled; file deleted")
