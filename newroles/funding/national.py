"""The national funding picture: how many deployments, and how much WTE, face a funding cliff in the next
6 and 12 months by region and by role, and which costs funding least often covers.

Funding is each trust's private data, so beyond a trust only counts leave it, through the one
small-numbers rule (`accounts.disclosure`): a count of 1 to 4 deployments is shown as "*" to anyone who is
not a member of every trust behind it, and a column whose total is shown is protected from differencing
(`protect_column`). National readers, researchers and administrators see every trust; anyone else sees
only the trusts they belong to, unsuppressed, because they may read those trusts' funding anyway.

Everything is computed from one read of the lines (and one of their shares), so the page's cost does
not grow with the number of trusts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from newroles.accounts import disclosure, policy
from newroles.funding.models import COSTS, FundingLine
from newroles.funding.warnings import CLIFF_6, CLIFF_KINDS, for_lines
from newroles.organisations.models import Region

Shown = Any  # a number, or disclosure.SUPPRESSED
UNMATCHED = "Not matched to a role"


def scoped_lines(user: Any) -> QuerySet[FundingLine]:
    """The lines counted for this user: every trust's, or only their own trusts'. Refuses anyone else."""
    lines = FundingLine.objects.select_related("trust__region", "deployment__role", "funder").prefetch_related("shares")
    if policy.reads_national(user):
        return lines
    own = user.trust_ids() if getattr(user, "is_authenticated", False) else set()
    if not own:
        raise PermissionDenied("The national funding picture is for national readers, researchers and trusts' members.")
    return lines.filter(trust_id__in=own)


@dataclass
class _Deployment:
    """What the page counts about one funded deployment."""

    trust_id: int
    region_id: int
    role: str
    role_slug: str
    cliff_6: bool = False
    cliff_12: bool = False
    wte_6: Decimal = Decimal(0)
    wte_12: Decimal = Decimal(0)
    live: bool = False
    covers: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class CliffRow:
    """One region's or role's deployments facing a cliff, as the reader may see them."""

    name: str
    url: str
    deployments_6: Shown
    wte_6: Shown
    deployments_12: Shown
    wte_12: Shown


@dataclass(frozen=True)
class CostRow:
    """How often funding covers one cost, among deployments with funding in force or to come."""

    label: str
    covered: Shown
    not_covered: Shown
    percent: Shown  # of funded deployments covering it, or SUPPRESSED


@dataclass(frozen=True)
class NationalFunding:
    every_trust: bool
    trusts: int
    funded: Shown  # deployments with funding in force or to come
    by_region: list[CliffRow]
    by_role: list[CliffRow]
    total: CliffRow
    costs: list[CostRow]
    suppressed: bool


def _deployments(lines: Iterable[FundingLine], today: dt.date) -> list[_Deployment]:
    lines = list(lines)
    warnings = for_lines(lines, today=today)
    found: dict[int, _Deployment] = {}
    for line in lines:
        d = line.deployment
        if d.pk not in found:
            role = d.role
            found[d.pk] = _Deployment(line.trust_id, line.trust.region_id, role.name if role else UNMATCHED,
                                      role.slug if role else "")  # fmt: skip
        item = found[d.pk]
        if line.not_ended(today) and d.status != "discontinued":
            item.live = True
            item.covers.update(name for name, _ in COSTS if getattr(line, name))
    wte_of = {line.pk: line.wte or Decimal(0) for line in lines}
    for pk, item in found.items():
        for warning in warnings.get(pk, []):
            if warning.kind not in CLIFF_KINDS:
                continue
            wte = wte_of.get(warning.line_id, Decimal(0))
            item.cliff_12 = True
            item.wte_12 += wte
            if warning.kind == CLIFF_6:
                item.cliff_6 = True
                item.wte_6 += wte
    return list(found.values())


def _by_trust(items: Iterable[_Deployment]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for item in items:
        counts[item.trust_id] += 1
    return dict(counts)


def _wte(items: Iterable[_Deployment], which: str) -> Decimal:
    return sum((getattr(item, which) for item in items), Decimal(0))


def _cliff_rows(user: Any, groups: list[tuple[str, str, list[_Deployment]]]) -> list[CliffRow]:
    """Rows of a breakdown whose national total is shown: each column protected as a whole."""
    near = [_by_trust(i for i in items if i.cliff_6) for _, _, items in groups]
    far = [_by_trust(i for i in items if i.cliff_12) for _, _, items in groups]
    hide_near = disclosure.protect_column(user, near)
    hide_far = disclosure.protect_column(user, far)
    rows = []
    for (name, url, items), n, f, hn, hf in zip(groups, near, far, hide_near, hide_far, strict=True):
        s = disclosure.SUPPRESSED
        rows.append(CliffRow(
            name, url,
            s if hn else sum(n.values()), s if hn else _wte((i for i in items if i.cliff_6), "wte_6"),
            s if hf else sum(f.values()), s if hf else _wte((i for i in items if i.cliff_12), "wte_12"),
        ))  # fmt: skip
    return rows


def _total_row(user: Any, items: list[_Deployment]) -> CliffRow:
    near = _by_trust(i for i in items if i.cliff_6)
    far = _by_trust(i for i in items if i.cliff_12)
    return CliffRow(
        "All", "",
        disclosure.total_shown(user, near), disclosure.total_wte_shown(user, near, _wte(items, "wte_6")),
        disclosure.total_shown(user, far), disclosure.total_wte_shown(user, far, _wte(items, "wte_12")),
    )  # fmt: skip


def _cost_rows(user: Any, items: list[_Deployment]) -> list[CostRow]:
    """Each cost's coverage among funded deployments, least often covered first (rows it must hide last).

    Covered and not covered add up to the funded deployments shown above them, so when either is hidden
    both are, and neither can be found from the other.
    """
    live = [i for i in items if i.live]
    rows = []
    for name, label in COSTS:
        covered = _by_trust(i for i in live if name in i.covers)
        uncovered = _by_trust(i for i in live if name not in i.covers)
        hidden = disclosure.total_hidden(user, covered) or disclosure.total_hidden(user, uncovered)
        n_covered, n_uncovered = sum(covered.values()), sum(uncovered.values())
        if hidden:
            rows.append(CostRow(label, disclosure.SUPPRESSED, disclosure.SUPPRESSED, disclosure.SUPPRESSED))
        else:
            total = n_covered + n_uncovered
            percent = round(100 * n_covered / total) if total else 0
            rows.append(CostRow(label, n_covered, n_uncovered, percent))
    order = {label: i for i, (_, label) in enumerate(COSTS)}
    return sorted(rows, key=lambda r: (isinstance(r.percent, str), r.percent if isinstance(r.percent, int) else 0,
                                       order[r.label]))  # fmt: skip


def national_funding(user: Any, *, today: dt.date, region_url: Any = None, role_url: Any = None) -> NationalFunding:
    """The picture as this user may see it. `region_url(region)` and `role_url(slug)` give the rows' links."""
    items = _deployments(scoped_lines(user), today)
    regions = list(Region.objects.order_by("sort_order", "name"))
    by_region = [
        (r.name, region_url(r) if region_url else "", [i for i in items if i.region_id == r.pk]) for r in regions
    ]
    roles: dict[tuple[str, str], list[_Deployment]] = defaultdict(list)
    for item in items:
        roles[(item.role, item.role_slug)].append(item)
    by_role = [
        (name, role_url(slug) if role_url and slug else "", group)
        for (name, slug), group in sorted(roles.items(), key=lambda kv: (kv[0][1] == "", kv[0][0]))
    ]
    rows_region = _cliff_rows(user, by_region)
    return NationalFunding(
        every_trust=policy.reads_national(user),
        trusts=len({i.trust_id for i in items}),
        funded=disclosure.total_shown(user, _by_trust(i for i in items if i.live)),
        by_region=rows_region,
        by_role=_cliff_rows(user, by_role),
        total=_total_row(user, items),
        costs=_cost_rows(user, items),
        suppressed=any(disclosure.is_outsider(user, t) for t in {i.trust_id for i in items}),
    )
