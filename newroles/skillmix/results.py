"""What a composition and a scenario come to: the team's posts, their metrics, and for a scenario the team
before and after with the kinds of skill-mix change each change implies (from ``typology.py``).

The read side that pages, exports and the CLI share; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from newroles.roles.models import Role
from newroles.skillmix import metrics as m
from newroles.skillmix.models import Composition, CompositionPost, Scenario, ScenarioChange
from newroles.skillmix.presentation import format_delta
from newroles.skillmix.roles_facts import side_of_role
from newroles.skillmix.services import RequiredCompetencies, required_competencies
from newroles.skillmix.typology import KINDS, Classification, Shift, Side, classify
from newroles.skillmix.typology_json import shift_as_json as shift_as_json  # scenarios' shifts, as the CLI reads them


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


def _planned(source: CompositionPost | ScenarioChange, **where_from: Any) -> PlannedPost:
    """A post from a composition's post or a change's new post, which describe a post with the same fields."""
    return PlannedPost(
        role=source.role,
        band=source.band,
        wte=source.wte,
        registered=source.registered,
        supervises_others=source.supervises_others,
        competencies=tuple(source.competencies),
        filled=source.filled,
        **where_from,
    )


def planned(post: CompositionPost) -> PlannedPost:
    return _planned(post, title=post.title, post_id=post.pk)


def current_posts(composition: Composition) -> list[PlannedPost]:
    return [planned(p) for p in composition.posts.select_related("role")]


def new_posts(change: ScenarioChange, gone: Collection[int | None] = ()) -> list[PlannedPost]:
    """The posts an add or convert change brings in (none for a remove).

    New posts that take on the tasks of a vacant post leaving the team (the converted vacancy, or an add's
    named post when the scenario removes it) hold that post's competencies as well as their own: whoever does
    its tasks needs what it needed, so the competencies move with the tasks instead of being lost.
    """
    if change.kind == ScenarioChange.REMOVE or change.role is None or change.wte is None:
        return []
    post = _planned(change, change_id=change.pk)
    source = change.post if change.kind == ScenarioChange.CONVERT else change.adopted_from_post
    if source is not None and not source.filled and (change.kind == ScenarioChange.CONVERT or source.pk in gone):
        carried = tuple(dict.fromkeys((*post.competencies, *source.competencies)))
        post = replace(post, competencies=carried)
    return [post] * change.count


def apply_changes(before: Sequence[PlannedPost], changes: Sequence[ScenarioChange]) -> list[PlannedPost]:
    """The team after the changes: the posts not removed or converted, then the posts the changes add."""
    gone = {c.post_id for c in changes if c.kind in (ScenarioChange.REMOVE, ScenarioChange.CONVERT)}
    after = [p for p in before if p.post_id not in gone]
    for change in changes:
        after.extend(new_posts(change, gone))
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
    """A role in a task shift: the occupation is the catalogue role's name (two roles, two occupations), with
    the catalogue's level of training and expertise and the posts it is a new title for."""
    return side_of_role(role, band or None, registered)


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
        own_discipline_change=change.own_discipline_change,
        novel_practice=change.novel_practice,
    )


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
