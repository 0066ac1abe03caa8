"""Every change to compositions, posts, required competencies and scenarios goes through these functions.

What a composition or scenario comes to (metrics, the team before and after, the kinds of change) is read in
``results.py``; the guided questions on a deployment's change are turned into a task shift in ``guided.py``.

Writes go through ``audit.writes``, so each is validated, checked against the access policy on the row as
saved, and recorded. The acting user is keyword-only; the demo loader acts as ``policy.SYSTEM``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.organisations.models import Team
from newroles.roles.models import Role
from newroles.skillmix.models import (
    CompetencyRequirement,
    Composition,
    CompositionPost,
    Scenario,
    ScenarioChange,
)
from newroles.skillmix.teamfile import RoleFacts

M = TypeVar("M", bound=models.Model)
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


def load_competency_defaults(*, actor: Any = policy.SYSTEM) -> dict[str, int]:
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


def _update_named(actor: Any, obj: M, changes: dict[str, Any], allowed: Iterable[str], what: str) -> M:
    """Change a composition or scenario: only the fields its owner edits, the name without stray spaces."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not {what} fields: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return update_row(actor, obj, changes)


def update_composition(*, actor: Any, composition: Composition, **changes: Any) -> Composition:
    return _update_named(actor, composition, changes, COMPOSITION_FIELDS, "composition")


@transaction.atomic
def delete_composition(*, actor: Any, composition: Composition) -> None:
    """Remove a composition with its scenarios and posts, each removal audited."""
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
    # Before the scenario check: its message names the trust's scenarios, which outsiders must not learn.
    policy.require_change(actor, post)
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
    policy.require_change(actor, post)  # before naming the scenarios that use it
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
    if actor is not policy.SYSTEM and not policy.visible(actor, Composition.objects.filter(pk=source.pk)).exists():
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
    return _update_named(actor, scenario, changes, ("name", "description", "is_shared"), "scenario")


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
