"""Every change to deployments and engagements goes through these functions, and the national picture
(coverage, rankings, disagreement on newness, drift) is computed here from the rows, never typed in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from newroles.accounts import disclosure, policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.mapping.models import (
    COMPLETED,
    DEPLOYED_STATUSES,
    ENGAGEMENT_STATUS_CHOICES,
    NEW_ROLE,
    NEW_TITLE,
    NOT_NEW,
    PHASE1,
    PHASE_CHOICES,
    REASON_CHOICES,
    TRUST_NEWNESS_CHOICES,
    Deployment,
    Engagement,
)
from newroles.organisations.models import Region, Team, Trust
from newroles.roles import titles
from newroles.roles.models import Role
from newroles.skillmix import guided
from newroles.skillmix.typology import KIND_LABELS, KINDS
from newroles.workforce.decisions import decide_title, decision_key
from newroles.workforce.models import TitleDecision
from newroles.workforce.normalisers import normalisers as staff_record_normalisers

# Resolving local titles ---------------------------------------------------------------------------


def resolve_title(trust: Trust | None, title: str, *, normalisers: titles.Normalisers | None = None) -> Role | None:
    """The canonical role a trust's local title means, or None when nothing matches well enough.

    Every caller (the form, the import, the demo) resolves through this one function: the catalogue's
    resolution (`roles.titles.resolve_title`: exact aliases, then the title normaliser), with the titles
    the trust marked "not a new role" in its staff record. Bulk callers pass one `Normalisers` (from
    `workforce.normalisers.normalisers()`) so the catalogue is read once.
    """
    return titles.resolve_title(trust, title, normalisers=normalisers or staff_record_normalisers())


# Deployments --------------------------------------------------------------------------------------


def show_figures(user: Any, deployments: Any) -> list[Any]:
    """Set `shown_headcount` and `shown_wte` on each deployment as this user may see them.

    A figure taken from the staff record is an aggregate of staff records: outside the trust, a small
    headcount (and its WTE) is shown as "*" (`accounts.disclosure`). Figures a trust reported itself, or
    gave in an interview, are not staff records and are shown as given.
    """
    deployments = list(deployments)
    for d in deployments:
        suppress = d.figures_source == "staff_record" and disclosure.is_outsider(user, d.trust_id)
        d.shown_headcount = disclosure.shown(d.headcount, suppress=suppress)
        d.shown_wte = disclosure.shown_wte(d.wte, d.headcount, suppress=suppress)
    return deployments


def _check_teams(trust: Trust, teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    wrong = sorted(t.name for t in teams if t.trust_id != trust.pk)
    if wrong:
        raise ValidationError({"teams": f"Teams must belong to {trust.name}; these do not: {', '.join(wrong)}."})
    return teams


@transaction.atomic
def create_deployment(
    *,
    actor: Any,
    trust: Trust,
    local_title: str,
    teams: Iterable[Team] = (),
    message: str = "",
    normalisers: titles.Normalisers | None = None,
    **fields: Any,
) -> Deployment:
    """Record a role at a trust. Only the trust's editors and managers (or admins) may.

    Teams must be the trust's own. This is where a title is resolved: with no `role` given, the title is
    matched to a catalogue role (`resolve_title`; bulk callers pass one `normalisers`); a role of None
    given on purpose keeps the deployment unmapped. Either way an unmatched title waits to be resolved.
    """
    if "role" not in fields:
        fields["role"] = resolve_title(trust, local_title, normalisers=normalisers)
    teams = _check_teams(trust, teams)
    deployment = create_row(actor, Deployment(trust=trust, local_title=local_title, **fields), message=message)
    if teams:
        update_row(actor, deployment, {"teams": teams}, message=message or "teams")
    return deployment


@transaction.atomic
def save_by_title(
    *,
    actor: Any,
    trust: Trust,
    local_title: str,
    message: str = "",
    normalisers: titles.Normalisers | None = None,
    **fields: Any,
) -> tuple[Deployment, bool]:
    """Create the trust's deployment with this title, or update the one it has (titles compared without
    case): the import's row. Returns (deployment, created). A title given no role is resolved when the
    deployment is new or still unmapped; a mapped deployment keeps its role."""
    existing = Deployment.objects.filter(trust=trust, local_title__iexact=local_title).first()
    if existing is None:
        deployment = create_deployment(
            actor=actor, trust=trust, local_title=local_title, message=message, normalisers=normalisers, **fields
        )
        return deployment, True
    if "role" not in fields and existing.role_id is None:
        resolved = resolve_title(trust, local_title, normalisers=normalisers)
        if resolved is not None:
            fields["role"] = resolved
    return update_deployment(actor=actor, deployment=existing, message=message, **fields), False


@transaction.atomic
def update_deployment(*, actor: Any, deployment: Deployment, message: str = "", **changes: Any) -> Deployment:
    """Change a deployment. Moving it to a trust the actor may not edit is refused by the policy re-check."""
    trust = changes.get("trust", deployment.trust)
    if "teams" in changes:
        changes["teams"] = _check_teams(trust, changes["teams"])
    elif "trust" in changes and deployment.pk:
        _check_teams(trust, deployment.teams.all())
    return update_row(actor, deployment, changes, message=message)


def set_kinds(
    *,
    actor: Any,
    deployment: Deployment,
    intended: Sequence[str] | None = None,
    actual: Sequence[str] | None = None,
    intended_evidence: str | None = None,
    actual_evidence: str | None = None,
) -> Deployment:
    """Record the intended and/or actual kinds of skill-mix change, each with a note of the evidence."""
    changes: dict[str, Any] = {}
    if intended is not None:
        changes["intended_kinds"] = list(intended)
    if actual is not None:
        changes["actual_kinds"] = list(actual)
    if intended_evidence is not None:
        changes["intended_evidence"] = intended_evidence
    if actual_evidence is not None:
        changes["actual_evidence"] = actual_evidence
    return update_row(actor, deployment, changes, message="skill-mix change")


@transaction.atomic
def save_change_answers(*, actor: Any, deployment: Deployment, which: str, answers: dict[str, Any]) -> Any:
    """Save the guided answers about the deployment's intended or actual change (skill-mix's record of the task
    shift) and write the kinds they classify as onto the deployment, with their evidence. Returns the shift."""
    saved = guided.save_deployment_shift(actor=actor, deployment=deployment, which=which, answers=answers)
    if which == "intended":
        set_kinds(actor=actor, deployment=deployment, intended=saved.kinds, intended_evidence=saved.evidence)
    else:
        set_kinds(actor=actor, deployment=deployment, actual=saved.kinds, actual_evidence=saved.evidence)
    return saved


@transaction.atomic
def resolve_deployment(*, actor: Any, deployment: Deployment, role: Role, remember: bool = False) -> Deployment:
    """Match an unmapped title to a role; with `remember`, also record it as the trust's decision on the
    title (`workforce.decisions.decide_title`, the same decisions as the staff record's titles page), so
    the next import, the staff record's counts and the trust's other titles like it follow."""
    deployment = update_row(actor, deployment, {"role": role}, message="title resolved")
    if remember:
        decide_title(
            actor=actor, trust=deployment.trust, key=decision_key(deployment.trust, deployment.local_title),
            outcome=TitleDecision.OTHER_ROLE, role=role,
        )  # fmt: skip
    return deployment


def delete_deployment(*, actor: Any, deployment: Deployment) -> None:
    delete_row(actor, deployment)


def unmapped(trust: Trust) -> QuerySet[Deployment]:
    """The trust's titles still waiting to be matched to a role."""
    return trust.deployments.filter(role__isnull=True).order_by("local_title")


# Engagements --------------------------------------------------------------------------------------


def engagements_for(user: Any, qs: QuerySet[Engagement] | None = None) -> QuerySet[Engagement]:
    """The engagement rows a user may read: all for researchers and admins, none for anyone else."""
    qs = Engagement.objects.all() if qs is None else qs
    return qs if policy.is_curator(user) else qs.none()


def record_engagement(
    *, actor: Any, trust: Trust | None, phase: str, status: str = "planned", message: str = "", **fields: Any
) -> Engagement:
    """Record a contact with a trust, or (trust None, `organisation` given) with another organisation, in a study
    phase (researchers and admins; the system for the demo loader)."""
    engagement = Engagement(trust=trust, phase=phase, status=status, **fields)
    return create_row(actor, engagement, message=message)


def update_engagement(*, actor: Any, engagement: Engagement, **changes: Any) -> Engagement:
    return update_row(actor, engagement, changes)


def delete_engagement(*, actor: Any, engagement: Engagement) -> None:
    delete_row(actor, engagement)


# Coverage -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionCoverage:
    region: Region
    engaged: int
    total: int

    @property
    def share(self) -> float:
        return self.engaged / self.total if self.total else 0.0


@dataclass(frozen=True)
class Coverage:
    rows: list[RegionCoverage]

    @property
    def engaged(self) -> int:
        return sum(r.engaged for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def for_region(self, region_id: int) -> RegionCoverage | None:
        return next((r for r in self.rows if r.region.pk == region_id), None)


def coverage(phases: Sequence[str] = PHASE1) -> Coverage:
    """Per region: the study-set trusts with a completed engagement in `phases` (phase 1 by default),
    out of the study-set trusts in the region. One query."""
    in_set = Q(trusts__in_study_set=True)
    engaged = in_set & Q(trusts__engagements__phase__in=list(phases), trusts__engagements__status=COMPLETED)
    regions = Region.objects.annotate(
        total=Count("trusts", filter=in_set, distinct=True),
        engaged=Count("trusts", filter=engaged, distinct=True),
    ).order_by("sort_order", "name")
    return Coverage([RegionCoverage(r, r.engaged, r.total) for r in regions])


def engagement_counts() -> list[dict[str, Any]]:
    """Trusts by engagement phase and status: the counts everyone may read."""
    counts = Counter(
        (row["phase"], row["status"])
        for row in Engagement.objects.filter(trust__isnull=False)
        .values("phase", "status", "trust_id")
        .distinct()
        .order_by()
    )
    return [
        {"phase": label, "counts": [counts[(key, status)] for status, _ in ENGAGEMENT_STATUS_CHOICES]}
        for key, label in PHASE_CHOICES
    ]


# The national picture -----------------------------------------------------------------------------


def _rows(deployments: Iterable[Deployment] | None) -> list[Deployment]:
    if deployments is None:
        deployments = Deployment.objects.select_related("trust__region", "role")
    return list(deployments)


@dataclass(frozen=True)
class RoleCount:
    role: Role
    trusts: int
    deployments: int


def roles_ranked(deployments: Iterable[Deployment] | None = None) -> list[RoleCount]:
    """Canonical roles by the number of trusts deploying them (pilot, active or paused), most first."""
    trusts: dict[int, set[int]] = defaultdict(set)
    count: Counter[int] = Counter()
    roles: dict[int, Role] = {}
    for d in _rows(deployments):
        if d.role_id is None or d.status not in DEPLOYED_STATUSES:
            continue
        roles[d.role_id] = d.role  # type: ignore[assignment]
        trusts[d.role_id].add(d.trust_id)
        count[d.role_id] += 1
    ranked = [RoleCount(roles[pk], len(trusts[pk]), count[pk]) for pk in roles]
    return sorted(ranked, key=lambda r: (-r.trusts, r.role.name))


@dataclass(frozen=True)
class ReasonCount:
    key: str
    label: str
    count: int


def reasons_ranked(deployments: Iterable[Deployment] | None = None) -> list[ReasonCount]:
    """Every reason with the number of deployments giving it, most first (ties in the briefing's order)."""
    counts: Counter[str] = Counter()
    for d in _rows(deployments):
        counts.update(d.reasons)
    order = {key: i for i, (key, _) in enumerate(REASON_CHOICES)}
    ranked = [ReasonCount(key, label, counts[key]) for key, label in REASON_CHOICES]
    return sorted(ranked, key=lambda r: (-r.count, order[r.key]))


@dataclass(frozen=True)
class KindCount:
    key: str
    label: str
    intended: int
    actual: int


def kinds_compared(deployments: Iterable[Deployment] | None = None) -> list[KindCount]:
    """For each of the five kinds of skill-mix change: deployments intending it and deployments showing it."""
    intended: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    for d in _rows(deployments):
        intended.update(d.intended_kinds)
        actual.update(d.actual_kinds)
    return [KindCount(k, KIND_LABELS[k], intended[k], actual[k]) for k in KINDS]


@dataclass(frozen=True)
class NewnessRow:
    role: Role
    new_role: int
    new_title: int
    not_new: int

    @property
    def total(self) -> int:
        return self.new_role + self.new_title + self.not_new

    @property
    def disagree(self) -> bool:
        """Trusts gave more than one answer for the same role."""
        return sum(1 for n in (self.new_role, self.new_title, self.not_new) if n) > 1

    def counts(self) -> dict[str, int]:
        return {NEW_ROLE: self.new_role, NEW_TITLE: self.new_title, NOT_NEW: self.not_new}


def newness_by_role(deployments: Iterable[Deployment] | None = None) -> list[NewnessRow]:
    """How many trusts call each role a new role, a new title or not new; disagreements first."""
    answers: dict[int, dict[str, set[int]]] = defaultdict(lambda: {k: set() for k, _ in TRUST_NEWNESS_CHOICES})
    roles: dict[int, Role] = {}
    for d in _rows(deployments):
        if d.role_id is None or not d.trust_newness:
            continue
        roles[d.role_id] = d.role  # type: ignore[assignment]
        answers[d.role_id][d.trust_newness].add(d.trust_id)
    rows = [NewnessRow(roles[pk], len(a[NEW_ROLE]), len(a[NEW_TITLE]), len(a[NOT_NEW])) for pk, a in answers.items()]
    return sorted(rows, key=lambda r: (not r.disagree, -r.total, r.role.name))


def drift(deployments: Iterable[Deployment] | None = None) -> list[Deployment]:
    """Deployments whose actual skill-mix change differs from the one intended."""
    return [d for d in _rows(deployments) if d.drifted]


def distinct_roles(deployments: Iterable[Deployment] | None = None) -> int:
    return len({d.role_id for d in _rows(deployments) if d.role_id is not None})


def distinct_titles(deployments: Iterable[Deployment] | None = None) -> int:
    """Distinct local titles reported, compared in normalised form (case, spacing and punctuation ignored)."""
    return len({d.title_normalised for d in _rows(deployments)})


@dataclass
class Picture:
    """Everything the dashboard shows, computed from one read of the deployments."""

    deployments: int
    trusts: int
    roles: int
    titles: int
    unmapped: int
    roles_ranked: list[RoleCount]
    reasons: list[ReasonCount]
    kinds: list[KindCount]
    newness: list[NewnessRow]
    drift: list[Deployment]
    by_region: dict[int, int] = field(default_factory=dict)


def national_picture(deployments: Iterable[Deployment] | None = None) -> Picture:
    rows = _rows(deployments)
    by_region: Counter[int] = Counter(d.trust.region_id for d in rows)
    return Picture(
        deployments=len(rows),
        trusts=len({d.trust_id for d in rows}),
        roles=distinct_roles(rows),
        titles=distinct_titles(rows),
        unmapped=sum(1 for d in rows if d.role_id is None),
        roles_ranked=roles_ranked(rows),
        reasons=reasons_ranked(rows),
        kinds=kinds_compared(rows),
        newness=newness_by_role(rows),
        drift=drift(rows),
        by_region=dict(by_region),
    )
