"""Turn team metrics into labelled rows, each with its formula in plain words, for pages and spreadsheets.

One list of metric definitions (``metric_definitions``) serves the composition page (one column), a
scenario's before and after (two columns) and the comparison of scenarios (up to four columns), so every
place shows the same metrics with the same explanation. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newroles.skillmix.metrics import SHANNON_EXPLANATION, TeamMetrics

POINT_WORDS = {"top": "top", "mid": "midpoint", "bottom": "entry point"}


@dataclass(frozen=True)
class MetricDefinition:
    """One metric: where it is in ``TeamMetrics.as_dict()``, its label, unit and formula."""

    section: str
    path: tuple[str, ...]
    label: str
    unit: str  # count, wte, share, index, ratio, hours, money or list
    formula: str


@dataclass
class Cell:
    """One metric's value for one column, and its change from the first column (None in the first)."""

    value: Any
    text: str
    delta: Any = None
    delta_text: str = ""


@dataclass
class Row:
    definition: MetricDefinition
    cells: list[Cell]

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def formula(self) -> str:
        return self.definition.formula

    @property
    def key(self) -> str:
        return ".".join(self.definition.path)

    @property
    def changed(self) -> bool:
        return any(c.delta_text for c in self.cells[1:])


@dataclass
class Section:
    title: str
    rows: list[Row]
    note: str = ""
    slug: str = field(default="")


def metric_definitions(assumptions: Mapping[str, Any], required_count: int) -> list[MetricDefinition]:
    """Every metric shown, with formulas filled in from the composition's assumptions."""
    hours = _number(assumptions.get("supervisor_hours_per_wte", 0), 2)
    on_cost = _number(float(assumptions.get("on_cost", 0)) * 100, 2)
    point = POINT_WORDS.get(str(assumptions.get("pay_point", "top")), "top")
    year = assumptions.get("pay_year", "")
    salary = assumptions.get("medical_salary")
    medical = (
        f"doctors at £{float(salary):,.0f} a year for 1.0 WTE (the medical pay given)"
        if isinstance(salary, int | float)
        else "doctors left out unless a medical pay figure is given"
    )
    d = MetricDefinition
    staff, comp, senior, sup, cost = "Staff mix", "Competencies", "Seniority", "Supervision", "Cost"
    return [
        d(staff, ("staff_mix", "headcount"), "Staff in post", "count",
          "Number of filled posts; each post is one person."),
        d(staff, ("staff_mix", "vacancies"), "Vacant posts", "count", "Number of posts with no one in them."),
        d(staff, ("staff_mix", "wte_filled"), "WTE in post", "wte",
          "Sum of the whole-time equivalent (WTE) of filled posts; 1.0 WTE is 37.5 hours a week."),
        d(staff, ("staff_mix", "wte_vacant"), "Vacant WTE", "wte", "Sum of the WTE of vacant posts."),
        d(staff, ("staff_mix", "wte_establishment"), "Establishment WTE", "wte", "WTE in post + vacant WTE."),
        d(staff, ("staff_mix", "registered_share"), "Registered share of WTE", "share",
          "WTE in post of staff on a statutory professional register ÷ WTE in post."),
        d(staff, ("staff_mix", "staff_groups_present"), "Staff groups", "count",
          "Staff groups (NHS Workforce Statistics groups, from the role catalogue) with WTE in post."),
        d(staff, ("staff_mix", "shannon"), "Diversity index (Shannon H)", "index",
          "H = −Σ p × ln(p), where p is each staff group's share of the WTE in post. 0 when everyone is in one "
          "group; at most ln(k) for k groups."),
        d(staff, ("staff_mix", "shannon_max"), "Highest possible H for these groups", "index",
          "ln(k), where k is the number of staff groups with WTE in post."),
        d(staff, ("staff_mix", "evenness"), "Evenness", "index",
          "H ÷ ln(k): 1 when the groups share the WTE equally, near 0 when one group dominates. Not shown for "
          "fewer than two groups."),
        d(comp, ("competencies", "coverage"), "Coverage of required competencies", "share",
          f"Required competencies held by at least one person in post ÷ required competencies ({required_count} "
          "required)."),
        d(comp, ("competencies", "missing"), "Required competencies no one in post holds", "list",
          "The required competencies that no filled post holds (a vacancy holds none)."),
        d(comp, ("competencies", "single_points_of_failure"), "Competencies held by one person only", "list",
          "Competencies, required or not, held by exactly one person in post: if that person leaves, the "
          "competency goes with them."),
        d(senior, ("seniority", "senior_wte"), "Senior WTE", "wte",
          "WTE in post at band 7 and above, and every medical post."),
        d(senior, ("seniority", "junior_wte"), "Junior WTE", "wte", "WTE in post at bands 2 to 5."),
        d(senior, ("seniority", "neither_wte"), "WTE neither senior nor junior", "wte",
          "WTE in post at band 6 or band 1, which count as neither, so the totals add up."),
        d(senior, ("seniority", "senior_to_junior"), "Senior-to-junior ratio", "ratio",
          "Senior WTE ÷ junior WTE. Above 1, more senior than junior WTE; not shown when there is no junior WTE."),
        d(sup, ("supervision", "hours_needed"), "Supervision needed", "hours",
          "Σ over filled posts of the role's supervision need (hours a week per 1.0 WTE, from the role "
          "catalogue) × the post's WTE."),
        d(sup, ("supervision", "hours_available"), "Supervision available", "hours",
          f"WTE in post of staff who give supervision × {hours} hours a week each (the composition's setting)."),
        d(sup, ("supervision", "shortfall_hours"), "Supervision shortfall", "hours",
          "Needed − available when more is needed than is available; otherwise 0."),
        d(cost, ("cost", "total_filled"), "Annual cost of staff in post", "money",
          f"Σ over filled posts of basic pay at the {point} of the band ({year} Agenda for Change; {medical}) × "
          f"WTE × (1 + {on_cost}% employer on-costs)."),
        d(cost, ("cost", "on_costs_filled"), "of which employer on-costs", "money",
          f"Basic pay of staff in post × {on_cost}%."),
        d(cost, ("cost", "total_vacant"), "Annual cost of vacancies, if filled", "money",
          "The same sum over vacant posts: what they would cost once recruited."),
        d(cost, ("cost", "total_establishment"), "Annual cost of the whole establishment", "money",
          "Cost of staff in post + cost of vacancies if filled."),
    ]  # fmt: skip


def _number(value: Any, digits: int) -> str:
    text = f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_at(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def format_value(value: Any, unit: str) -> str:
    """A metric value in words and figures ('Not applicable' where a ratio has no denominator)."""
    if unit == "list":
        return ", ".join(value) if value else "None"
    if value is None:
        return "Not applicable"
    if unit == "count":
        return f"{int(value):,}"
    if unit == "wte":
        return f"{value:,.2f}"
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit in ("index", "ratio"):
        return f"{value:.2f}"
    if unit == "hours":
        return f"{value:.1f} hours a week"
    if unit == "money":
        return f"£{value:,.0f}"
    return str(value)


def _signed(delta: float, text: str) -> str:
    return ("+" if delta > 0 else "−") + text


def format_delta(before: Any, after: Any, unit: str) -> tuple[Any, str]:
    """The change from ``before`` to ``after`` and how to say it; empty text when nothing changed."""
    if unit == "list":
        old, new = list(before or []), list(after or [])
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        parts = []
        if added:
            parts.append("now also " + ", ".join(added))
        if removed:
            parts.append("no longer " + ", ".join(removed))
        return {"added": added, "removed": removed}, "; ".join(parts)
    if before is None or after is None:
        return None, "" if before is None and after is None else "changed"
    delta = round(after - before, 9)
    if abs(delta) < 1e-9:
        return 0, ""
    size = abs(delta)
    if unit == "count":
        return delta, _signed(delta, f"{int(size):,}")
    if unit == "wte":
        return delta, _signed(delta, f"{size:,.2f}")
    if unit == "share":
        points = size * 100
        return delta, _signed(delta, f"{points:.0f} percentage point{'s' if round(points) != 1 else ''}")
    if unit in ("index", "ratio"):
        return delta, _signed(delta, f"{size:.2f}")
    if unit == "hours":
        return delta, _signed(delta, f"{size:.1f} hours")
    if unit == "money":
        return delta, _signed(delta, f"£{size:,.0f}")
    return delta, _signed(delta, str(size))


def metric_sections(columns: Sequence[TeamMetrics]) -> list[Section]:
    """The metrics of one or more teams as sections of rows; each later column's change is from the first."""
    if not columns:
        return []
    data = [c.as_dict() for c in columns]
    first = columns[0]
    definitions = metric_definitions(first.assumptions, len(first.competencies.required))
    sections: dict[str, Section] = {}
    for definition in definitions:
        cells = []
        for index, metrics in enumerate(data):
            value = value_at(metrics, definition.path)
            cell = Cell(value=value, text=format_value(value, definition.unit))
            if index > 0:
                cell.delta, cell.delta_text = format_delta(value_at(data[0], definition.path), value, definition.unit)
            cells.append(cell)
        section = sections.setdefault(
            definition.section, Section(definition.section, [], slug=definition.section.lower().replace(" ", "-"))
        )
        section.rows.append(Row(definition, cells))
    sections["Staff mix"].note = SHANNON_EXPLANATION
    return list(sections.values())


def staff_group_table(columns: Sequence[TeamMetrics]) -> tuple[list[str], list[list[Any]]]:
    """WTE in post and vacant WTE by staff group for each column: (group names, rows of [in post, vacant]...)."""
    groups = sorted({g for c in columns for g in c.staff_mix.by_staff_group})
    rows = []
    for group in groups:
        row: list[Any] = [group]
        for c in columns:
            count = c.staff_mix.by_staff_group.get(group)
            row += [count.wte_filled if count else 0.0, count.wte_vacant if count else 0.0]
        rows.append(row)
    return groups, rows
