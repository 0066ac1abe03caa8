"""Skill-mix metrics for a team composition, and the difference between two compositions.

Skill-mix is the mix of different staff in a team, the range of competencies each holds, and the ratio of
senior to junior staff (Nelson et al 2018). This module measures each of those for a list of ``Post``s, plus
supervision capacity and pay cost, since funding for new roles often covers the post alone and leaves out
supervision.

Pure Python: the caller fills each post's role facts (staff group, supervision need) from the role catalogue.

Conventions shared by every metric:

- One ``Post`` is one post: filled by one person, or vacant. ``wte`` is that post's whole-time equivalent.
- The team *as staffed* is its filled posts. Headcount, WTE shares, diversity, competency coverage,
  seniority and supervision all count filled posts only, because a vacancy supervises no one, holds no
  competency and sees no patient. Vacancies are reported beside them (vacant posts, vacant WTE) and costed
  separately as "cost if filled".
- A band given for a medical post is ignored: doctors are paid on medical and dental terms, not on Agenda
  for Change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, cast

from newroles.skillmix.typology import band_rank, normalise_band

__all__ = [
    "DEFAULT_ON_COST",
    "DEFAULT_PAY_POINT",
    "DEFAULT_SUPERVISOR_HOURS_PER_WTE",
    "JUNIOR_BANDS",
    "SENIOR_FROM_BAND",
    "SHANNON_EXPLANATION",
    "CompetencyMetrics",
    "CostMetrics",
    "PayPoint",
    "PayTable",
    "Post",
    "SeniorityMetrics",
    "StaffMix",
    "SupervisionMetrics",
    "SupervisionWarning",
    "TeamMetrics",
    "available_pay_years",
    "compare",
    "compute",
    "load_pay_table",
    "shannon_index",
]

PayPointChoice = Literal["top", "bottom", "mid"]

# Employer on-costs as a share of basic pay: an assumption, roughly employer National Insurance (15% of pay
# above the secondary threshold from April 2025, about 12-13% of a band 5-6 salary) plus the employer pension
# contribution paid locally (14.38%) and the apprenticeship levy (0.5%). A flat rate overstates on-costs for
# low bands and understates them for high ones; pass ``on_cost`` to use a trust's own figure.
DEFAULT_ON_COST = 0.28

# Budget at the top pay point of each band: workforce planners commonly budget a post at top of band, since
# staff progress through the band over its life and budgeting lower leaves the post underfunded later.
DEFAULT_PAY_POINT: PayPointChoice = "top"

# Hours of formal supervision a week that one WTE of a supervising clinician can give alongside their own
# caseload: an assumption of this tool (two one-hour sessions a week per full-time supervisor), not a
# national standard. Pass ``supervisor_hours_per_wte`` to use a team's own figure.
DEFAULT_SUPERVISOR_HOURS_PER_WTE = 2.0

# Band 7 and above (and every medical post) count as senior; bands 2-5 as junior. Band 6, the experienced
# practitioner band, is neither, and so is band 1, closed to new entrants since 2018, so that a ratio is not
# moved by either.
SENIOR_FROM_BAND = 7
JUNIOR_BANDS: tuple[str, ...] = ("2", "3", "4", "5")

SHANNON_EXPLANATION = (
    "The diversity index (Shannon H) measures how the team's filled whole-time equivalent (WTE) is "
    "spread across staff groups: H = -sum(p x ln p), where p is each group's share of the WTE. It is 0 "
    "when everyone is in one staff group, and grows as more groups share the work more evenly. Its "
    "highest possible value for k groups is ln(k) (0.69 for 2 groups, 1.10 for 3, 1.39 for 4), reached "
    "when every group has the same WTE. Evenness is H divided by ln(k): 1 means the WTE is shared "
    "equally between the groups present, values near 0 mean one group dominates. Evenness is not shown "
    "for a team with fewer than two staff groups."
)

# Deltas are rounded to drop floating-point noise such as 0.30000000000000004.
_DELTA_DIGITS = 9
_EPSILON = 1e-9


# --- posts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One post in a team: filled by one person, or vacant.

    ``band`` is an Agenda for Change band (ignored for a medical post), ``supervision_hours_per_wte`` the
    formal supervision a week the post-holder needs per WTE, and ``supervises_others`` whether the
    post-holder gives supervision to others in the team.
    """

    role_slug: str
    staff_group: str
    band: str | None
    medical: bool
    wte: float
    registered: bool = False
    competencies: frozenset[str] = frozenset()
    filled: bool = True
    supervision_hours_per_wte: float = 0.0
    supervises_others: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.competencies, str):
            raise TypeError("competencies must be a collection of competency names, not one string")
        if self.wte < 0 or not math.isfinite(self.wte):
            raise ValueError(f"wte must be a finite number of at least 0, got {self.wte!r}")
        if self.supervision_hours_per_wte < 0:
            raise ValueError(f"supervision_hours_per_wte must be at least 0, got {self.supervision_hours_per_wte!r}")
        # Frozen dataclass: normalise via object.__setattr__ so equal posts compare and hash the same way.
        object.__setattr__(self, "competencies", frozenset(self.competencies))
        if self.band is not None:
            object.__setattr__(self, "band", normalise_band(self.band))

    @property
    def pay_band(self) -> str | None:
        """The Agenda for Change band that sets this post's pay and level, or None (medical, or unknown)."""
        return None if self.medical else self.band


# --- pay tables -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayPoint:
    """One published pay point: its step name (entry, intermediate, top) and annual pay for 1.0 WTE."""

    step: str
    annual: float
    years_to_next: int | None = None


@dataclass(frozen=True)
class PayTable:
    """Agenda for Change pay points for one pay year, by band, lowest point first."""

    year: str
    bands: Mapping[str, tuple[PayPoint, ...]]
    country: str = "England"
    effective_from: str = ""
    source: str = ""
    licence: str = ""
    notes: tuple[str, ...] = ()

    def annual(self, band: str, point: PayPointChoice = DEFAULT_PAY_POINT) -> float:
        """Annual basic pay for 1.0 WTE at ``band``.

        ``"bottom"`` is the entry point, ``"top"`` the top point, and ``"mid"`` the midpoint of the two
        (halfway through the range, which is not itself a pay point; bands 5-7 publish an intermediate point
        that lies below it).
        """
        points = self.bands.get(normalise_band(band))
        if not points:
            raise KeyError(f"no pay points for band {band!r} in {self.year}")
        if point == "bottom":
            return points[0].annual
        if point == "top":
            return points[-1].annual
        if point == "mid":
            return (points[0].annual + points[-1].annual) / 2
        raise ValueError(f"point must be 'top', 'bottom' or 'mid', got {point!r}")


def _pay_file_name(year: str) -> str:
    return f"afc_{year.replace('/', '_')}.json"


def available_pay_years() -> list[str]:
    """The pay years with a table in ``paydata/``, e.g. ``["2025/26"]``."""
    folder = resources.files("newroles.skillmix").joinpath("paydata")
    years = []
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith("afc_") and name.endswith(".json"):
            start, end = name[len("afc_") : -len(".json")].split("_")
            years.append(f"{start}/{end}")
    return sorted(years)


@lru_cache(maxsize=8)
def load_pay_table(year: str = "2025/26") -> PayTable:
    """Read the Agenda for Change pay table for ``year`` (``"2025/26"``) from ``paydata/``."""
    resource = resources.files("newroles.skillmix").joinpath("paydata", _pay_file_name(year))
    if not resource.is_file():
        raise ValueError(f"no pay table for {year!r}; available: {', '.join(available_pay_years())}")
    data = json.loads(resource.read_text(encoding="utf-8"))
    bands = {
        normalise_band(band): tuple(
            PayPoint(step=p["step"], annual=float(p["annual"]), years_to_next=p.get("years_to_next")) for p in points
        )
        for band, points in data["bands"].items()
    }
    return PayTable(
        year=data["year"],
        bands=bands,
        country=data.get("country", ""),
        effective_from=data.get("effective_from", ""),
        source=data.get("source", ""),
        licence=data.get("licence", ""),
        notes=tuple(data.get("notes", ())),
    )


# --- results ----------------------------------------------------------------------------------------------


@dataclass
class GroupCount:
    """Filled and vacant posts and WTE for one staff group or one role."""

    headcount: int = 0
    wte_filled: float = 0.0
    vacancies: int = 0
    wte_vacant: float = 0.0


@dataclass
class StaffMix:
    """Who is in the team: WTE and headcount by staff group and role, registered share and diversity."""

    headcount: int
    vacancies: int
    wte_filled: float
    wte_vacant: float
    wte_establishment: float
    by_staff_group: dict[str, GroupCount]
    by_role: dict[str, GroupCount]
    registered_wte: float
    registered_share: float | None
    staff_groups_present: int
    shannon: float
    shannon_max: float
    evenness: float | None


@dataclass
class CompetencyMetrics:
    """Which required competencies the filled posts hold, and which rest on one person."""

    required: list[str]
    held: list[str]
    coverage: float | None
    missing: list[str]
    single_points_of_failure: list[str]


@dataclass
class SeniorityMetrics:
    """Filled WTE by seniority and the senior-to-junior ratio."""

    senior_wte: float
    junior_wte: float
    neither_wte: float
    senior_to_junior: float | None


@dataclass
class SupervisionWarning:
    """Supervision demand exceeds what the team's supervisors can give."""

    shortfall_hours: float
    message: str


@dataclass
class SupervisionMetrics:
    """Formal supervision hours a week: needed by the filled posts, and available from their supervisors."""

    hours_needed: float
    hours_available: float
    shortfall_hours: float
    warning: SupervisionWarning | None


@dataclass
class UncostedPost:
    role_slug: str
    reason: str


@dataclass
class CostMetrics:
    """Annual pay cost: filled posts, and vacancies as "cost if filled", each with on-costs."""

    basic_filled: float
    on_costs_filled: float
    total_filled: float
    total_vacant: float
    total_establishment: float
    by_role: dict[str, float]
    uncosted: list[UncostedPost]


@dataclass
class TeamMetrics:
    """Every metric for one team composition, and the assumptions it was computed under."""

    staff_mix: StaffMix
    competencies: CompetencyMetrics
    seniority: SeniorityMetrics
    supervision: SupervisionMetrics
    cost: CostMetrics
    assumptions: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A JSON-serialisable dict (plain dicts, lists, numbers, strings and None)."""
        return cast(dict[str, object], _plain(self))


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return value


# --- metrics ----------------------------------------------------------------------------------------------


def shannon_index(weights: Iterable[float]) -> tuple[float, float, float | None]:
    """Shannon diversity ``(H, H_max, evenness)`` of a set of non-negative weights.

    ``H = -sum(p_i * ln p_i)`` over the ``k`` weights above zero, with ``p_i = w_i / sum(w)``;
    ``H_max = ln(k)``; ``evenness = H / ln(k)``, None when ``k < 2`` (one group has no spread to measure).
    An empty or all-zero input gives ``(0.0, 0.0, None)``.
    """
    positive = [w for w in weights if w > 0]
    total = sum(positive)
    # A weight too small to register as a share (p underflows to 0) adds nothing to H and is not a group.
    shares = [p for p in (w / total for w in positive) if p > 0]
    k = len(shares)
    if k == 0:
        return 0.0, 0.0, None
    h = -sum(p * math.log(p) for p in shares)
    h = max(h, 0.0)  # one group gives -1*ln(1) = -0.0
    h_max = math.log(k)
    return h, h_max, (h / h_max if k >= 2 else None)


def _staff_mix(posts: Sequence[Post]) -> StaffMix:
    """Headcount = filled posts; WTE filled and vacant apart; shares and diversity over filled WTE.

    ``registered_share = registered filled WTE / filled WTE`` (None when no filled WTE); diversity is
    ``shannon_index`` of filled WTE by staff group (see ``SHANNON_EXPLANATION``).
    """
    by_group: dict[str, GroupCount] = {}
    by_role: dict[str, GroupCount] = {}
    for post in posts:
        for key, table in ((post.staff_group, by_group), (post.role_slug, by_role)):
            count = table.setdefault(key, GroupCount())
            if post.filled:
                count.headcount += 1
                count.wte_filled += post.wte
            else:
                count.vacancies += 1
                count.wte_vacant += post.wte
    filled = [p for p in posts if p.filled]
    wte_filled = sum((p.wte for p in filled), 0.0)
    wte_vacant = sum((p.wte for p in posts if not p.filled), 0.0)
    registered_wte = sum((p.wte for p in filled if p.registered), 0.0)
    h, h_max, evenness = shannon_index(count.wte_filled for count in by_group.values())
    return StaffMix(
        headcount=len(filled),
        vacancies=len(posts) - len(filled),
        wte_filled=wte_filled,
        wte_vacant=wte_vacant,
        wte_establishment=wte_filled + wte_vacant,
        by_staff_group=dict(sorted(by_group.items())),
        by_role=dict(sorted(by_role.items())),
        registered_wte=registered_wte,
        registered_share=registered_wte / wte_filled if wte_filled > 0 else None,
        staff_groups_present=sum(1 for count in by_group.values() if count.wte_filled > 0),
        shannon=h,
        shannon_max=h_max,
        evenness=evenness,
    )


def _competencies(posts: Sequence[Post], required: Sequence[str]) -> CompetencyMetrics:
    """Coverage of the required competencies by filled posts.

    ``coverage = |required held by at least one filled post| / |required|`` (None when nothing is required).
    ``missing`` lists required competencies no filled post holds, in the order given; a competency held only
    by a vacant post is missing. ``single_points_of_failure`` lists every competency (required or not) held
    by exactly one filled post, sorted: losing that one person loses the competency.
    """
    wanted = list(dict.fromkeys(required))  # keep order, drop repeats
    holders: dict[str, int] = {}
    for post in posts:
        if post.filled:
            for competency in post.competencies:
                holders[competency] = holders.get(competency, 0) + 1
    missing = [c for c in wanted if c not in holders]
    return CompetencyMetrics(
        required=wanted,
        held=sorted(holders),
        coverage=(len(wanted) - len(missing)) / len(wanted) if wanted else None,
        missing=missing,
        single_points_of_failure=sorted(c for c, n in holders.items() if n == 1),
    )


def _seniority(posts: Sequence[Post]) -> SeniorityMetrics:
    """``senior_to_junior = senior WTE / junior WTE`` over filled posts (None when junior WTE is 0).

    Senior: band 7 and above, and every medical post. Junior: bands 2-5. Neither: band 1, band 6 and
    posts with no band recorded (reported as ``neither_wte`` so the totals add up).
    """
    senior = junior = neither = 0.0
    for post in posts:
        if not post.filled:
            continue
        if post.medical or (post.band is not None and band_rank(post.band) >= SENIOR_FROM_BAND):
            senior += post.wte
        elif post.band in JUNIOR_BANDS:
            junior += post.wte
        else:
            neither += post.wte
    return SeniorityMetrics(
        senior_wte=senior,
        junior_wte=junior,
        neither_wte=neither,
        senior_to_junior=senior / junior if junior > 0 else None,
    )


def _supervision(posts: Sequence[Post], supervisor_hours_per_wte: float) -> SupervisionMetrics:
    """Supervision demand against capacity, in hours a week, over filled posts.

    ``hours_needed = sum(supervision_hours_per_wte x wte)``;
    ``hours_available = sum(wte of posts that supervise others) x supervisor_hours_per_wte``;
    ``shortfall_hours = max(0, needed - available)``, with a warning when it is above zero.
    """
    needed = sum((p.supervision_hours_per_wte * p.wte for p in posts if p.filled), 0.0)
    supervisor_wte = sum((p.wte for p in posts if p.filled and p.supervises_others), 0.0)
    available = supervisor_wte * supervisor_hours_per_wte
    shortfall = needed - available if needed > available + _EPSILON else 0.0
    warning = None
    if shortfall > 0:
        warning = SupervisionWarning(
            shortfall_hours=shortfall,
            message=(
                f"The team needs {needed:.1f} hours of supervision a week but its supervisors can give "
                f"{available:.1f}: {shortfall:.1f} hours a week short."
            ),
        )
    return SupervisionMetrics(
        hours_needed=needed, hours_available=available, shortfall_hours=shortfall, warning=warning
    )


def _cost(
    posts: Sequence[Post],
    pay_table: PayTable,
    on_cost: float,
    medical_salary: float | Mapping[str, float] | None,
    point: PayPointChoice,
) -> CostMetrics:
    """Annual cost = basic pay x wte x (1 + on_cost), per post.

    Basic pay for an Agenda for Change post is ``pay_table.annual(band, point)``; for a medical post it is
    ``medical_salary`` (one figure for every medical post, or a mapping by role slug), per 1.0 WTE.
    Filled posts make ``total_filled`` (split into basic and on-costs); vacant posts make ``total_vacant``,
    the cost if they were filled. A post whose pay cannot be found (no band, or a doctor with no salary
    given) is left out of the totals and listed in ``uncosted``.
    """
    basic_filled = vacant = 0.0
    by_role: dict[str, float] = {}
    uncosted: list[UncostedPost] = []
    for post in posts:
        salary: float | None
        if post.medical:
            by_slug = isinstance(medical_salary, Mapping)
            salary = medical_salary.get(post.role_slug) if by_slug else medical_salary  # type: ignore[union-attr]
            if salary is None:
                uncosted.append(UncostedPost(post.role_slug, "medical post with no medical salary given"))
                continue
        elif post.band is None:
            uncosted.append(UncostedPost(post.role_slug, "no band recorded"))
            continue
        else:
            salary = pay_table.annual(post.band, point)
        basic = salary * post.wte
        if post.filled:
            basic_filled += basic
            by_role[post.role_slug] = by_role.get(post.role_slug, 0.0) + basic * (1 + on_cost)
        else:
            vacant += basic * (1 + on_cost)
    total_filled = basic_filled * (1 + on_cost)
    return CostMetrics(
        basic_filled=basic_filled,
        on_costs_filled=basic_filled * on_cost,
        total_filled=total_filled,
        total_vacant=vacant,
        total_establishment=total_filled + vacant,
        by_role=dict(sorted(by_role.items())),
        uncosted=uncosted,
    )


def compute(
    posts: Iterable[Post],
    *,
    required_competencies: Iterable[str] = (),
    pay_table: PayTable,
    on_cost: float = DEFAULT_ON_COST,
    supervisor_hours_per_wte: float = DEFAULT_SUPERVISOR_HOURS_PER_WTE,
    medical_salary: float | Mapping[str, float] | None = None,
    point: PayPointChoice = DEFAULT_PAY_POINT,
) -> TeamMetrics:
    """Every skill-mix metric for a team composition (see each section's docstring for its formula)."""
    if on_cost < 0:
        raise ValueError(f"on_cost must be at least 0, got {on_cost!r}")
    if supervisor_hours_per_wte < 0:
        raise ValueError(f"supervisor_hours_per_wte must be at least 0, got {supervisor_hours_per_wte!r}")
    if point not in ("top", "bottom", "mid"):
        raise ValueError(f"point must be 'top', 'bottom' or 'mid', got {point!r}")
    team = list(posts)
    return TeamMetrics(
        staff_mix=_staff_mix(team),
        competencies=_competencies(team, list(required_competencies)),
        seniority=_seniority(team),
        supervision=_supervision(team, supervisor_hours_per_wte),
        cost=_cost(team, pay_table, on_cost, medical_salary, point),
        assumptions={
            "pay_year": pay_table.year,
            "pay_point": point,
            "on_cost": on_cost,
            "supervisor_hours_per_wte": supervisor_hours_per_wte,
            "medical_salary": dict(medical_salary) if isinstance(medical_salary, Mapping) else medical_salary,
        },
    )


# --- comparison -------------------------------------------------------------------------------------------


# Tables keyed by staff group or role: a key on one side only counts as 0 on the other.
_KEYED_TABLES = frozenset({"by_staff_group", "by_role"})
# Not numeric metrics: the warning repeats ``shortfall_hours``; uncosted posts are a list of reasons.
_NOT_COMPARED = frozenset({"assumptions", "warning", "uncosted"})


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _diff(before: object, after: object, *, absent_is_zero: bool) -> object:
    """Pair up numeric leaves of two ``as_dict()`` trees; None for anything that is not a numeric metric."""
    if isinstance(before, dict) or isinstance(after, dict):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        out: dict[str, object] = {}
        for key in list(b) + [k for k in a if k not in b]:
            if key in _NOT_COMPARED:
                continue
            sub = _diff(b.get(key), a.get(key), absent_is_zero=absent_is_zero or key in _KEYED_TABLES)
            if sub is not None:
                out[key] = sub
        return out
    if not all(value is None or _is_number(value) for value in (before, after)):
        return None
    if absent_is_zero:
        before = 0.0 if before is None else before
        after = 0.0 if after is None else after
    delta = None
    if _is_number(before) and _is_number(after):
        delta = round(cast(float, after) - cast(float, before), _DELTA_DIGITS)
    return {"before": before, "after": after, "delta": delta}


def compare(before: TeamMetrics, after: TeamMetrics) -> dict[str, object]:
    """The change in every numeric metric from ``before`` to ``after``.

    Returns the shape of ``as_dict()`` cut down to numeric metrics, each leaf
    ``{"before": b, "after": a, "delta": a - b}``. ``delta`` is None when either side is None (a ratio with a
    zero denominator, say). A staff group, role or cost line present on one side only counts as 0 on the
    other. The ``assumptions`` are not compared, and lists (missing competencies) are not either: compare
    them directly.
    """
    return cast(dict[str, object], _diff(before.as_dict(), after.as_dict(), absent_is_zero=False))
