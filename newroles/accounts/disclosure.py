"""Small numbers: what a count of staff looks like to someone outside the trust it describes.

One rule, used by every page, export, chart, history and (later) the API and reports: a headcount from 1
to settings.SMALL_COUNT_THRESHOLD - 1 of a trust's staff is shown as "*" to anyone who is not a member of
that trust (administrators see everything), and the WTE that goes with it is hidden with it. 0 says
nothing about anyone and is shown.

Totals over several trusts (a national or regional figure) are protected from differencing as well: a
reader who knows their own trust's count must not be able to subtract it from the total and find another
trust's small count. `total_shown` applies complementary suppression, stated with a worked example in
docs/data-protection.md:

    a total is suppressed for a reader who is not a member of every contributing trust when it is itself
    small, or when taking away any one contributing trust's count (or all the reader's own trusts'
    counts together) leaves 1 to 4.

This lives with the accounts because the answer depends on who is looking (their memberships); it
imports nothing above the accounts, so every app may use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings

from newroles.accounts import policy

SUPPRESSED = "*"

Count = int | None
Shown = Any  # the value itself, or SUPPRESSED


def threshold() -> int:
    """Counts below this (and above 0) are small."""
    return int(settings.SMALL_COUNT_THRESHOLD)


def is_small(count: Count | Decimal | float) -> bool:
    """A count that would be suppressed outside the trust: 1 to threshold - 1 (0 says nothing)."""
    return count is not None and 0 < count < threshold()


def any_small(*counts: Count) -> bool:
    return any(is_small(c) for c in counts)


def is_outsider(user: Any, trust_id: int | None) -> bool:
    """Whether the user sees the trust's aggregates from outside (members and administrators do not)."""
    return not policy.can_see_in(user, trust_id)


def shown(count: Count, *, suppress: bool) -> Shown:
    """The count as a page or export may show it: "*" for a small count shown outside its trust."""
    return SUPPRESSED if suppress and is_small(count) else count


def shown_wte(wte: Decimal | float | None, headcount: Count, *, suppress: bool) -> Shown:
    """WTE goes with its headcount: hidden whenever the headcount is."""
    return SUPPRESSED if suppress and is_small(headcount) else wte


def count_for(user: Any, trust_id: int | None, count: Count) -> Shown:
    """One trust's count as this user may see it."""
    return shown(count, suppress=is_outsider(user, trust_id))


def wte_for(user: Any, trust_id: int | None, wte: Decimal | float | None, headcount: Count) -> Shown:
    """One trust's WTE as this user may see it (hidden with its headcount)."""
    return shown_wte(wte, headcount, suppress=is_outsider(user, trust_id))


# Totals over several trusts -----------------------------------------------------------------------


def total_hidden(user: Any, by_trust: Mapping[int, int]) -> bool:
    """Whether a total of several trusts' counts must be hidden from this user (complementary suppression).

    `by_trust` is each contributing trust's count. Hidden, unless the user is a member of every
    contributing trust (or an administrator), when the total is small, or when the total minus any one
    trust's count, or minus the user's own trusts' counts together, is small: either difference would
    give away another trust's (or group of trusts') small count.
    """
    contributing = {t: n for t, n in by_trust.items() if n}
    total = sum(contributing.values())
    outside = [t for t in contributing if is_outsider(user, t)]
    if not outside:
        return False
    if is_small(total):
        return True
    if any(is_small(total - n) for n in contributing.values()):
        return True
    own = sum(n for t, n in contributing.items() if t not in outside)
    return is_small(total - own)


def total_shown(user: Any, by_trust: Mapping[int, int]) -> Shown:
    """The total of the trusts' counts as this user may see it."""
    return SUPPRESSED if total_hidden(user, by_trust) else sum(by_trust.values())


def total_wte_shown(user: Any, by_trust: Mapping[int, int], wte: Decimal | float | None) -> Shown:
    """A total's WTE, hidden whenever its headcount total is."""
    return SUPPRESSED if total_hidden(user, by_trust) else wte


def protect_groups(user: Any, cells: Sequence[Mapping[int, int]], groups: Sequence[Sequence[int]]) -> list[bool]:
    """Which cells to hide from `user`, each cell being its counts by trust (secondary suppression).

    A cell is hidden by `total_hidden`. Each group lists cells whose sum is published or can be worked out
    (a column and its total, a count and its complement, a row of a table by region). While a group has a
    single hidden cell, or hidden cells whose staff from trusts the user is outside of add up to a small
    number, the smallest shown cell of the group is hidden too, until nothing changes. Groups may share
    cells, so hiding one cell for one group is seen by the others.
    """
    outsider: dict[int, bool] = {}

    def outside(cell: Mapping[int, int]) -> int:
        total = 0
        for trust_id, n in cell.items():
            if n:
                if trust_id not in outsider:
                    outsider[trust_id] = is_outsider(user, trust_id)
                total += n if outsider[trust_id] else 0
        return total

    hidden = [total_hidden(user, cell) for cell in cells]
    sizes = [outside(cell) for cell in cells]
    changed = True
    while changed:
        changed = False
        for group in groups:
            exposed = [sizes[i] for i in group if hidden[i] and sizes[i]]
            if not exposed or (len(exposed) > 1 and not is_small(sum(exposed))):
                continue
            others = [(sizes[i], i) for i in group if not hidden[i] and sizes[i]]
            if others:
                hidden[min(others)[1]] = True
                changed = True
    return hidden


def protect_column(user: Any, cells: list[Mapping[int, int]], *, total_known: bool = True) -> list[bool]:
    """Which totals of one column to hide, so that the column's total cannot give a hidden one back.

    Each cell is one row's counts by trust. When the column's total is published or can be worked out
    (`total_known`, e.g. from the list of each trust's staff), the column is one group of `protect_groups`;
    otherwise each cell stands alone.
    """
    if not total_known:
        return [total_hidden(user, cell) for cell in cells]
    return protect_groups(user, cells, [range(len(cells))])


# Rows with small-count fields (history) -------------------------------------------------------------


def masked_values(user: Any, trust_id: int | None, values: Mapping[str, Any] | None, fields: Mapping[str, str]) -> Any:
    """A row's recorded values as this user may see them.

    `fields` is the model's `disclosure_fields`: each field controlled by a small count, mapped to the field
    holding that count (e.g. {"headcount": "headcount", "wte": "headcount"}). Outside the trust, each such
    field whose count is small is replaced by "*".
    """
    if not values or not fields or not is_outsider(user, trust_id):
        return values
    masked = dict(values)
    for name, count_field in fields.items():
        if name in masked and _is_small_value(values.get(count_field)):
            masked[name] = SUPPRESSED
    return masked


def _is_small_value(value: Any) -> bool:
    try:
        return is_small(Decimal(str(value))) if value not in (None, "") else False
    except ArithmeticError:
        return False


# Names that travel with shared content ------------------------------------------------------------


def team_name(user: Any, team: Any) -> str:
    """The team's name where the user may see the team; beyond that, its service type and trust.

    A private team's page is not found for other trusts, so its name never travels with content the
    trust shares (a skill-mix composition): they see e.g. "Inpatient team at Sheffield Health ...".
    """
    if team is None:
        return ""
    if getattr(team, "is_shared", False) or not is_outsider(user, team.trust_id):
        return team.name
    return anonymous_team_name(team)


def anonymous_team_name(team: Any) -> str:
    """How a private team is named beyond its trust: its service type and trust, e.g. "Inpatient team at …"."""
    kind = team.get_service_type_display() if getattr(team, "service_type", "") else "A"
    return f"{kind} team at {team.trust.name}"
