"""Spreadsheets of a scenario or a comparison of scenarios: metrics with formulas, change kinds, posts.

Every cell goes through ``newroles.lib.exports.safe_cell``, so text cannot run as a formula when opened.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from newroles.lib.exports import XLSX_TYPE, safe_cell
from newroles.skillmix.metrics import TeamMetrics
from newroles.skillmix.presentation import metric_sections, staff_group_table
from newroles.skillmix.results import ChangeKinds, PlannedPost
from newroles.skillmix.typology import KIND_LABELS


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    preamble: list[list[Any]] | None = None


def xlsx_workbook(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet.title)[:31])
        for line in sheet.preamble or []:
            ws.append([safe_cell(v) for v in line])
        if sheet.preamble:
            ws.append([])
        ws.append([safe_cell(h) for h in sheet.headers])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([safe_cell(v) for v in row])
        for index, header in enumerate(sheet.headers, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = min(60, max(12, len(str(header)) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_workbook(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def metrics_sheet(names: Sequence[str], columns: Sequence[TeamMetrics], preamble: list[list[Any]]) -> Sheet:
    """Every metric for each column, the change of each later column from the first, and the formula."""
    headers = ["Section", "Metric", *names]
    headers += [f"Change: {name}" for name in names[1:]]
    headers.append("How it is worked out")
    rows = []
    for section in metric_sections(columns):
        for row in section.rows:
            values = [_plain(c.value) for c in row.cells]
            deltas = [c.delta_text if row.definition.unit == "list" else _plain(c.delta) for c in row.cells[1:]]
            rows.append([section.title, row.label, *values, *deltas, row.formula])
    return Sheet("Metrics", headers, rows, preamble)


def staff_groups_sheet(names: Sequence[str], columns: Sequence[TeamMetrics]) -> Sheet:
    _, rows = staff_group_table(columns)
    headers = ["Staff group"]
    for name in names:
        headers += [f"{name}: WTE in post", f"{name}: vacant WTE"]
    return Sheet("Staff groups", headers, [[_plain(v) for v in row] for row in rows])


def posts_sheet(title: str, posts: Sequence[PlannedPost]) -> Sheet:
    headers = ["Role", "Local title", "Staff group", "Band", "WTE", "Filled", "Registered", "Gives supervision",
               "Supervision needed (hours a week per WTE)", "Competencies", "From"]  # fmt: skip
    rows = [
        [
            p.role.name,
            p.title,
            p.role.staff_group,
            "Medical" if p.medical else p.band,
            float(p.wte),
            p.filled,
            p.registered,
            p.supervises_others,
            float(p.role.supervision_hours_per_wte),
            "; ".join(p.competencies),
            "the team now" if p.change_id is None else "the scenario's change",
        ]
        for p in posts
    ]
    return Sheet(title, headers, rows)


def kinds_sheet(entries: Sequence[tuple[str, ChangeKinds]]) -> Sheet:
    headers = ["Scenario", "Change", "Kinds of skill-mix change", "Reasons", "Facts missing"]
    rows = []
    for scenario_name, entry in entries:
        c = entry.classification
        kinds = ", ".join(KIND_LABELS[k] for k in c.kinds) if c else "None (removes a post)"
        if c is not None and not c.kinds:
            kinds = "No change of kind"
        reasons = " ".join(c.reasons.values()) if c else ""
        missing = ", ".join(c.missing) if c else ""
        rows.append([scenario_name, entry.change.summary(), kinds, reasons, missing])
    return Sheet("Change kinds", headers, rows)
