"""Every change to regions, trusts and teams goes through these functions."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.organisations.models import Region, Team, Trust

DATA_DIR = Path(__file__).resolve().parent / "data"


# Teams ---------------------------------------------------------------------------------------------


def create_team(*, actor: Any, trust: Trust, name: str, service_type: str, **fields: Any) -> Team:
    """Add a team to a trust. Only the trust's editors and managers (or admins) may."""
    return create_row(actor, Team(trust=trust, name=name.strip(), service_type=service_type, **fields))


def update_team(*, actor: Any, team: Team, **changes: Any) -> Team:
    """Change a team. Moving it to a trust the actor may not edit is refused by the policy re-check."""
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return update_row(actor, team, changes)


def delete_team(*, actor: Any, team: Team) -> None:
    delete_row(actor, team)


# Trusts --------------------------------------------------------------------------------------------


CONTACT_FIELDS = Trust.editor_fields


def update_trust_contact(*, actor: Any, trust: Trust, **changes: Any) -> Trust:
    """A trust's managers and editors keep its website and new-roles lead up to date."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact fields: {', '.join(sorted(unknown))}")
    if not policy.can_change_in(actor, trust.pk):
        raise PermissionDenied("Only the trust's editors and managers change its contact details.")
    # The trust register's rule lets its editors change these fields (Trust.editor_fields) and no others.
    return update_row(actor, trust, changes)


def save_trust(*, actor: Any, ods_code: str, message: str = "", **fields: Any) -> tuple[Trust, bool]:
    """Create or update a trust by ODS code (administrators and the reference loader only).

    Returns (trust, created). Unchanged rows write nothing, so loading twice is quiet.
    """
    policy.require_admin(actor, "Only administrators change the trust register.")
    existing = Trust.objects.filter(ods_code=ods_code).first()
    if existing is None:
        return create_row(actor, Trust(ods_code=ods_code, **fields), message=message), True
    return update_row(actor, existing, fields, message=message), False


def save_region(*, actor: Any, code: str, message: str = "", **fields: Any) -> Region:
    policy.require_admin(actor, "Only administrators change regions.")
    existing = Region.objects.filter(code=code).first()
    if existing is None:
        return create_row(actor, Region(code=code, **fields), message=message)
    return update_row(actor, existing, fields, message=message)


# Reference data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustRow:
    ods_code: str
    name: str
    region: str
    active: bool
    status_note: str
    closed_on: date | None
    successor_code: str | None
    in_study_set: bool
    source: str


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# "services to Mersey Care RW4", "merged into North London NHS FT G6V2S", "MH sector ... moved to RW1"
_AFTER_TO = re.compile(r"\b(?:to|into)\b(.*)")
_TOKEN = re.compile(r"\b[A-Z0-9]{3,5}\b")


def parse_trust_row(row: dict[str, str], known_codes: set[str] = frozenset()) -> TrustRow:  # type: ignore[assignment]
    """Read one line of mental_health_trusts.tsv; the `active` column carries status and history.

    A closed trust's successor is the first known ODS code written after "to" or "into" in its note.
    """
    active_text = row["active"].strip()
    active = active_text.lower().startswith("yes")
    note = ""
    if "(" in active_text:
        note = active_text[active_text.index("(") + 1 :].rstrip(")").strip()
    closed_on = None
    successor = None
    if not active:
        found = _DATE.search(note)
        closed_on = date.fromisoformat(found.group(1)) if found else None
        after = _AFTER_TO.search(note)
        codes = [t for t in _TOKEN.findall(after.group(1)) if t in known_codes] if after else []
        successor = codes[0] if codes else None
    return TrustRow(
        ods_code=row["ods_code"].strip(),
        name=row["name"].strip(),
        region=row["region"].strip(),
        active=active,
        status_note=note[:300],
        closed_on=closed_on,
        successor_code=successor,
        in_study_set=row["in_2023_study_set"].strip().lower() == "yes",
        source=row.get("source", "").strip(),
    )


def load_reference(*, actor: Any = policy.SYSTEM) -> dict[str, int]:
    """Load the regions and the trust register from the project's data files. Idempotent.

    Returns counts of rows created and updated.
    """
    counts = {"regions": 0, "trusts_created": 0, "trusts_updated": 0}
    message = "reference data: organisations/data"
    with transaction.atomic():
        with open(DATA_DIR / "regions.tsv", encoding="utf-8") as fh:
            for order, row in enumerate(csv.DictReader(fh, delimiter="\t")):
                save_region(
                    actor=actor,
                    code=row["code"],
                    name=row["name"],
                    short_name=row["short"],
                    sort_order=order,
                    message=message,
                )
                counts["regions"] += 1
        regions = {r.name: r for r in Region.objects.all()}
        with open(DATA_DIR / "mental_health_trusts.tsv", encoding="utf-8") as fh:
            raw = list(csv.DictReader(fh, delimiter="\t"))
        known = {r["ods_code"].strip() for r in raw}
        rows = [parse_trust_row(r, known) for r in raw]
        before = {t.ods_code: t for t in Trust.objects.all()}
        for r in rows:
            trust, created = save_trust(
                actor=actor,
                ods_code=r.ods_code,
                name=r.name,
                region=regions[r.region],
                status=Trust.ACTIVE if r.active else Trust.CLOSED,
                status_note=r.status_note,
                closed_on=r.closed_on,
                in_study_set=r.in_study_set,
                source=r.source,
                message=message,
            )
            if created:
                counts["trusts_created"] += 1
            elif _changed(before[r.ods_code], trust):
                counts["trusts_updated"] += 1
        # Successors point at rows that may appear later in the file, so link them in a second pass.
        by_code = {t.ods_code: t for t in Trust.objects.all()}
        for r in rows:
            trust = by_code[r.ods_code]
            successor = by_code.get(r.successor_code) if r.successor_code else None
            if trust.successor_id != (successor.pk if successor else None):
                update_row(actor, trust, {"successor": successor}, message=message)
    return counts


def _changed(old: Trust, new: Trust) -> bool:
    fields = ("name", "region_id", "status", "status_note", "closed_on", "in_study_set", "source")
    return any(getattr(old, f) != getattr(new, f) for f in fields)
