"""The staff-record extract as a kind of import: its fields and the ESR header spellings that map themselves.

It reuses the import flow's column mapping (`ImportField` matching, `engine.suggest_mapping`,
`engine.mapping_problems` and `MappingForm`) but not its row-by-row commit: an extract is read with
polars and reduced to aggregates (`services.run_import`). So the kind is not registered with the
general import list; the workforce pages run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.imports.registry import ImportField, ImportKind
from newroles.workforce import pipeline as p
from newroles.workforce.extract import is_assignment_header, looks_personal

FIELDS = [
    ImportField(
        p.TITLE, "Position title", True,
        "The post's title as the trust writes it, e.g. 'Peer Support Worker - Maple Ward'.",
        ("Position Title", "Position Name", "Position", "Job Title", "Post Title", "Post"),
    ),
    ImportField(
        p.JOB_ROLE, "Job role", False, "The ESR job role, e.g. 'Staff Nurse'.",
        ("Job Role", "ESR Job Role", "NWD Job Role", "Job Role Name"),
    ),
    ImportField(
        p.OCCUPATION_CODE, "Occupation code", False, "The NHS occupation code, e.g. 'NGD'.",
        ("Occupation Code", "Occ Code", "Occupation", "NHS Occupation Code"),
    ),
    ImportField(
        p.STAFF_GROUP, "Staff group", False, "The ESR staff group, e.g. 'Additional Clinical Services'.",
        ("Staff Group", "NWD Staff Group", "Staff Group Name"),
    ),
    ImportField(
        p.BAND, "Grade or pay band", False, "The Agenda for Change band or grade, e.g. 'Band 4' or '8a'.",
        ("Grade", "Pay Band", "Band", "AfC Band", "Grade Code", "Pay Scale", "Payscale", "Band/Grade", "Grade/Band"),
    ),
    ImportField(
        p.WTE, "Contracted WTE", False, "Whole-time equivalent of the assignment, e.g. 1.0 or 0.6.",
        ("Contracted WTE", "FTE", "WTE", "Contracted FTE", "Assignment FTE", "Assignment WTE"),
    ),
    ImportField(
        p.ORG_UNIT, "Organisation unit or team", False, "The team or organisation unit, e.g. '349 Maple Ward'.",
        ("Organisation", "Organisation Name", "Org Unit", "Organisation Unit", "Team", "Department", "Ward"),
    ),
    ImportField(
        p.COST_CENTRE, "Cost centre", False, "Used as the organisation unit when the file has no organisation.",
        ("Cost Centre", "Cost Center", "Cost Centre Code"),
    ),
    ImportField(
        p.AREA_OF_WORK, "Area of work", False, "The ESR area of work, e.g. 'Mental Health'.",
        ("Area of Work", "AoW"),
    ),
    ImportField(
        p.ASSIGNMENT, "Assignment number", False,
        "Only to count duplicated assignments: each is hashed as it is read and never stored.",
        ("Assignment Number", "Assignment No", "Assignment"),
    ),
]  # fmt: skip

# A national extract's column naming each row's trust (command line only).
TRUST_CODE_FIELD = ImportField(
    p.TRUST_CODE, "Trust ODS code", False, "A national extract's trust code per row (command line only).",
    ("Org Code", "Organisation Code", "ODS Code", "Trust Code", "Employing Organisation Code"),
)  # fmt: skip


class ExtractKind(ImportKind):
    """A trust's staff-in-post extract (ESR)."""

    key = "workforce_extract"
    title = "Staff-record extract"
    description = (
        "A staff-in-post extract from ESR, as CSV or Excel. Only the columns below are read; columns that look "
        "like personal data are never read."
    )
    trust_scoped = True
    fields = FIELDS

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return trust is not None and policy.can_change_in(user, trust.pk)

    def import_row(self, values: dict[str, str], ctx: Any) -> str:  # pragma: no cover - never row by row
        raise NotImplementedError("Extracts are aggregated with polars, not imported row by row.")


class NationalExtractKind(ExtractKind):
    """The same, with a column naming each row's trust (a national extract, from the command line)."""

    key = "workforce_extract_national"
    fields = [TRUST_CODE_FIELD, *FIELDS]


EXTRACT = ExtractKind()
NATIONAL_EXTRACT = NationalExtractKind()


def personal_mapping_problems(
    kind: ImportKind, mapping: dict[str, str], personal: Mapping[str, str] | None = None
) -> list[str]:
    """A personal-data column may be chosen only as the assignment number (hashed at once, never kept).

    `personal` holds the columns found personal by their values (column -> what the values look like):
    they may not be chosen at all, whatever their header says."""
    problems = []
    reasons = personal or {}
    for name, header in mapping.items():
        if header and header in reasons:
            problems.append(
                f"Column '{header}' holds personal data (its values look like {reasons[header]}), so it is never "
                f"read: it cannot be the {kind.field(name).label.lower()}."
            )
            continue
        if not header or name == p.ASSIGNMENT:
            continue
        if looks_personal(header):
            problems.append(
                f"Column '{header}' looks like personal data, so it is never read: it cannot be the "
                f"{kind.field(name).label.lower()}."
            )
    header = mapping.get(p.ASSIGNMENT)
    if header and looks_personal(header) and not is_assignment_header(header):
        problems.append(
            f"Column '{header}' is not an assignment number: only an assignment number column is read, to count "
            "duplicated assignments."
        )
    return problems
