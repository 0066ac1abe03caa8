"""How trusts actually code the new roles that have no occupation code of their own: the evidence beside
the national coding proposal (`roles.crosswalk`).

Worked out from the staff record's stored aggregates for a month, like the data-quality report's "one
role under several codes" finding: per role, the occupation codes and ESR job roles its titles carry, how
many staff carry a recommended code, and which ESR staff group and area of work hold it. Only titles the
normaliser matched with confidence, or the trust decided, count: a title waiting for review is not evidence.

Every figure is kept trust by trust, so that what a reader outside a trust sees can be decided by
`accounts.disclosure` (small counts and differencing): nothing here decides what is shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Sum

from newroles.roles.crosswalk import CodingRecommendation, crosswalk
from newroles.roles.models import Role
from newroles.workforce.models import ExtractTitle, StaffCount

ByTrust = dict[int, int]


def _add(cell: ByTrust, trust_id: int, n: int) -> None:
    cell[trust_id] = cell.get(trust_id, 0) + n


@dataclass
class Tally:
    """Staff of the role carrying one value (an occupation code, a job role), trust by trust."""

    value: str  # "" when the staff record had none
    by_trust: ByTrust = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_trust.values())


@dataclass
class Combination:
    """One ESR staff group and area of work: the role's staff in it, and all staff in it."""

    staff_group: str
    area_of_work: str
    role_by_trust: ByTrust = field(default_factory=dict)
    all_by_trust: ByTrust = field(default_factory=dict)

    @property
    def role_staff(self) -> int:
        return sum(self.role_by_trust.values())

    @property
    def all_staff(self) -> int:
        return sum(self.all_by_trust.values())

    def score(self, role_total: int) -> float:
        """How well the combination isolates the role: the share of the role's staff it holds times the
        share of its staff who are in the role (1.0 when it holds the role's staff and nobody else)."""
        if not role_total or not self.all_staff:
            return 0.0
        return (self.role_staff / role_total) * (self.role_staff / self.all_staff)


@dataclass
class RoleEvidence:
    """One role's recommendation and how trusts coded it in the month."""

    role: Role
    recommendation: CodingRecommendation
    staff: ByTrust = field(default_factory=dict)
    as_recommended: ByTrust = field(default_factory=dict)  # staff carrying a recommended occupation code
    occupation_codes: list[Tally] = field(default_factory=list)
    job_roles: list[Tally] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)  # best isolating first

    @property
    def total(self) -> int:
        return sum(self.staff.values())

    @property
    def trusts(self) -> int:
        return sum(1 for n in self.staff.values() if n)

    @property
    def best(self) -> Combination | None:
        return self.combinations[0] if self.combinations else None


def _tallies(cells: dict[str, ByTrust]) -> list[Tally]:
    tallies = [Tally(value, by_trust) for value, by_trust in cells.items()]
    return sorted(tallies, key=lambda t: (-t.total, t.value))


def evidence(trust_ids: Sequence[int], month: dt.date | None) -> list[RoleEvidence]:
    """The proposal's roles in the catalogue's order of names, each with the trusts' coding in the month."""
    proposal = crosswalk()
    roles = {r.slug: r for r in Role.objects.filter(slug__in=[rec.role for rec in proposal.recommendations])}
    out = {
        roles[rec.role].pk: RoleEvidence(roles[rec.role], rec) for rec in proposal.recommendations if rec.role in roles
    }
    if month is None or not out:
        return sorted(out.values(), key=lambda e: e.role.name)
    codes: dict[int, dict[str, ByTrust]] = defaultdict(lambda: defaultdict(dict))
    job_roles: dict[int, dict[str, ByTrust]] = defaultdict(lambda: defaultdict(dict))
    titles = (
        ExtractTitle.objects.filter(
            trust_id__in=trust_ids, month=month, extract__is_current=True, role_id__in=list(out), review=False
        )
        .values("role_id", "trust_id", "occupation_code", "job_role")
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    for row in titles:
        role_id, trust_id, n = row["role_id"], row["trust_id"], row["n"] or 0
        item = out[role_id]
        code = row["occupation_code"].strip().upper()
        _add(item.staff, trust_id, n)
        _add(codes[role_id][code], trust_id, n)
        _add(job_roles[role_id][row["job_role"].strip()], trust_id, n)
        if code and code in item.recommendation.all_codes:
            _add(item.as_recommended, trust_id, n)
    combos = _combinations(trust_ids, month, set(out))
    for role_id, item in out.items():
        item.occupation_codes = _tallies(codes[role_id])
        item.job_roles = _tallies(job_roles[role_id])
        total = item.total
        item.combinations = sorted(
            combos.get(role_id, []), key=lambda c: (-c.score(total), c.staff_group, c.area_of_work)
        )
    return sorted(out.values(), key=lambda e: e.role.name)


def _combinations(trust_ids: Sequence[int], month: dt.date, role_ids: set[int]) -> dict[int, list[Combination]]:
    """Each role's staff group and area of work combinations, with every staff member in each combination
    (whatever their role) beside the role's own: counted cells only (a title waiting for review keeps cells
    of its own, which are not evidence of the role)."""
    everyone: dict[tuple[str, str], ByTrust] = defaultdict(dict)
    mine: dict[int, dict[tuple[str, str], ByTrust]] = defaultdict(lambda: defaultdict(dict))
    rows = (
        StaffCount.objects.filter(trust_id__in=trust_ids, month=month, extract__is_current=True)
        .values("role_id", "trust_id", "staff_group", "area_of_work", "title_id")
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    for row in rows:
        key = (row["staff_group"].strip(), row["area_of_work"].strip())
        n = row["n"] or 0
        _add(everyone[key], row["trust_id"], n)
        if row["role_id"] in role_ids and row["title_id"] is None:
            _add(mine[row["role_id"]][key], row["trust_id"], n)
    return {
        role_id: [Combination(group, area, cell, everyone[(group, area)]) for (group, area), cell in cells.items()]
        for role_id, cells in mine.items()
    }
