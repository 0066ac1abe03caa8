"""A trust's funding timeline: a bar per funding line from its start to its end, a rule for today, and the
table that carries the same dates (the chart is a picture; the table is the alternative)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newroles.funding.models import RECURRENT, FundingLine
from newroles.funding.warnings import FundingWarning
from newroles.lib import charts
from newroles.roles.leadtime import add_months

TYPE_LABELS = {RECURRENT: "Recurrent", "time_limited": "Time-limited"}
SERIES = ["Recurrent", "Time-limited"]
# Blue and yellow stay apart for every common kind of colour blindness; the bars' dark outline gives the
# yellow its contrast against the white page.
COLOURS = [charts.NHS_BLUE, charts.NHS_WARM_YELLOW]
# Recurrent funding has no end: its bar runs to the chart's horizon, this far past today at least.
HORIZON_MONTHS = 24


@dataclass(frozen=True)
class TimelineRow:
    """One line as the table beside the chart lists it."""

    line: FundingLine
    label: str
    ends_text: str
    warnings: list[FundingWarning]


def _unique(labels: Sequence[str]) -> list[str]:
    """Chart rows are keyed by their label: two lines of the same name get (2), (3)..."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def funding_timeline(
    lines: Sequence[FundingLine], warnings: dict[int, list[FundingWarning]], *, today: dt.date, trust_name: str
) -> dict[str, Any]:
    """The chart's SVG and the rows of its table, for the lines in date order within each role."""
    lines = sorted(lines, key=lambda line: (line.deployment.local_title.casefold(), line.start_date, line.pk))
    if not lines:
        return {"svg": None, "rows": []}
    latest_end = max((line.end_date for line in lines if line.end_date), default=today)
    horizon = max(add_months(today, HORIZON_MONTHS), add_months(latest_end, 6))
    labels = _unique([f"{line.deployment.local_title}: {line.label}" for line in lines])
    # In the chart the role goes above the line's name, on a line of its own, so neither is cut short.
    chart_labels = _unique([f"{line.deployment.local_title}\n{line.label}" for line in lines])
    by_line: dict[int | None, list[FundingWarning]] = {}
    for found in warnings.values():
        for warning in found:
            by_line.setdefault(warning.line_id, []).append(warning)
    data = [
        {
            "line": chart_label,
            "start": line.start_date.isoformat(),
            "end": (line.end_date or horizon).isoformat(),
            "type": TYPE_LABELS[line.funding_type],
        }
        for line, chart_label in zip(lines, chart_labels, strict=True)
    ]
    svg = charts.gantt_chart(
        data, category="line", start="start", end="end", series="type", series_order=SERIES, colours=COLOURS,
        today=today.isoformat(), date_title="", series_title="Funding",
        label=f"Timeline of {trust_name}'s funding lines, from when each starts to when it ends, with today marked",
    )  # fmt: skip
    rows = [
        TimelineRow(
            line=line,
            label=label,
            ends_text=_ends_text(line),
            warnings=by_line.get(line.pk, []),
        )
        for line, label in zip(lines, labels, strict=True)
    ]
    return {"svg": svg, "rows": rows}


def _ends_text(line: FundingLine) -> str:
    if line.end_date is None:
        return "Recurrent: no end date"
    return f"{line.end_date.day} {line.end_date:%B %Y}"
