"""Every change to regions, trusts, teams and the organisations outside the register goes through these
functions, and the reference loader reads the data files (`data/README.md` names their sources)."""

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
from newroles.organisations.models import Organisation, Region, Team, Trust

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


# Organisations outside the register ----------------------------------------------------------------


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Codes in capitals and names without stray spaces, before the model's validators see them."""
    out = dict(fields)
    if "ods_code" in out:
        out["ods_code"] = (out["ods_code"] or "").strip().upper()
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
    return out


def create_organisation(*, actor: Any, message: str = "", **fields: Any) -> Organisation:
    """Add an organisation (an ICB, a local authority, a charity...). Curators only: its change rule."""
    return create_row(actor, Organisation(**_normalised(fields)), message=message)


def update_organisation(*, actor: Any, organisation: Organisation, message: str = "", **changes: Any) -> Organisation:
    return update_row(actor, organisation, _normalised(changes), message=message)


def find_organisation(*, kind: str, name: str, ods_code: str = "") -> Organisation | None:
    """The organisation a row means: by ODS code when it has one, else by kind and name (any case)."""
    code = ods_code.strip().upper()
    if code:
        return Organisation.objects.filter(ods_code=code).first()
    return Organisation.objects.filter(kind=kind, name__iexact=name.strip()).first()


def save_organisation(
    *, actor: Any, kind: str, name: str, ods_code: str = "", message: str = "", **fields: Any
) -> tuple[Organisation, bool]:
    """Create the organisation or update the one `find_organisation` finds. Returns (organisation, created)."""
    existing = find_organisation(kind=kind, name=name, ods_code=ods_code)
    values = {"kind": kind, "name": name, "ods_code": ods_code, **fields}
    if existing is None:
        return create_organisation(actor=actor, message=message, **values), True
    return update_organisation(actor=actor, organisation=existing, message=message, **values), False


def set_trust_icb(*, actor: Any, trust: Trust, icb: Organisation | None, message: str = "") -> Trust:
    """Link a trust to the ICB its headquarters sit in (administrators: the trust register's rule)."""
    return update_row(actor, trust, {"icb": icb}, message=message)


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
    """Load the regions, the trust register and the ICBs with each trust's ICB from the project's data
    files. Idempotent.

    Returns counts of rows created and updated.
    """
    counts = {"regions": 0, "trusts_created": 0, "trusts_updated": 0, "icbs_created": 0, "icbs_updated": 0}
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
        # The ICBs first, so each trust is saved with its ICB in the same change.
        icb_rows, links = read_icb_files(DATA_DIR, trust_codes=known)
        icbs, counts["icbs_created"], counts["icbs_updated"] = _save_icbs(actor, icb_rows, message)
        before = {t.ods_code: t for t in Trust.objects.all()}
        for r in rows:
            # A trust the links file leaves out keeps whatever ICB an administrator gave it.
            icb = {"icb": icbs[links[r.ods_code]]} if r.ods_code in links else {}
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
                **icb,
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
    fields = ("name", "region_id", "status", "status_note", "closed_on", "in_study_set", "source", "icb_id")
    return any(getattr(old, f) != getattr(new, f) for f in fields)


# Integrated care boards ----------------------------------------------------------------------------

ICB_FILE = "integrated_care_boards.tsv"
TRUST_ICB_FILE = "trust_icbs.tsv"
_ODS = re.compile(r"^[A-Z0-9]{3,10}$")


class ReferenceDataError(ValueError):
    """A data file has bad rows; `problems` names each one (file, line, column, reason)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The ICB data files have problems, so nothing was loaded:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class IcbRow:
    ods_code: str
    name: str
    region: Region
    source: str


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_icb_files(data_dir: Path, *, trust_codes: set[str]) -> tuple[list[IcbRow], dict[str, str]]:
    """The ICBs and the trust -> ICB links (trust code -> ICB code) of the data files, every bad row reported
    at once. A link must name one of `trust_codes`.

    Raises ReferenceDataError listing every problem; line numbers count the header as line 1.
    """
    problems: list[str] = []
    regions = {key.lower(): r for r in Region.objects.all() for key in (r.name, r.code)}
    icbs: list[IcbRow] = []
    seen: set[str] = set()
    for line, row in enumerate(_read_tsv(data_dir / ICB_FILE), start=2):
        where = f"{ICB_FILE} line {line}"
        code, name = (row.get("ods_code") or "").strip(), (row.get("name") or "").strip()
        region = regions.get((row.get("region") or "").strip().lower())
        if not _ODS.match(code):
            problems.append(f"{where}, column ods_code: {code!r} is not an ODS code (3 to 10 capitals or digits)")
        elif code in seen:
            problems.append(f"{where}, column ods_code: {code} is listed twice")
        if not name or len(name) > 200:
            problems.append(f"{where}, column name: give the ICB's name (at most 200 characters)")
        if region is None:
            problems.append(f"{where}, column region: {row.get('region')!r} is not an NHS England region")
        seen.add(code)
        if region is not None:
            icbs.append(IcbRow(code, name, region, (row.get("source") or "").strip()))
    links: dict[str, str] = {}
    for line, row in enumerate(_read_tsv(data_dir / TRUST_ICB_FILE), start=2):
        where = f"{TRUST_ICB_FILE} line {line}"
        trust, icb = (row.get("trust_ods_code") or "").strip(), (row.get("icb_ods_code") or "").strip()
        if trust not in trust_codes:
            problems.append(f"{where}, column trust_ods_code: {trust!r} is not a trust in the register")
        elif trust in links:
            problems.append(f"{where}, column trust_ods_code: {trust} is listed twice")
        if icb not in seen:
            problems.append(f"{where}, column icb_ods_code: {icb!r} is not an ICB in {ICB_FILE}")
        links.setdefault(trust, icb)
    if problems:
        raise ReferenceDataError(problems)
    return icbs, links


def _save_icbs(actor: Any, rows: list[IcbRow], message: str) -> tuple[dict[str, Organisation], int, int]:
    """Create or update the ICBs (matched on ODS code). Returns them by code, and how many were created
    and updated."""
    existing = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=[r.ods_code for r in rows])}
    by_code: dict[str, Organisation] = {}
    created = updated = 0
    for r in rows:
        values = {"kind": Organisation.ICB, "name": r.name, "region": r.region, "source": r.source}
        old = existing.get(r.ods_code)
        if old is None:
            by_code[r.ods_code] = create_organisation(actor=actor, ods_code=r.ods_code, message=message, **values)
            created += 1
            continue
        if (old.kind, old.name, old.region_id, old.source) != (Organisation.ICB, r.name, r.region.pk, r.source):
            update_organisation(actor=actor, organisation=old, message=message, **values)
            updated += 1
        by_code[r.ods_code] = old
    return by_code, created, updated


def load_icbs(*, actor: Any = policy.SYSTEM, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load the ICB files on their own, against the trusts already in the register: the ICBs, then each
    listed trust's ICB. `load_reference` does the same as it loads the trusts.

    Idempotent: unchanged rows write nothing. The files are read and checked whole before anything is
    written, so one bad row loads nothing.
    """
    rows, links = read_icb_files(data_dir, trust_codes=set(Trust.objects.values_list("ods_code", flat=True)))
    message = "reference data: organisations/data"
    with transaction.atomic():
        icbs, created, updated = _save_icbs(actor, rows, message)
        counts = {"icbs_created": created, "icbs_updated": updated, "trust_icbs_set": 0}
        for trust in Trust.objects.filter(ods_code__in=links):
            icb = icbs[links[trust.ods_code]]
            if trust.icb_id != icb.pk:
                set_trust_icb(actor=actor, trust=trust, icb=icb, message=message)
                counts["trust_icbs_set"] += 1
    return counts
