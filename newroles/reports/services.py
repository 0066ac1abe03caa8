"""Every change to snapshots goes through these functions: freezing a briefing, and redacting a withdrawn
participant's quotes from the snapshots that quote them. Comparing two snapshots writes nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, update_row
from newroles.reports.briefing import briefing_data
from newroles.reports.models import Snapshot

REDACTED = "[Quote removed: the participant withdrew consent.]"


@transaction.atomic
def freeze_briefing(*, actor: Any, title: str, data: Mapping[str, Any] | None = None) -> Snapshot:
    """Freeze the briefing as it stands now (or the given figures) under a title."""
    if not (policy.is_system(actor) or policy.is_curator(actor)):
        raise PermissionDenied("Only the research team freezes the briefing.")
    snapshot = Snapshot(
        kind=Snapshot.BRIEFING,
        title=title.strip(),
        data=dict(data) if data is not None else briefing_data(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return create_row(actor, snapshot, message="Froze the findings briefing")


def _quotes(data: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for theme in data.get("quotes", {}).get("themes", []):
        yield from theme.get("quotes", [])


def quoted_ids(data: Mapping[str, Any]) -> set[Any]:
    return {q.get("id") for q in _quotes(data)}


@transaction.atomic
def redact_withdrawn(*, actor: Any, quote_ids: Iterable[Any], participant_code: str = "") -> list[Snapshot]:
    """Remove the text of the given quotes from every snapshot quoting them, and flag those snapshots.

    The rest of a snapshot stays as it was frozen. Returns the snapshots changed.
    """
    wanted = {str(q) for q in quote_ids}
    changed = []
    for snapshot in Snapshot.objects.select_for_update().order_by("pk"):
        hits = {q for q in quoted_ids(snapshot.data) if str(q) in wanted}
        if not hits:
            continue
        data = copy.deepcopy(snapshot.data)
        for quote in _quotes(data):
            if str(quote.get("id")) in wanted:
                quote["text"] = REDACTED
                quote["attribution"] = ""
                quote["redacted"] = True
        redacted = sorted({*snapshot.redacted_quotes, *hits}, key=str)
        who = f" ({participant_code})" if participant_code else ""
        update_row(
            actor,
            snapshot,
            {"data": data, "redacted_quotes": redacted, "redacted_at": timezone.now()},
            message=f"Redacted quotes after a participant withdrew consent{who}",
        )
        changed.append(snapshot)
    return changed


# Comparing two snapshots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One figure that differs between two snapshots: where it is, and its two values."""

    path: str
    before: Any
    after: Any


SKIP = {"meta", "sections", "title", "kind"}


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every figure of a report, by a readable path (lists of named rows are keyed by their name)."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if not path and key in SKIP:
                continue
            out.update(_leaves(inner, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            name = i
            if isinstance(inner, Mapping):
                name = next((inner[k] for k in ("region", "role", "label", "title", "name", "key") if k in inner), i)
            out.update(_leaves(inner, f"{path}[{name}]"))
    else:
        out[path] = value
    return out


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Difference]:
    """The figures that changed between two reports, added and removed ones included, in path order."""
    a, b = _leaves(before), _leaves(after)
    return [Difference(p, a.get(p), b.get(p)) for p in sorted(a.keys() | b.keys()) if a.get(p) != b.get(p)]
