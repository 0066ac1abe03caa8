"""Teams from the staff record: a trust's organisation units mapped to its teams, and compositions filled
from a month's counts.

A trust maps each organisation unit of its staff record to one of its teams once (`RecordUnit`,
remembered, editable, importable). A team's month in the record is then the staff counted in its units,
by role and band (`record_lines`); `compare` sets those beside the composition's hand-entered posts, and
`take_from_record` replaces the posts of the lines the manager chooses with the record's (one post per
person, the record's WTE shared between them). Vacancies are the manager's own: the record counts staff
in post only, so they are never compared or replaced.

Everything here is the trust's own: its members see full counts (the pages check it), and nothing is
shown beyond the trust.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from newroles.audit.writes import create_row, delete_row, update_row
from newroles.lib.bands import AFC_BANDS
from newroles.organisations.models import Team, Trust
from newroles.roles.models import Role
from newroles.skillmix import services
from newroles.skillmix.models import MAX_POST_WTE, Composition, CompositionPost, RecordUnit
from newroles.workforce.models import ExtractImport, StaffCount

CENT = Decimal("0.01")


# The units and their teams ---------------------------------------------------------------------------------


def months(trust: Trust) -> list[dt.date]:
    """The trust's months with a current staff-record import, latest first."""
    return list(
        ExtractImport.objects.filter(trust=trust, is_current=True).order_by("-month").values_list("month", flat=True)
    )


def unit_staff(trust: Trust, month: dt.date | None) -> list[tuple[str, int]]:
    """The organisation units of the trust's month in the record, each with its staff, largest first."""
    if month is None:
        return []
    rows = (
        StaffCount.objects.filter(trust=trust, month=month, extract__is_current=True)
        .values("org_unit").annotate(staff=Sum("headcount")).order_by("-staff", "org_unit")
    )  # fmt: skip
    return [(r["org_unit"], r["staff"] or 0) for r in rows]


def set_unit_team(*, actor: Any, trust: Trust, org_unit: str, team: Team | None) -> RecordUnit | None:
    """Remember (or change, or with no team forget) which team an organisation unit is."""
    org_unit = " ".join(org_unit.split())
    if not org_unit:
        raise ValidationError({"org_unit": "Give the organisation unit as the staff record names it."})
    existing = RecordUnit.objects.filter(trust=trust, org_unit=org_unit).first()
    if team is None:
        if existing is not None:
            delete_row(actor, existing, message="organisation unit no longer mapped to a team")
        return None
    if team.trust_id != trust.pk:
        raise ValidationError({"team": "Choose one of the trust's own teams."})
    if existing is None:
        return create_row(actor, RecordUnit(trust=trust, org_unit=org_unit, team=team))
    if existing.team_id != team.pk:
        return update_row(actor, existing, {"team": team})
    return existing


@transaction.atomic
def set_unit_teams(*, actor: Any, trust: Trust, teams: dict[str, Team | None]) -> int:
    """Several units at once (the units page): all or none. Returns the units whose team changed."""
    before = dict(RecordUnit.objects.filter(trust=trust).values_list("org_unit", "team_id"))
    changed = 0
    for org_unit, team in teams.items():
        if before.get(" ".join(org_unit.split())) != (team.pk if team else None):
            set_unit_team(actor=actor, trust=trust, org_unit=org_unit, team=team)
            changed += 1
    return changed


# A team's month in the record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Staff in one role and band: from the record, or the composition's filled posts."""

    role: Role
    band: str
    headcount: int
    wte: Decimal

    @property
    def key(self) -> str:
        return f"{self.role.pk}:{self.band}"


@dataclass
class RecordMonth:
    """A team's staff in the record for a month: lines by role and band, and the staff left out (and why)."""

    month: dt.date
    units: list[str]
    lines: list[Line]
    unmatched: int = 0  # staff on titles matched to no role: nothing to post them as
    no_band: int = 0  # staff of a banded role whose band is missing or unreadable


def _band_order(line: Line) -> tuple[str, int, str]:
    return (line.role.name, AFC_BANDS.index(line.band) if line.band in AFC_BANDS else -1, line.band)


def record_lines(team: Team, month: dt.date) -> RecordMonth:
    """The team's staff in the record for the month: the counts of the units mapped to it, by role and band.

    A doctor has no Agenda for Change band (a medical role's posts leave it empty); staff of any other
    role with no readable band cannot be posted and are counted in `no_band` instead.
    """
    units = list(RecordUnit.objects.filter(team=team).values_list("org_unit", flat=True))
    rows = (
        StaffCount.objects.filter(trust_id=team.trust_id, month=month, org_unit__in=units, extract__is_current=True)
        .values("role", "band").annotate(staff=Sum("headcount"), wte_sum=Sum("wte")).order_by()
    )  # fmt: skip
    roles = Role.objects.in_bulk([r["role"] for r in rows if r["role"]])
    summed: dict[tuple[int, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    out = RecordMonth(month=month, units=sorted(units), lines=[])
    for r in rows:
        staff, wte = r["staff"] or 0, r["wte_sum"] or Decimal(0)
        role = roles.get(r["role"]) if r["role"] else None
        if role is None:
            out.unmatched += staff
            continue
        band = "" if role.medical else r["band"]
        if not role.medical and band not in AFC_BANDS:
            out.no_band += staff
            continue
        summed[(role.pk, band)][0] += staff
        summed[(role.pk, band)][1] += wte
    out.lines = sorted(
        (Line(roles[role_id], band, n, Decimal(w).quantize(CENT)) for (role_id, band), (n, w) in summed.items() if n),
        key=_band_order,
    )
    return out


def composition_lines(composition: Composition) -> list[Line]:
    """The composition's filled posts, by role and band (vacancies are the manager's own, left out)."""
    summed: dict[tuple[int, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    roles: dict[int, Role] = {}
    for post in composition.posts.filter(filled=True).select_related("role"):
        roles[post.role_id] = post.role
        summed[(post.role_id, post.band)][0] += 1
        summed[(post.role_id, post.band)][1] += post.wte
    return sorted((Line(roles[r], b, n, w.quantize(CENT)) for (r, b), (n, w) in summed.items()), key=_band_order)


@dataclass(frozen=True)
class Difference:
    """One role and band: the composition's posts beside the record's staff."""

    role: Role
    band: str
    entered: Line | None
    record: Line | None

    @property
    def key(self) -> str:
        return f"{self.role.pk}:{self.band}"

    @property
    def same(self) -> bool:
        return (self.entered and (self.entered.headcount, self.entered.wte)) == (
            self.record and (self.record.headcount, self.record.wte)
        )

    @property
    def change(self) -> int:
        """Staff in the record less posts entered."""
        return (self.record.headcount if self.record else 0) - (self.entered.headcount if self.entered else 0)

    @property
    def change_text(self) -> str:
        """'+3 posts', '-1 post': what taking the record's figures does to the line."""
        return f"{self.change:+d} post{'' if abs(self.change) == 1 else 's'}"


def compare(composition: Composition, record: RecordMonth) -> list[Difference]:
    """Every role and band in either, the composition's filled posts beside the record's staff."""
    entered = {line.key: line for line in composition_lines(composition)}
    counted = {line.key: line for line in record.lines}
    out = []
    for key in dict.fromkeys([*entered, *counted]):
        line = entered.get(key) or counted[key]
        out.append(Difference(line.role, line.band, entered.get(key), counted.get(key)))
    return sorted(out, key=lambda d: _band_order(Line(d.role, d.band, 0, Decimal(0))))


def posts_for(line: Line) -> list[Decimal]:
    """One WTE per person: the line's WTE shared as evenly as hundredths allow, adding up to it exactly.

    A post is one person, so each stays within 0.01 and MAX_POST_WTE; staff whose WTE the record could not
    read left their share at 0, so a line may hold less WTE than people: they get the shares there are.
    """
    n = line.headcount
    total = min(line.wte, MAX_POST_WTE * n)
    each = max((total / n).quantize(CENT, rounding=ROUND_DOWN), CENT)
    shares = [each] * n
    rest = int(((total - each * n) / CENT).to_integral_value())
    for i in range(max(rest, 0)):
        shares[i % n] += CENT
    return shares


@transaction.atomic
def take_from_record(*, actor: Any, composition: Composition, record: RecordMonth, keys: list[str]) -> int:
    """Replace the composition's filled posts of the chosen lines (role:band keys) with the record's.

    A post a scenario uses cannot be replaced (the scenario would lose what it changes): `delete_post`
    refuses it, naming the scenario, and nothing is written. Returns the number of posts written.
    """
    wanted = set(keys)
    record_by_key = {line.key: line for line in record.lines}
    written = 0
    for diff in compare(composition, record):
        if diff.key not in wanted:
            continue
        posts = CompositionPost.objects.filter(composition=composition, filled=True, role=diff.role, band=diff.band)
        for post in posts:
            services.delete_post(actor=actor, post=post)
        line = record_by_key.get(diff.key)
        if line is None:
            continue
        for wte in posts_for(line):
            services.add_posts(
                actor=actor, composition=composition, role=line.role, band=line.band, wte=wte,
                note=f"From the staff record, {record.month:%B %Y}",
            )  # fmt: skip
            written += 1
    note = f"Posts taken from the staff record of {record.month:%B %Y} ({', '.join(record.units)})."
    if note not in composition.description:
        services.update_composition(
            actor=actor, composition=composition, description=f"{composition.description}\n{note}".strip()
        )
    return written


@transaction.atomic
def composition_from_record(*, actor: Any, team: Team, record: RecordMonth) -> Composition:
    """A new composition of the team holding the record's staff, ready for scenarios to start from."""
    composition = services.create_composition(
        actor=actor, team=team, name=f"{team.name}: staff record {record.month:%B %Y}",
        as_of=record.month,
    )  # fmt: skip
    take_from_record(actor=actor, composition=composition, record=record, keys=[line.key for line in record.lines])
    return composition
