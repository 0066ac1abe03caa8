"""Trends in the staff record: staff and WTE by role and band month by month, for a trust or many.

Every figure is worked out from the stored aggregates (`StaffCount`, `ExtractTitle`) of each trust's
current import, so a trend says how many staff the record counted under a role each month; the month to
month difference is a *net change* of those counts and says nothing about who joined or left (the record
keeps no people). Each month counts the trusts that sent it; a net change compares only the trusts that
sent both months, so a trust sending its first extract is not read as growth.

`load` reads the aggregates into a `Trends`; `present` turns it into what one reader may see, with every
count shown outside its trust passed through `accounts.disclosure` (a trust's small count, complementary
suppression of totals over trusts, and secondary suppression down each month's column, whose total can
be worked out from the national list of each trust's staff).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q, Sum

from newroles.accounts import disclosure
from newroles.lib.bands import AFC_BANDS
from newroles.roles.models import Role
from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount
from newroles.workforce.month import REVIEW_CONFIDENCE

# The most recent months a trend shows: two years of monthly extracts.
TREND_MONTHS = 24
ALL_BANDS = ""
NO_BAND = "(no band)"

RoleKey = int | None  # a role's id, or None for staff on titles matched to no role


@dataclass
class Cell:
    """One figure (a role, or a role's band, in one month), kept trust by trust so a total can be protected."""

    headcount: dict[int, int] = field(default_factory=dict)
    wte: dict[int, Decimal] = field(default_factory=dict)

    def add(self, trust_id: int, headcount: int, wte: Decimal) -> None:
        self.headcount[trust_id] = self.headcount.get(trust_id, 0) + headcount
        self.wte[trust_id] = self.wte.get(trust_id, Decimal(0)) + wte

    @property
    def total(self) -> int:
        return sum(self.headcount.values())

    @property
    def total_wte(self) -> Decimal:
        return sum(self.wte.values(), Decimal(0))

    def only(self, trust_ids: Iterable[int]) -> Cell:
        keep = set(trust_ids)
        return Cell(
            {t: n for t, n in self.headcount.items() if t in keep}, {t: w for t, w in self.wte.items() if t in keep}
        )


@dataclass(frozen=True)
class Row:
    """One aggregate as read from the database (or built by hand in a test)."""

    trust_id: int
    month: dt.date
    role_id: RoleKey
    band: str
    headcount: int
    wte: Decimal


@dataclass(frozen=True)
class Unresolved:
    """A trust's month: its staff, and those on titles matched to no role or to a guessed role under review."""

    trust_id: int
    month: dt.date
    staff: int
    unmatched: int
    review: int


@dataclass
class Trends:
    """The aggregates of some trusts over some months, ready to be shown."""

    months: list[dt.date]  # oldest first
    sent: dict[dt.date, set[int]]  # each month's trusts
    roles: set[RoleKey] = field(default_factory=set)  # every role (or None) with a cell
    by_role: dict[tuple[RoleKey, dt.date], Cell] = field(default_factory=dict)
    by_band: dict[tuple[RoleKey, str, dt.date], Cell] = field(default_factory=dict)
    unresolved: dict[dt.date, dict[int, Unresolved]] = field(default_factory=dict)
    first_month: dict[RoleKey, dict[int, dt.date]] = field(default_factory=dict)  # role -> trust -> first month

    def compared(self, month: dt.date) -> tuple[dt.date | None, set[int]]:
        """The month before `month` in the trend, and the trusts that sent both."""
        i = self.months.index(month)
        if i == 0:
            return None, set()
        previous = self.months[i - 1]
        return previous, self.sent[month] & self.sent[previous]


def build(
    rows: Iterable[Row],
    sent: dict[dt.date, set[int]],
    unresolved: Iterable[Unresolved] = (),
    *,
    first_month: dict[RoleKey, dict[int, dt.date]] | None = None,
) -> Trends:
    """Trends from aggregate rows and which trusts sent each month (pure: the tests build these by hand)."""
    months = sorted(sent)[-TREND_MONTHS:]
    trends = Trends(months=months, sent={m: set(sent[m]) for m in months})
    keep = set(months)
    for r in rows:
        if r.month not in keep or r.trust_id not in trends.sent[r.month]:
            continue
        trends.roles.add(r.role_id)
        trends.by_role.setdefault((r.role_id, r.month), Cell()).add(r.trust_id, r.headcount, r.wte)
        band = r.band or NO_BAND
        trends.by_band.setdefault((r.role_id, band, r.month), Cell()).add(r.trust_id, r.headcount, r.wte)
    for u in unresolved:
        if u.month in keep:
            trends.unresolved.setdefault(u.month, {})[u.trust_id] = u
    trends.first_month = first_month or {}
    return trends


def load(trust_ids: Sequence[int]) -> Trends:
    """The trusts' trends from their current imports: each (trust, month, role, band) summed."""
    sent: dict[dt.date, set[int]] = defaultdict(set)
    for month, trust_id in ExtractImport.objects.filter(trust_id__in=trust_ids, is_current=True).values_list(
        "month", "trust_id"
    ):
        sent[month].add(trust_id)
    months = sorted(sent)[-TREND_MONTHS:]
    current = {"trust_id__in": trust_ids, "month__in": months, "extract__is_current": True}
    rows = (
        Row(r["trust"], r["month"], r["role"], r["band"], r["staff"] or 0, r["wte_sum"] or Decimal(0))
        for r in StaffCount.objects.filter(**current)
        .values("trust", "month", "role", "band")
        .annotate(staff=Sum("headcount"), wte_sum=Sum("wte"))
        .order_by()
    )
    guess = Q(role__isnull=False, review=True, confidence__lt=REVIEW_CONFIDENCE)
    unresolved = (
        Unresolved(u["trust"], u["month"], u["staff"] or 0, u["unmatched"] or 0, u["review"] or 0)
        for u in ExtractTitle.objects.filter(**current)
        .values("trust", "month")
        .annotate(
            staff=Sum("headcount"),
            unmatched=Sum("headcount", filter=Q(role__isnull=True)),
            review=Sum("headcount", filter=guess),
        )
        .order_by()
    )
    return build(rows, {m: sent[m] for m in months}, unresolved, first_month=first_months(trust_ids))


def first_months(trust_ids: Sequence[int]) -> dict[RoleKey, dict[int, dt.date]]:
    """Each role's first month in each trust's staff record (all months, not only the trend's)."""
    out: dict[RoleKey, dict[int, dt.date]] = defaultdict(dict)
    for r in (
        StaffCount.objects.filter(trust_id__in=trust_ids, extract__is_current=True, role__isnull=False, headcount__gt=0)
        .values("role", "trust")
        .annotate(first=Min("month"))
        .order_by()
    ):
        out[r["role"]][r["trust"]] = r["first"]
    return dict(out)


# What one reader sees ---------------------------------------------------------------------------------


@dataclass
class Figure:
    """A figure as the reader may see it: the values, or `disclosure.SUPPRESSED`."""

    headcount: Any
    wte: Any
    change: Any = None  # net change in headcount since the previous month (None: no previous month)
    change_wte: Any = None

    @property
    def hidden(self) -> bool:
        return self.headcount == disclosure.SUPPRESSED


@dataclass
class Series:
    """One role (or one role's band) month by month."""

    role: Role | None
    band: str
    figures: list[Figure | None]  # one per month; None where no trust counted anyone

    @property
    def name(self) -> str:
        name = self.role.name if self.role else "Titles not matched to a role"
        return f"{name}, band {self.band}" if self.band and self.band != NO_BAND else name


@dataclass
class Shown:
    """The trends as one reader may see them."""

    months: list[dt.date]
    roles: list[Series]
    bands: list[Series]
    unresolved: list[dict[str, Any]]


def _figure(cell: Cell | None, hidden: bool) -> Figure | None:
    if cell is None:
        return None
    if hidden:
        return Figure(disclosure.SUPPRESSED, disclosure.SUPPRESSED)
    return Figure(cell.total, cell.total_wte.quantize(Decimal("0.01")))


def _series(
    user: Any, trends: Trends, keys: list[tuple[RoleKey, str]], cell_of: Any, roles: dict[int, Role]
) -> list[Series]:
    """Each key's figures month by month; hidden cells chosen month by month down the column."""
    hidden_by_month: dict[dt.date, list[bool]] = {}
    for month in trends.months:
        cells = [cell_of(key, month) or Cell() for key in keys]
        hidden_by_month[month] = disclosure.protect_column(user, [c.headcount for c in cells])
    out = []
    for i, key in enumerate(keys):
        figures: list[Figure | None] = []
        for month in trends.months:
            cell = cell_of(key, month)
            figure = _figure(cell, hidden_by_month[month][i])
            if figure is not None:
                _net_change(user, trends, key, month, figure, cell_of, hidden_by_month, i)
            figures.append(figure)
        out.append(Series(roles.get(key[0]) if key[0] else None, key[1], figures))
    return out


def _net_change(
    user: Any,
    trends: Trends,
    key: tuple[RoleKey, str],
    month: dt.date,
    figure: Figure,
    cell_of: Any,
    hidden_by_month: dict[dt.date, list[bool]],
    i: int,
) -> None:
    """The net change since the previous month over the trusts that sent both, hidden with either figure.

    With this month's figure and the change, a reader could work out the compared trusts' previous count,
    and from the figure the trusts not compared: so the change is shown only when none of those would be
    hidden (the same rule as the data-quality report's change).
    """
    previous, compared = trends.compared(month)
    if previous is None or not compared:
        return
    now = (cell_of(key, month) or Cell()).only(compared)
    before = (cell_of(key, previous) or Cell()).only(compared)
    others = (cell_of(key, month) or Cell()).only(trends.sent[month] - compared)
    hide = (
        figure.hidden
        or hidden_by_month[previous][i]
        or any(disclosure.total_hidden(user, c.headcount) for c in (now, before, others))
    )
    if hide:
        figure.change = figure.change_wte = disclosure.SUPPRESSED
    else:
        figure.change = now.total - before.total
        figure.change_wte = (now.total_wte - before.total_wte).quantize(Decimal("0.01"))


def _role_order(trends: Trends, roles: dict[int, Role]) -> list[RoleKey]:
    """Roles with most staff in the latest month first; unmatched titles last."""
    last = trends.months[-1] if trends.months else None

    def staff(key: RoleKey) -> int:
        cell = trends.by_role.get((key, last)) if last else None
        return cell.total if cell else 0

    keys = [k for k in trends.roles if k is None or k in roles]
    return sorted(keys, key=lambda k: (k is None, -staff(k), roles[k].name if k else ""))


def present(user: Any, trends: Trends) -> Shown:
    """What `user` may see of the trends."""
    roles = Role.objects.in_bulk([k for k in trends.roles if k])
    order = _role_order(trends, roles)
    role_series = _series(user, trends, [(k, ALL_BANDS) for k in order], lambda k, m: trends.by_role.get((k[0], m)),
                          roles)  # fmt: skip
    band_keys = sorted({(k, b) for k, b, _ in trends.by_band}, key=lambda kb: (order.index(kb[0]), _band_rank(kb[1])))
    band_series = _series(user, trends, band_keys, lambda k, m: trends.by_band.get((k[0], k[1], m)), roles)
    return Shown(
        months=trends.months,
        roles=role_series,
        bands=band_series,
        unresolved=_unresolved(user, trends),
    )


def _band_rank(band: str) -> tuple[int, str]:
    return (AFC_BANDS.index(band), band) if band in AFC_BANDS else (len(AFC_BANDS), band)


def _unresolved(user: Any, trends: Trends) -> list[dict[str, Any]]:
    """Month by month, the share of staff on titles still unresolved (no role, or a guessed role waiting
    for review): is the coding getting better? Over several trusts, the share is hidden with its count."""
    out = []
    for month in trends.months:
        by_trust = trends.unresolved.get(month, {})
        staff = {t: u.staff for t, u in by_trust.items()}
        waiting = {t: u.unmatched + u.review for t, u in by_trust.items()}
        unmatched = {t: u.unmatched for t, u in by_trust.items()}
        total, total_waiting = sum(staff.values()), sum(waiting.values())
        hidden = disclosure.total_hidden(user, waiting) or disclosure.total_hidden(user, staff)
        out.append({
            "month": month, "trusts": len(by_trust),
            "staff": disclosure.SUPPRESSED if disclosure.total_hidden(user, staff) else total,
            "waiting": disclosure.SUPPRESSED if hidden else total_waiting,
            "unmatched": disclosure.total_shown(user, unmatched) if not hidden else disclosure.SUPPRESSED,
            "share": None if hidden else (total_waiting / total if total else 0.0),
        })  # fmt: skip
    return out


def record_first(trends: Trends, map_first: dict[int, dict[int, dt.date]]) -> list[dict[str, Any]]:
    """New roles the staff record counted at a trust before the trust recorded them on the map (or that
    are not on the map yet): per role, the trusts and the earliest month. Counts of trusts, not staff.

    `map_first` is each role's first month on the map, trust by trust (role -> trust -> month): the map is
    an app above the staff record, so it gives these (through the trends page's panel)."""
    all_roles = Role.objects.in_bulk(list(trends.first_month))
    out = []
    for role_id, firsts in trends.first_month.items():
        role = all_roles.get(role_id)
        if role is None or not role.is_new:
            continue
        on_map = map_first.get(role_id, {})
        earlier = {t: m for t, m in firsts.items() if t not in on_map or m < on_map[t]}
        if not earlier:
            continue
        out.append({
            "role": role, "trusts": len(earlier), "first": min(earlier.values()),
            "not_on_map": sum(1 for t in earlier if t not in on_map),
            "later_on_map": sum(1 for t in earlier if t in on_map),
        })  # fmt: skip
    out.sort(key=lambda r: (r["first"], r["role"].name))
    return out
