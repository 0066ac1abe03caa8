"""Every change to staff-record data goes through the functions gathered here, each kept in the module
of its job:

- `uploads`: keeping an uploaded extract, choosing its columns, queueing or cancelling its import
  (`files`: where the upload waits; `access`: who may change a trust's staff record);
- `running`: running an import (one trust's extract, or a national one) and `month`: writing the
  month it replaces and its per-role figures;
- `decisions`: the titles to resolve and a trust's decisions on them; `recounts`: recounting after a
  decision or a catalogue change;
- `counts`: months and the staff counted by role.

The small-count rule for aggregates shown outside their trust is `newroles.accounts.disclosure`.

This module names them all, so callers and tests keep one import (`from newroles.workforce import
services`); new code may import from the module of the job directly.

One exception to the rule that each row is written through `audit.writes` (create_row/update_row):
an import writes its aggregate rows (`ExtractTitle`, `StaffCount`) in bulk, hundreds of thousands for
a national extract, with one summary audit record per import instead of one per row. A record per
aggregate row would multiply the audit table by the size of every extract and say nothing a person
could act on; the summary (the import's before/after with its counts) says what changed, who did it
and in which batch. Everything else an import touches (the import itself, the map's figures and
suggestions, deployments) goes through the audited writes.
"""

from __future__ import annotations

from newroles.accounts.policy import require_editor
from newroles.workforce.counts import (
    RoleCount,
    counts_by_role,
    current_imports,
    import_match_figures,
    last_sent,
    latest_month,
    month_coverage,
    month_end,
    month_match_figures,
    parse_month,
    previous_month,
    widest_month,
)
from newroles.workforce.decisions import (
    TitleGroup,
    alias_title,
    decide_title,
    decision_key,
    mark_not_new,
    titles_to_resolve,
)
from newroles.workforce.extract import ExtractError
from newroles.workforce.files import (
    STALE_SECONDS,
    max_upload_bytes,
    remove_stale_uploads,
    upload_path,
    uploads_dir,
)
from newroles.workforce.month import REVIEW_CONFIDENCE, needs_review, replace_month, write_figures
from newroles.workforce.recounts import RecountResult, recount, recount_all
from newroles.workforce.running import (
    ImportFailed,
    NationalResult,
    Progress,
    import_file,
    run_import,
    run_national_import,
    run_queued_import,
)
from newroles.workforce.uploads import (
    cancel_import,
    mapping_problems,
    readable_headers,
    remember_mapping,
    remembered_mapping,
    start_upload,
    submit_mapping,
    suggest_mapping,
)

__all__ = [
    "REVIEW_CONFIDENCE",
    "STALE_SECONDS",
    "ExtractError",
    "ImportFailed",
    "NationalResult",
    "Progress",
    "RecountResult",
    "RoleCount",
    "TitleGroup",
    "alias_title",
    "cancel_import",
    "counts_by_role",
    "current_imports",
    "decide_title",
    "decision_key",
    "import_file",
    "import_match_figures",
    "last_sent",
    "latest_month",
    "mapping_problems",
    "mark_not_new",
    "max_upload_bytes",
    "month_coverage",
    "month_end",
    "month_match_figures",
    "needs_review",
    "parse_month",
    "previous_month",
    "readable_headers",
    "recount",
    "recount_all",
    "remember_mapping",
    "remembered_mapping",
    "remove_stale_uploads",
    "replace_month",
    "require_editor",
    "run_import",
    "run_national_import",
    "run_queued_import",
    "start_upload",
    "submit_mapping",
    "suggest_mapping",
    "titles_to_resolve",
    "upload_path",
    "uploads_dir",
    "widest_month",
    "write_figures",
]
