"""Sustainability warnings, computed from the funding lines every time they are asked for: never stored,
never typed.

The briefing found new roles fail on funding that is short, misaligned with workforce planning, jointly
held, or that "often only covered the role itself or the training period". Each warning below is one of
those problems found in a deployment's funding lines, with one plain sentence saying why:

- `cliff_6` / `cliff_12`: time-limited funding ends within 6 (or 12) months, and no other line of the same
  deployment starts by the day after it ends and runs on past it;
- `training_only`: a line pays training fees and ends, and no line paying the salary is in force the day
  after it;
- `no_backfill`, `no_supervision`, `no_support`: no line of the deployment that is in force or still to
  come covers that cost;
- `ends_mid_year`: time-limited funding ends on a day other than 31 March, the end of the NHS financial
  year, so the post's money runs out part-way through a year's workforce plan;
- `shorter_than_lead_time`: the line is shorter than the role's time to recruit and train
  (`roles.leadtime.recruit_and_train_months`); a role whose lead times are unknown raises none;
- `joint_dependency`: one joint funder pays more than `JOINT_DEPENDENCY_SHARE` of the line and nothing is
  recorded about what happens if it stops.

Only lines that have not ended are judged (a line that ended is history), and a discontinued deployment
raises none. This module reads a trust's private rows without asking who is looking: callers show its
results only to the trust's members (the national page only counts them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from newroles.funding.models import FundingLine
from newroles.funding.services import pounds
from newroles.funding.shares import percent_text
from newroles.mapping.models import Deployment
from newroles.roles.leadtime import add_months, months_between, recruit_and_train_months

CLIFF_6 = "cliff_6"
CLIFF_12 = "cliff_12"
TRAINING_ONLY = "training_only"
NO_BACKFILL = "no_backfill"
NO_SUPERVISION = "no_supervision"
NO_SUPPORT = "no_support"
ENDS_MID_YEAR = "ends_mid_year"
SHORTER_THAN_LEAD_TIME = "shorter_than_lead_time"
JOINT_DEPENDENCY = "joint_dependency"

# Every kind, in the order pages list them, with its plain label.
WARNING_KINDS: dict[str, str] = {
    CLIFF_6: "Funding ends within 6 months with nothing after it",
    CLIFF_12: "Funding ends within 12 months with nothing after it",
    TRAINING_ONLY: "Training is funded but the post after it is not",
    NO_BACKFILL: "Backfill is not covered",
    NO_SUPERVISION: "Supervision is not covered",
    NO_SUPPORT: "Ongoing support and CPD are not covered",
    ENDS_MID_YEAR: "Ends part-way through a financial year",
    SHORTER_THAN_LEAD_TIME: "Shorter than the time to recruit and train",
    JOINT_DEPENDENCY: "Depends on one joint funder, with nothing agreed if it stops",
}
CLIFF_KINDS = (CLIFF_6, CLIFF_12)
NEAR_MONTHS = 6
FAR_MONTHS = 12
# A partner paying more than half of a line holds its majority: if it stops, what is left pays for less
# than half the post, which no trust can keep going on, so an agreement on what happens then is needed.
# At exactly half the partners are equals and neither alone decides the post's fate.
JOINT_DEPENDENCY_SHARE = Decimal("50")
# The costs the briefing says funding "often" leaves out, each its own warning so the gaps can be counted.
UNCOVERED_KINDS = (
    ("covers_backfill", NO_BACKFILL, "backfill"),
    ("covers_supervision", NO_SUPERVISION, "supervision"),
    ("covers_support", NO_SUPPORT, "ongoing support or CPD"),
)
DISCONTINUED = "discontinued"


@dataclass(frozen=True)
class FundingWarning:
    """One warning about a deployment's funding, with the sentence that says why and where to act."""

    kind: str  # a key of WARNING_KINDS (dict key -> plain label)
    deployment_id: int
    line_id: int | None
    message: str  # one sentence
    url: str

    @property
    def label(self) -> str:
        return WARNING_KINDS[self.kind]


def lines_for_deployments(deployment_ids: Iterable[int]) -> dict[int, list[FundingLine]]:
    """Each deployment's funding lines in date order (an empty list for one with none), read in two
    queries however many deployments: the lines with their trust, deployment and role, then the shares."""
    ids = list(dict.fromkeys(deployment_ids))
    out: dict[int, list[FundingLine]] = {pk: [] for pk in ids}
    if not ids:
        return out
    lines = (
        FundingLine.objects.filter(deployment_id__in=ids)
        .select_related("trust", "deployment__role", "funder")
        .prefetch_related("shares")
        .order_by("start_date", "pk")
    )
    for line in lines:
        out[line.deployment_id].append(line)
    return out


def for_deployments(deployments: Iterable[Deployment], *, today: dt.date) -> dict[int, list[FundingWarning]]:
    """The warnings of each deployment's funding as they stand on `today` (an empty list for none)."""
    deployments = list(deployments)
    lines = lines_for_deployments(d.pk for d in deployments)
    return {d.pk: [] if d.status == DISCONTINUED else warnings_for(lines[d.pk], today=today) for d in deployments}


def for_lines(lines: Iterable[FundingLine], *, today: dt.date) -> dict[int, list[FundingWarning]]:
    """The warnings of lines already read (with their deployment and role), grouped by deployment: the
    national page reads every line in one query and computes from it."""
    grouped: dict[int, list[FundingLine]] = defaultdict(list)
    for line in lines:
        grouped[line.deployment_id].append(line)
    return {
        pk: [] if group[0].deployment.status == DISCONTINUED else warnings_for(group, today=today)
        for pk, group in grouped.items()
    }


def warnings_for(lines: list[FundingLine], *, today: dt.date) -> list[FundingWarning]:
    """The warnings of one deployment's funding lines (all of one deployment), in the order of WARNING_KINDS."""
    if not lines:
        return []
    live = sorted((line for line in lines if line.not_ended(today)), key=lambda line: (line.start_date, line.pk))
    found: list[FundingWarning] = []
    for line in live:
        found += _line_warnings(line, lines, today)
    found += _uncovered(live)
    order = list(WARNING_KINDS)
    return sorted(found, key=lambda w: order.index(w.kind))


# One line's warnings ------------------------------------------------------------------------------


def _line_warnings(line: FundingLine, lines: list[FundingLine], today: dt.date) -> list[FundingWarning]:
    out = []
    cliff = _cliff(line, lines, today)
    if cliff:
        out.append(cliff)
    for check in (_training_only, _ends_mid_year, _shorter_than_lead_time, _joint_dependency):
        warning = check(line, lines)
        if warning:
            out.append(warning)
    return out


def _warning(kind: str, line: FundingLine, message: str) -> FundingWarning:
    return FundingWarning(kind, line.deployment_id, line.pk, message, line.get_absolute_url())


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _months(n: int) -> str:
    return "less than a month" if n <= 0 else f"{n} month{'s' if n != 1 else ''}"


def _lower_first(name: str) -> str:
    """'Nursing associate' -> 'nursing associate', but 'CBT therapist' stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _described(line: FundingLine) -> str:
    """'Peer support expansion, £45,000 a year from NHS South Yorkshire ICB,'."""
    return f"{line.label}, {pounds(line.amount_per_year)} a year from {line.funder_display},"


def _continues(line: FundingLine, lines: list[FundingLine], *, needs: str | None = None) -> bool:
    """Whether another line (covering `needs`, when given) is in force the day after `line` ends."""
    assert line.end_date is not None
    day_after = line.end_date + dt.timedelta(days=1)
    return any(
        other.pk != line.pk and other.in_force(day_after) and (needs is None or getattr(other, needs))
        for other in lines
    )


def _cliff(line: FundingLine, lines: list[FundingLine], today: dt.date) -> FundingWarning | None:
    if not line.is_time_limited or line.end_date is None or line.end_date > add_months(today, FAR_MONTHS):
        return None
    if _continues(line, lines):
        return None
    kind = CLIFF_6 if line.end_date <= add_months(today, NEAR_MONTHS) else CLIFF_12
    day_after = line.end_date + dt.timedelta(days=1)
    return _warning(
        kind, line,
        f"{_described(line)} ends on {_day(line.end_date)}, in {_months(months_between(today, line.end_date))}, "
        f"and no other funding for {line.deployment.local_title} starts by {_day(day_after)}.",
    )  # fmt: skip


def _training_only(line: FundingLine, lines: list[FundingLine]) -> FundingWarning | None:
    if not line.covers_training or line.end_date is None or _continues(line, lines, needs="covers_salary"):
        return None
    day_after = line.end_date + dt.timedelta(days=1)
    return _warning(
        TRAINING_ONLY, line,
        f"{line.label} pays training fees until {_day(line.end_date)}, but no funding pays the salary of "
        f"{line.deployment.local_title} from {_day(day_after)}.",
    )  # fmt: skip


def _ends_mid_year(line: FundingLine, lines: list[FundingLine]) -> FundingWarning | None:
    end = line.end_date
    if not line.is_time_limited or end is None or (end.month, end.day) == (3, 31):
        return None
    first = end.year if end.month >= 4 else end.year - 1  # the financial year runs 1 April to 31 March
    return _warning(
        ENDS_MID_YEAR, line,
        f"{line.label} ends on {_day(end)}, part-way through the {first} to {first + 1} financial year, which "
        f"ends on 31 March {first + 1}.",
    )  # fmt: skip


def _shorter_than_lead_time(line: FundingLine, lines: list[FundingLine]) -> FundingWarning | None:
    if not line.is_time_limited or line.end_date is None:
        return None
    role = line.deployment.role
    needed = recruit_and_train_months(role)
    if needed is None:
        return None  # unknown lead times raise nothing: no figure is guessed
    # A line from 1 April to 31 March pays for 12 whole months: count to the day after it ends.
    length = months_between(line.start_date, line.end_date + dt.timedelta(days=1))
    if length >= needed:
        return None
    return _warning(
        SHORTER_THAN_LEAD_TIME, line,
        f"{line.label} pays for {_months(length)}, but recruiting a trainee {_lower_first(role.name)} and seeing them "  # type: ignore[union-attr]
        f"qualified in post takes {_months(needed)}.",
    )  # fmt: skip


def _joint_dependency(line: FundingLine, lines: list[FundingLine]) -> FundingWarning | None:
    shares = list(line.shares.all())
    if not shares or line.partner_agreement.strip():
        return None
    largest = max(shares, key=lambda s: (s.percent, s.partner_name))
    if largest.percent <= JOINT_DEPENDENCY_SHARE:
        return None
    return _warning(
        JOINT_DEPENDENCY, line,
        f"{largest.partner_name} pays {percent_text(largest.percent)}% of {line.label}, and nothing is recorded "
        f"about what happens if it stops paying.",
    )  # fmt: skip


# A deployment's warnings --------------------------------------------------------------------------


def _uncovered(live: list[FundingLine]) -> list[FundingWarning]:
    """Backfill, supervision or ongoing support covered by none of the lines in force or to come."""
    if not live:
        return []
    first = live[0]
    url = reverse("funding:trust", args=[first.trust.ods_code]) + f"?deployment={first.deployment_id}"
    title = first.deployment.local_title
    count = f"{len(live)} funding line{'s' if len(live) != 1 else ''}"
    out = []
    for field, kind, what in UNCOVERED_KINDS:
        if not any(getattr(line, field) for line in live):
            sentence = (
                f"The {count} for {title} in force or to come" if len(live) > 1 else f"The funding line for {title}"
            )
            verb = "cover" if len(live) > 1 else "covers"
            out.append(FundingWarning(kind, first.deployment_id, None, f"{sentence} {verb} no {what}.", url))
    return out
