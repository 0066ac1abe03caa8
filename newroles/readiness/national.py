"""The national view of readiness: which factors are most often unmet, overall, by region and by role.

The population is every deployment with a readiness check, each counted once through its latest check; a
factor is unmet when it is not started or only partly in place (asked or computed). Assessments are the
trusts' private data, so every count goes through the small-numbers rule (`accounts.disclosure`): a count
of 1 to 4 is starred for anyone outside the trusts it comes from, and so is any count from which a starred
one could be worked back (complementary suppression, `disclosure.protect_groups`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newroles.accounts import disclosure
from newroles.mapping.models import Deployment
from newroles.organisations.models import Region
from newroles.readiness.models import Assessment, FrameworkItem
from newroles.readiness.summary import Summary, summaries
from newroles.roles.models import Role

ByTrust = dict[int, int]


@dataclass
class Group:
    """A column of a table by region or by role."""

    key: str
    label: str
    url: str = ""


@dataclass
class FactorRow:
    key: str
    title: str
    unmet: Any  # a count, or "*"
    checked: Any
    cells: list[Any] = field(default_factory=list)  # unmet by group, in the table's group order

    @property
    def share(self) -> int | None:
        """Percentage of the checked deployments where the factor is unmet, when both counts are shown."""
        if isinstance(self.unmet, int) and isinstance(self.checked, int) and self.checked:
            return round(100 * self.unmet / self.checked)
        return None


@dataclass
class Table:
    """Factors (rows) by groups (columns): unmet counts as the reader may see them."""

    groups: list[Group]
    checked: list[Any]  # deployments checked in each group
    rows: list[FactorRow]


@dataclass
class NationalView:
    deployments: Any  # deployments with a check, or "*"
    trusts: int
    factors: list[FrameworkItem]
    rows: list[FactorRow]  # every factor, England (or the filtered population)
    by_region: Table
    by_role: Table
    hidden_any: bool


def _population(role: Role | None, region: Region | None) -> dict[int, Assessment]:
    """The latest check of every deployment checked (within the role and region asked for), by deployment."""
    qs = Assessment.objects.select_related("deployment__trust__region", "deployment__role")
    if role is not None:
        qs = qs.filter(deployment__role=role)
    if region is not None:
        qs = qs.filter(deployment__trust__region=region)
    latest: dict[int, Assessment] = {}
    for a in qs.order_by("deployment_id", "-assessed_on", "-created_at", "-pk"):
        latest.setdefault(a.deployment_id, a)
    return latest


def _factors(results: Sequence[Summary]) -> list[FrameworkItem]:
    """Every factor once: the newest framework version's items in order, then keys only older versions have."""
    frameworks = sorted({s.framework.pk: s.framework for s in results if s.framework}.values(),
                        key=lambda f: -f.version)  # fmt: skip
    ordered: dict[str, FrameworkItem] = {}
    for framework in frameworks:
        for item in framework.items.all():  # read with the summaries, in order
            ordered.setdefault(item.key, item)
    return list(ordered.values())


def _count(cells: dict[Any, ByTrust], key: Any, trust_id: int) -> None:
    cells[key][trust_id] = cells[key].get(trust_id, 0) + 1


def national_view(user: Any, *, today: dt.date, role: Role | None = None, region: Region | None = None) -> NationalView:
    """The national picture as `user` may see it (suppressed outside the trusts), optionally for one role or region."""
    latest = _population(role, region)
    deployments: list[Deployment] = [a.deployment for a in latest.values()]
    results = list(summaries(deployments, today=today, assessments=latest).values())
    items = _factors(results)
    factors = [(i.key, i.title) for i in items]
    regions = list(Region.objects.order_by("sort_order", "name"))
    roles = sorted({d.role for d in deployments if d.role is not None}, key=lambda r: r.name)
    region_groups = [Group(r.code, r.name) for r in regions]
    role_groups = [Group(r.slug, r.name) for r in roles] + (
        [Group("", "Not matched to a role")] if any(d.role_id is None for d in deployments) else []
    )

    # Counts by trust: checked deployments, and per factor unmet and not unmet, overall and in each group.
    checked: dict[Any, ByTrust] = defaultdict(dict)
    unmet: dict[Any, ByTrust] = defaultdict(dict)
    met: dict[Any, ByTrust] = defaultdict(dict)
    for s in results:
        d = s.deployment
        places = ("all", ("region", d.trust.region.code), ("role", d.role.slug if d.role else ""))
        for place in places:
            _count(checked, place, d.trust_id)
        for i in s.items:
            for place in places:
                _count(unmet if i.flagged else met, (i.key, place), d.trust_id)

    # One grid of cells, shared by the three tables, so a cell hidden in one is hidden in all.
    cells: list[ByTrust] = []
    index: dict[Any, int] = {}

    def cell(name: Any, counts: ByTrust) -> int:
        index[name] = len(cells)
        cells.append(counts)
        return index[name]

    places_by = {"region": [("region", g.key) for g in region_groups], "role": [("role", g.key) for g in role_groups]}
    groups: list[list[int]] = []
    total = cell(("checked", "all"), checked["all"])
    for places in places_by.values():
        groups.append([total] + [cell(("checked", p), checked[p]) for p in places])
    for key, _ in factors:
        u, m = cell(("unmet", key, "all"), unmet[(key, "all")]), cell(("met", key, "all"), met[(key, "all")])
        groups.append([total, u, m])
        for places in places_by.values():
            us = [cell(("unmet", key, p), unmet[(key, p)]) for p in places]
            ms = [cell(("met", key, p), met[(key, p)]) for p in places]
            groups += [[u, *us], [m, *ms]]
            groups += [[index[("checked", p)], us[n], ms[n]] for n, p in enumerate(places)]
    hidden = disclosure.protect_groups(user, cells, groups)

    def shown(name: Any) -> Any:
        i = index[name]
        return disclosure.SUPPRESSED if hidden[i] else sum(cells[i].values())

    rows = [FactorRow(key, title, shown(("unmet", key, "all")), shown(("checked", "all"))) for key, title in factors]

    def table(kind: str, group_list: list[Group], *, only_shown: bool = False) -> Table:
        """One table's columns; with `only_shown`, a group whose count of checks is hidden or none is left
        out, so the table does not say which roles any trust has checked."""
        columns = [
            (g, p) for g, p in zip(group_list, places_by[kind], strict=True)
            if not only_shown or (isinstance(shown(("checked", p)), int) and shown(("checked", p)))
        ]  # fmt: skip
        return Table(
            groups=[g for g, _ in columns],
            checked=[shown(("checked", p)) for _, p in columns],
            rows=[
                FactorRow(key, title, shown(("unmet", key, "all")), shown(("checked", "all")),
                          [shown(("unmet", key, p)) for _, p in columns])
                for key, title in factors
            ],
        )  # fmt: skip

    return NationalView(
        deployments=shown(("checked", "all")),
        trusts=len({d.trust_id for d in deployments}),
        factors=items,
        rows=rows,
        by_region=table("region", region_groups),
        by_role=table("role", role_groups, only_shown=True),
        hidden_any=any(h and sum(c.values()) for h, c in zip(hidden, cells, strict=True)),
    )
