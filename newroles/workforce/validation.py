"""Checking an extract before it is imported: its month's figures beside the trust's previous month
(staff, WTE, staff groups), with a warning where they changed by more than a lead would expect (a third
of the staff missing is usually a partial extract), and a question before an extract older than the
newest imported month, or one for a month already imported, replaces anything.

Reads the file's title, WTE and staff group columns only (never a personal column), writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db.models import Sum

from newroles.organisations.models import Trust
from newroles.workforce import pipeline as p
from newroles.workforce.counts import latest_month, previous_month
from newroles.workforce.extract import open_extract, read_columns
from newroles.workforce.models import ExtractImport, StaffCount, month_label

# A change in staff or WTE of this share of the previous month or more is flagged.
CHANGE_THRESHOLD = 1 / 3
# A staff group is compared only when it had at least this many staff: small groups swing by nature.
GROUP_MINIMUM = 10


@dataclass
class Figures:
    """A month's totals: staff (rows), WTE (readable values only) and staff by staff group."""

    headcount: int = 0
    wte: float = 0.0
    groups: dict[str, int] = field(default_factory=dict)


@dataclass
class Check:
    """The extract's figures beside the previous month's, and what a lead should confirm before importing."""

    month: dt.date
    figures: Figures
    previous_month: dt.date | None = None
    previous: Figures | None = None
    warnings: list[str] = field(default_factory=list)
    rows: list[tuple[str, float, float | None]] = field(default_factory=list)  # (what, now, before)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings)


def extract_figures(path: Path, filename: str, mapping: dict[str, str]) -> Figures:
    """Totals of an uploaded extract from its mapped title, WTE and staff group columns."""
    columns = {name: mapping[name] for name in (p.TITLE, p.WTE, p.STAFF_GROUP) if mapping.get(name)}
    extract = open_extract(path, filename, sample=False)
    try:
        frame = read_columns(extract, columns)
    finally:
        extract.cleanup()
    out = Figures(headcount=frame.height)
    if p.WTE in frame.columns:
        values = {v: p.parse_wte(v) for v in frame[p.WTE].unique().to_list()}
        wte = frame[p.WTE].replace_strict(values, return_dtype=pl.Float64)
        out.wte = float(wte.filter((wte > 0) & (wte <= p.WTE_MAX)).sum() or 0)
    if p.STAFF_GROUP in frame.columns:
        groups = frame.group_by(pl.col(p.STAFF_GROUP).fill_null("").str.strip_chars()).len()
        out.groups = {str(g): int(n) for g, n in groups.iter_rows()}
    return out


def month_figures(trust: Trust, month: dt.date) -> Figures:
    """The same totals for a month already imported, from its counts."""
    counts = StaffCount.objects.filter(trust=trust, month=month, extract__is_current=True)
    totals = counts.aggregate(staff=Sum("headcount"), wte=Sum("wte"))
    groups = {
        g or "": int(n)
        for g, n in counts.values_list("staff_group")
        .annotate(n=Sum("headcount"))
        .order_by()
        .values_list("staff_group", "n")
    }
    return Figures(headcount=int(totals["staff"] or 0), wte=float(totals["wte"] or 0), groups=groups)


def _changed(now: float, before: float) -> bool:
    return before > 0 and abs(now - before) >= CHANGE_THRESHOLD * before


def check_extract(trust: Trust, month: dt.date, figures: Figures) -> Check:
    """Compare an extract's figures with the trust's previous imported month and say what to confirm."""
    check = Check(month=month, figures=figures)
    newest = latest_month(trust)
    if newest is not None and month < newest:
        check.warnings.append(
            f"This extract is for {month_label(month)}, older than the newest month imported ({month_label(newest)}). "
            "The newest month stays as it is; check the month is right before importing."
        )
    if ExtractImport.objects.filter(trust=trust, month=month, is_current=True).exists():
        check.warnings.append(f"{month_label(month)} is already imported: importing this extract replaces it.")
    before_month = previous_month([trust.pk], month)
    if before_month is None:
        return check
    before = month_figures(trust, before_month)
    check.previous_month, check.previous = before_month, before
    since = month_label(before_month)
    check.rows = [("Staff", figures.headcount, before.headcount), ("WTE", round(figures.wte, 2), round(before.wte, 2))]
    if _changed(figures.headcount, before.headcount):
        fewer = figures.headcount < before.headcount
        check.warnings.append(
            f"{abs(figures.headcount - before.headcount):,} {'fewer' if fewer else 'more'} staff than {since} "
            f"({figures.headcount:,} against {before.headcount:,})."
            + (" A third or more missing usually means a partial extract." if fewer else "")
        )
    elif _changed(figures.wte, before.wte):
        check.warnings.append(
            f"WTE changed by a third or more since {since} ({figures.wte:,.2f} against {before.wte:,.2f})."
        )
    for group in sorted(set(before.groups) | set(figures.groups)):
        now, then = figures.groups.get(group, 0), before.groups.get(group, 0)
        check.rows.append((f"Staff group: {group or '(none)'}", now, then))
        if then >= GROUP_MINIMUM and _changed(now, then):
            check.warnings.append(f"{group or 'Staff with no staff group'}: {now:,} staff against {then:,} in {since}.")
    return check
