"""Every change to compositions, posts, required competencies and scenarios goes through these functions.

They also hold the read side that pages, exports and the CLI share: a composition's metrics, a scenario's
team before and after, and the kinds of skill-mix change each change implies (from ``typology.py``).

Writes go through ``audit.writes``, so each is validated, checked against the access policy on the row as
saved, and recorded. The acting user is keyword-only; ``actor=None`` is a system job (the demo loader).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.organisations.models import Team
from newroles.roles.models import Role
from newroles.skillmix import metrics as m
from newroles.skillmix.models import (
    CompetencyRequirement,
    Composition,
    CompositionPost,
    Scenario,
    ScenarioChange,
)
from newroles.skillmix.presentation import format_delta
from newroles.skillmix.teamfile import RoleFacts
from newroles.skillmix.typology import KINDS, Classification, Shift, Side, classify, parse_shift

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = "reference data: skillmix/data/competencies.json"


# Role facts ---------------------------------------------------------------------------------------


def registered_by_default(role: Role) -> bool:
    """A role's posts count as registered when the role has statutory registration (NMC, HCPC, GMC, SWE...).

    A voluntary accredited register is not counted: the typology's registration test is about regulated
    professions, whose levels of training and autonomy it stands in for.
    """
    return role.registration == "statutory"


def facts_of(role: Role) -> RoleFacts:
    return RoleFacts(
        slug=role.slug,
        name=role.name,
        staff_group=role.staff_group,
        medical=role.medical,
        registered=registered_by_default(role),
        supervises_others=role.supervises_others,
        supervision_hours_per_wte=float(role.supervision_hours_per_wte),
    )


def role_facts() -> dict[str, RoleFacts]:
    """The catalogue's facts for every role, by slug (for the team file reader)."""
    return {role.slug: facts_of(role) for role in Role.objects.all()}


# Required competencies ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def competency_defaults_file() -> dict[str, Any]:
    """The illustrative per-service-type lists in data/competencies.json."""
    return json.loads((DATA_DIR / "competencies.json").read_text(encoding="utf-8"))


def load_competency_defaults(*, actor: Any = None) -> dict[str, int]:
    """Create the national per-service-type defaults from the data file where none exists. Idempotent.

    A default an administrator has changed is left as it is.
    """
    data = competency_defaults_file()
    existing = set(CompetencyRequirement.objects.filter(team=None).values_list("service_type", flat=True))
    created = 0
    with transaction.atomic():
        for service_type, names in data["service_types"].items():
            if service_type in existing:
                continue
            create_row(
                actor,
                CompetencyRequirement(service_type=service_type, competencies=list(names), note=data["note"]),
                message=SEED,
                check_policy=False,
            )
            created += 1
    return {"competency_defaults_created": created}


@dataclass(frozen=True)
class RequiredCompetencies:
    """A team's required competencies and where the list comes from."""

    competencies: list[str]
    source: str  # "team", "service_type" or "illustrative"
    note: str = ""

    @property
    def is_team_own(self) -> bool:
        return self.source == "team"


def required_competencies(team: Team) -> RequiredCompetencies:
    """The team's own list, else its service type's national default, else the data file's illustrative list."""
    own = CompetencyRequirement.objects.filter(team=team).first()
    if own is not None:
        return RequiredCompetencies(list(own.competencies), "team", own.note)
    default = CompetencyRequirement.objects.filter(team=None, service_type=team.service_type).first()
    if default is not None:
        return RequiredCompetencies(list(default.competencies), "service_type", default.note)
    data = competency_defaults_file()
    return RequiredCompetencies(list(data["service_types"].get(team.service_type, [])), "illustrative", data["note"])


def set_team_competencies(
    *, actor: Any, team: Team, competencies: Sequence[str], note: str = ""
) -> CompetencyRequirement:
    """Set the team's own required competencies (replacing the service-type default for this team)."""
    names = [c.strip() for c in competencies if c.strip()]
    existing = CompetencyRequirement.objects.filter(team=team).first()
    if existing is None:
        return create_row(actor, CompetencyRequirement(team=team, competencies=names, note=note))
    return update_row(actor, existing, {"competencies": names, "note": note})


def clear_team_competencies(*, actor: Any, team: Team) -> None:
    """Go back to the service type's default list."""
    existing = CompetencyRequirement.objects.filter(team=team).first()
    if existing is not None:
        delete_row(actor, existing)


# Compositions and posts ---------------------------------------------------------------------------

COMPOSITION_FIELDS = (
    "name",
    "as_of",
    "description",
    "pay_year",
    "pay_point",
    "on_cost_percent",
    "supervisor_hours_per_wte",
    "medical_salary",
    "is_shared",
)
POST_FIELDS = ("role", "title", "band", "wte", "registered", "supervises_others", "competencies", "filled", "note")


def create_composition(*, actor: Any, team: Team, name: str, **fields: Any) -> Composition:
    """Add a composition to a team. Only the team's trust's editors and managers (or admins) may."""
    return create_row(actor, Composition(team=team, name=name.strip(), **fields))


def update_composition(*, actor: Any, composition: Composition, **changes: Any) -> Composition:
    unknown = set(changes) - set(COMPOSITION_FIELDS)
    if unknown:
        raise ValueError(f"Not composition fields: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return update_row(actor, composition, changes)


@transaction.atomic
def delete_composition(*, actor: Any, composition: Composition) -> None:
    """Remove a composition with its scenarios and posts, each removal audited."""
    if actor is not None:
        policy.require_change(actor, composition)  # before touching any child row
    for scenario in composition.scenarios.all():
        delete_scenario(actor=actor, scenario=scenario)
    for post in composition.posts.all():
        delete_row(actor, post)
    delete_row(actor, composition)


def _tri(value: bool | None, default: bool) -> bool:
    return default if value is None else value


@transaction.atomic
def add_posts(
    *,
    actor: Any,
    composition: Composition,
    role: Role,
    wte: Decimal | float | str,
    band: str = "",
    count: int = 1,
    registered: bool | None = None,
    supervises_others: bool | None = None,
    competencies: Iterable[str] = (),
    filled: bool = True,
    title: str = "",
    note: str = "",
) -> list[CompositionPost]:
    """Add ``count`` identical posts. ``registered`` and ``supervises_others`` of None take the catalogue's facts."""
    if count < 1:
        raise ValidationError({"count": "Add at least one post."})
    posts = []
    for _ in range(count):
        post = CompositionPost(
            composition=composition,
            role=role,
            band=band or "",
            wte=Decimal(str(wte)),
            registered=_tri(registered, registered_by_default(role)),
            supervises_others=_tri(supervises_others, role.supervises_others),
            competencies=list(competencies),
            filled=filled,
            title=title.strip(),
            note=note.strip(),
        )
        posts.append(create_row(actor, post))
    return posts


def update_post(*, actor: Any, post: CompositionPost, **changes: Any) -> CompositionPost:
    unknown = set(changes) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"Not post fields: {', '.join(sorted(unknown))}")
    if "wte" in changes:
        changes["wte"] = Decimal(str(changes["wte"]))
    if changes.get("filled") is True:
        converting = post.scenario_changes.filter(kind=ScenarioChange.CONVERT).select_related("scenario")
        if converting:
            names = ", ".join(f"'{c.scenario.name}'" for c in converting)
            raise ValidationError(
                f"Scenario {names} converts this vacancy: remove that change before filling the post."
            )
    return update_row(actor, post, changes)


def delete_post(*, actor: Any, post: CompositionPost) -> None:
    """Remove a post, unless a scenario still uses it (say which, so the user can remove the change first)."""
    users = ScenarioChange.objects.filter(models.Q(post=post) | models.Q(adopted_from_post=post))
    names = sorted({c.scenario.name for c in users.select_related("scenario")})
    if names:
        raise ValidationError(
            f"Scenario {', '.join(repr(n) for n in names)} uses this post: remove that change before the post."
        )
    delete_row(actor, post)


@transaction.atomic
def copy_composition(*, actor: Any, source: Composition, team: Team, name: str, **fields: Any) -> Composition:
    """A new composition for ``team`` with the same posts and settings as ``source``.

    The actor must be able to see ``source`` (a composition of their trust, or a shared one) and edit ``team``.
    Scenarios are not copied: they belong to the composition they were planned on.
    """
    if actor is not None and not policy.visible(actor, Composition.objects.filter(pk=source.pk)).exists():
        raise PermissionDenied("You may not see the composition to copy.")
    settings = {f: getattr(source, f) for f in COMPOSITION_FIELDS if f not in ("name", "is_shared", "as_of")}
    settings.update(fields)
    copy = create_row(
        actor,
        Composition(team=team, name=name.strip(), copied_from=source, **settings),
        message=f"copied from composition {source.pk}",
    )
    for post in source.posts.all():
        create_row(
            actor,
            CompositionPost(composition=copy, **{f: getattr(post, f) for f in POST_FIELDS}),
            message=f"copied from post {post.pk}",
        )
    return copy


# Scenarios ----------------------------------------------------------------------------------------

CHANGE_FIELDS = (
    "post",
    "role",
    "band",
    "count",
    "wte",
    "registered",
    "supervises_others",
    "filled",
    "competencies",
    "adopted_from_post",
    "own_discipline_change",
    "novel_practice",
    "note",
)


def create_scenario(*, actor: Any, composition: Composition, name: str, **fields: Any) -> Scenario:
    return create_row(actor, Scenario(composition=composition, name=name.strip(), **fields))


def update_scenario(*, actor: Any, scenario: Scenario, **changes: Any) -> Scenario:
    unknown = set(changes) - {"name", "description", "is_shared"}
    if unknown:
        raise ValueError(f"Not scenario fields: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return update_row(actor, scenario, changes)


@transaction.atomic
def delete_scenario(*, actor: Any, scenario: Scenario) -> None:
    for change in scenario.changes.all():
        delete_row(actor, change)
    delete_row(actor, scenario)


@transaction.atomic
def add_change(*, actor: Any, scenario: Scenario, kind: str, **fields: Any) -> ScenarioChange:
    """Add a change to a scenario. ``registered`` and ``supervises_others`` of None take the catalogue's facts.

    A post can be removed or converted once per scenario.
    """
    unknown = set(fields) - set(CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"Not change fields: {', '.join(sorted(unknown))}")
    role = fields.get("role")
    for name, default in (
        ("registered", registered_by_default(role) if role else False),
        ("supervises_others", role.supervises_others if role else False),
    ):
        if fields.get(name) is None:
            fields[name] = default
    if fields.get("wte") is not None:
        fields["wte"] = Decimal(str(fields["wte"]))
    fields["competencies"] = list(fields.get("competencies") or [])
    post = fields.get("post")
    if post is not None and kind in (ScenarioChange.REMOVE, ScenarioChange.CONVERT):
        taken = scenario.changes.filter(post=post, kind__in=[ScenarioChange.REMOVE, ScenarioChange.CONVERT])
        if taken.exists():
            raise ValidationError({"post": "This scenario already removes or converts that post."})
    return create_row(actor, ScenarioChange(scenario=scenario, kind=kind, **fields))


def delete_change(*, actor: Any, change: ScenarioChange) -> None:
    delete_row(actor, change)


# Read side: metrics of a composition and of a scenario ---------------------------------------------


@dataclass(frozen=True)
class PlannedPost:
    """A post as the metrics and pages see it: one in the composition, or one a scenario change brings in."""

    role: Role
    band: str
    wte: Decimal
    registered: bool
    supervises_others: bool
    competencies: tuple[str, ...]
    filled: bool
    title: str = ""
    post_id: int | None = None
    change_id: int | None = None

    @property
    def label(self) -> str:
        return self.title or self.role.name

    @property
    def medical(self) -> bool:
        return self.role.medical

    def to_metrics(self) -> m.Post:
        return m.Post(
            role_slug=self.role.slug,
            staff_group=self.role.staff_group,
            band=self.band or None,
            medical=self.role.medical,
            wte=float(self.wte),
            registered=self.registered,
            competencies=frozenset(self.competencies),
            filled=self.filled,
            supervision_hours_per_wte=float(self.role.supervision_hours_per_wte),
            supervises_others=self.supervises_others,
        )


def planned(post: CompositionPost) -> PlannedPost:
    return PlannedPost(
        role=post.role,
        band=post.band,
        wte=post.wte,
        registered=post.registered,
        supervises_others=post.supervises_others,
        competencies=tuple(post.competencies),
        filled=post.filled,
        title=post.title,
        post_id=post.pk,
    )


def current_posts(composition: Composition) -> list[PlannedPost]:
    return [planned(p) for p in composition.posts.select_related("role")]


def new_posts(change: ScenarioChange) -> list[PlannedPost]:
    """The posts an add or convert change brings in (none for a remove)."""
    if change.kind == ScenarioChange.REMOVE or change.role is None or change.wte is None:
        return []
    post = PlannedPost(
        role=change.role,
        band=change.band,
        wte=change.wte,
        registered=change.registered,
        supervises_others=change.supervises_others,
        competencies=tuple(change.competencies),
        filled=change.filled,
        change_id=change.pk,
    )
    return [post] * change.count


def apply_changes(before: Sequence[PlannedPost], changes: Sequence[ScenarioChange]) -> list[PlannedPost]:
    """The team after the changes: the posts not removed or converted, then the posts the changes add."""
    gone = {c.post_id for c in changes if c.kind in (ScenarioChange.REMOVE, ScenarioChange.CONVERT)}
    after = [p for p in before if p.post_id not in gone]
    for change in changes:
        after.extend(new_posts(change))
    return after


def compute_metrics(
    composition: Composition, posts: Sequence[PlannedPost], required: Sequence[str] | None = None
) -> m.TeamMetrics:
    """Every metric for ``posts`` under the composition's pay and supervision settings."""
    if required is None:
        required = required_competencies(composition.team).competencies
    return m.compute(
        [p.to_metrics() for p in posts],
        required_competencies=required,
        pay_table=m.load_pay_table(composition.pay_year),
        on_cost=composition.on_cost,
        supervisor_hours_per_wte=float(composition.supervisor_hours_per_wte),
        medical_salary=float(composition.medical_salary) if composition.medical_salary is not None else None,
        point=composition.pay_point,  # type: ignore[arg-type]  # choices are the metric's points
    )


def composition_metrics(composition: Composition) -> m.TeamMetrics:
    return compute_metrics(composition, current_posts(composition))


def side_of(role: Role, band: str, registered: bool) -> Side:
    """A role in a task shift: the occupation is the catalogue role's name (two roles, two occupations)."""
    return Side(occupation=role.name, band=band or None, registered=registered, medical=role.medical)


def change_shift(change: ScenarioChange) -> Shift | None:
    """The task shift a change implies, for the typology; None for a remove, which brings no one in.

    The recipient is the new posts' role, band and registration; the tasks come from the converted vacancy's
    post, or for an add from the post the user named (if any).
    """
    if change.kind == ScenarioChange.REMOVE or change.role is None:
        return None
    source = change.post if change.kind == ScenarioChange.CONVERT else change.adopted_from_post
    adopted = (side_of(source.role, source.band, source.registered),) if source is not None else ()
    return Shift(
        recipient=side_of(change.role, change.band, change.registered),
        adopted_from=adopted,
        own_discipline_change=change.own_discipline_change,  # type: ignore[arg-type]  # model choices
        novel_practice=change.novel_practice,
    )


def shift_as_json(shift: Shift) -> dict[str, Any]:
    """A shift in the typology's JSON shape (what ``newroles skillmix classify`` reads)."""

    def side(s: Side) -> dict[str, Any]:
        return {"occupation": s.occupation, "band": s.band, "registered": s.registered, "medical": s.medical}

    return {
        "recipient": side(shift.recipient),
        "adopted_from": [side(s) for s in shift.adopted_from],
        "own_discipline_change": shift.own_discipline_change,
        "novel_practice": shift.novel_practice,
    }


@dataclass
class ChangeKinds:
    """The kinds of skill-mix change one scenario change implies, and why."""

    change: ScenarioChange
    shift: Shift | None
    classification: Classification | None


@dataclass
class ScenarioResult:
    """A scenario's team before and after, side by side."""

    scenario: Scenario
    before_posts: list[PlannedPost]
    after_posts: list[PlannedPost]
    before: m.TeamMetrics
    after: m.TeamMetrics
    comparison: dict[str, Any]
    change_kinds: list[ChangeKinds]
    required: RequiredCompetencies
    kinds: dict[str, list[str]] = field(default_factory=dict)

    @property
    def cost_difference(self) -> float:
        """Change in the establishment's annual cost: filled posts plus vacancies costed as if filled."""
        return self.after.cost.total_establishment - self.before.cost.total_establishment

    @property
    def filled_cost_difference(self) -> float:
        """Change in the annual cost of the filled posts only (what is paid out today)."""
        return self.after.cost.total_filled - self.before.cost.total_filled

    @property
    def cost_text(self) -> str:
        """The establishment cost difference in words and figures, e.g. '+£17,592'."""
        text = format_delta(self.before.cost.total_establishment, self.after.cost.total_establishment, "money")[1]
        return text or "No change"

    @property
    def filled_cost_text(self) -> str:
        text = format_delta(self.before.cost.total_filled, self.after.cost.total_filled, "money")[1]
        return text or "no change"

    @property
    def supervision_added(self) -> float:
        return self.after.supervision.hours_needed - self.before.supervision.hours_needed


def scenario_result(scenario: Scenario) -> ScenarioResult:
    composition = scenario.composition
    changes = list(scenario.changes.select_related("role", "post__role", "adopted_from_post__role").order_by("pk"))
    before_posts = current_posts(composition)
    after_posts = apply_changes(before_posts, changes)
    required = required_competencies(composition.team)
    before = compute_metrics(composition, before_posts, required.competencies)
    after = compute_metrics(composition, after_posts, required.competencies)
    change_kinds = []
    kinds: dict[str, list[str]] = {}
    for change in changes:
        shift = change_shift(change)
        classification = classify(shift) if shift is not None else None
        change_kinds.append(ChangeKinds(change, shift, classification))
        if classification is not None:
            for kind in classification.kinds:
                kinds.setdefault(kind, []).append(classification.reasons[kind])
    return ScenarioResult(
        scenario=scenario,
        before_posts=before_posts,
        after_posts=after_posts,
        before=before,
        after=after,
        comparison=m.compare(before, after),
        change_kinds=change_kinds,
        required=required,
        kinds={kind: kinds[kind] for kind in KINDS if kind in kinds},
    )


# Deployments: the intended and actual shift, from the guided questions ------------------------------

UNSURE = "unsure"
NO_SOURCE = "none"
MEDICAL = "medical"


def recipient_name(deployment: Any) -> str:
    """What the guided questions call the deployment's role: the catalogue role's name, else the local title."""
    return deployment.role.name if deployment.role_id else deployment.local_title


def _yes_no(answer: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(answer or "")


def _band_and_medical(answer: str | None, medical_default: bool) -> tuple[str | None, bool]:
    if answer == MEDICAL:
        return None, True
    if not answer or answer == UNSURE:
        return None, medical_default
    return answer, False


def shift_from_answers(deployment: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """The task shift, in the typology's JSON shape, that the guided answers describe.

    "Not sure" is left unknown (null), so the typology reports it as missing rather than guessing.
    """
    band, medical = _band_and_medical(answers.get("band"), bool(deployment.role_id and deployment.role.medical))
    adopted = []
    source_id = answers.get("source")
    if source_id and source_id != NO_SOURCE:
        source = Role.objects.get(pk=source_id)
        source_band, source_medical = _band_and_medical(answers.get("source_band"), source.medical)
        adopted.append(
            {
                "occupation": source.name,
                "band": source_band,
                "registered": _yes_no(answers.get("source_registered")),
                "medical": source_medical,
            }
        )
    return {
        "recipient": {
            "occupation": recipient_name(deployment),
            "band": band,
            "registered": _yes_no(answers.get("registered")),
            "medical": medical,
        },
        "adopted_from": adopted,
        "own_discipline_change": answers.get("scope") or "none",
        "novel_practice": answers.get("novel") == "yes",
    }


def classify_answers(deployment: Any, answers: dict[str, Any]) -> Classification:
    return classify(parse_shift(shift_from_answers(deployment, answers)))


@transaction.atomic
def save_deployment_shift(*, actor: Any, deployment: Any, which: str, answers: dict[str, Any]) -> Any:
    """Save the intended or actual shift and write its kinds onto the deployment (through the mapping app).

    Returns the saved ``DeploymentShift``.
    """
    from newroles.mapping import services as mapping
    from newroles.skillmix.models import DeploymentShift

    if which not in (DeploymentShift.INTENDED, DeploymentShift.ACTUAL):
        raise ValueError(f"which must be intended or actual, not {which!r}")
    shift = shift_from_answers(deployment, answers)
    result = classify(parse_shift(shift))
    evidence = str(answers.get("evidence") or "").strip()
    fields = {
        "answers": dict(answers),
        "shift": shift,
        "kinds": result.kinds,
        "reasons": result.reasons,
        "missing": result.missing,
        "evidence": evidence,
    }
    existing = DeploymentShift.objects.filter(deployment=deployment, which=which).first()
    if existing is None:
        saved = create_row(actor, DeploymentShift(deployment=deployment, which=which, **fields))
    else:
        saved = update_row(actor, existing, fields)
    if which == DeploymentShift.INTENDED:
        mapping.set_kinds(actor=actor, deployment=deployment, intended=result.kinds, intended_evidence=evidence)
    else:
        mapping.set_kinds(actor=actor, deployment=deployment, actual=result.kinds, actual_evidence=evidence)
    return saved
