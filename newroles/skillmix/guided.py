"""A deployment's skill-mix change from the guided questions: the answers as a task shift, its kinds, saved.

The questions themselves (one a screen) are in ``guided_questions.py``; the pages that ask them belong to the
mapping app, whose deployment they describe.

The answers, by key: ``band`` (a band, ``medical`` or ``unsure``), ``level`` (a level of training and
expertise, or ``unsure``), ``source`` and ``source_band``, then ``source_2`` and ``source_2_band`` and so on
up to ``MAX_SOURCES`` roles whose tasks the posts take on (a role's primary key, or ``none``: no further
role), ``scope`` (``none``, ``narrower``, ``broader`` or ``both``), ``novel`` (``yes`` or ``no``) and
``evidence``. Answers saved before the level question (``registered``, ``source_registered``) still read:
without a level answer the recipient's level comes from the catalogue, else from its registration.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newroles.audit.writes import create_row, update_row
from newroles.lib.levels import LEVELS
from newroles.roles.models import Role
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.roles_facts import novel_practice_reason, parse_with_roles
from newroles.skillmix.typology import Classification, Shift, classify
from newroles.skillmix.typology_json import shift_as_json

UNSURE = "unsure"
NO_SOURCE = "none"
MEDICAL = "medical"
MAX_SOURCES = 4
SCOPES = {"none": [], "narrower": ["narrower"], "broader": ["broader"], "both": ["narrower", "broader"]}


def recipient_name(deployment: Any) -> str:
    """What the guided questions call the deployment's role: the catalogue role's name, else the local title."""
    return deployment.role.name if deployment.role_id else deployment.local_title


def source_key(n: int) -> str:
    """The answer naming the n-th role whose tasks the posts take on (1: ``source``, 2: ``source_2``...)."""
    return "source" if n == 1 else f"source_{n}"


def band_key(key: str) -> str:
    return f"{key}_band"


def chosen_sources(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(answer key, role id) of each role the tasks come from, in order, up to the first 'none' or blank."""
    chosen = []
    for n in range(1, MAX_SOURCES + 1):
        key = source_key(n)
        value = str(answers.get(key) or "")
        if not value or value == NO_SOURCE:
            break
        chosen.append((key, value))
    return chosen


def _yes_no(answer: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(answer or "")


def _band_facts(answer: str | None) -> dict[str, Any]:
    """The side facts a band answer states: a band, a doctor, or nothing (unknown or not answered)."""
    if answer == MEDICAL:
        return {"band": None, "medical": True}
    if not answer or answer == UNSURE:
        return {"band": None}
    return {"band": answer}


def _recipient(deployment: Any, answers: dict[str, Any]) -> dict[str, Any]:
    side: dict[str, Any] = (
        {"role": deployment.role.slug} if deployment.role_id else {"occupation": recipient_name(deployment)}
    )
    side.update(_band_facts(answers.get("band")))
    level = answers.get("level")
    if level in LEVELS:
        side["level"] = level
    elif level == UNSURE:
        # Not sure of the level: leave it unknown, not derived from the catalogue's registration.
        side.update({"level": None, "registered": None})
    elif "registered" in answers:  # answers saved before the level question
        side["registered"] = _yes_no(answers.get("registered"))
    return side


def _sources(answers: dict[str, Any], roles: dict[int, Role]) -> list[dict[str, Any]]:
    chosen = chosen_sources(answers)
    sides = []
    for key, pk in chosen:
        role = roles.get(int(pk)) if pk.isdigit() else None
        if role is None:
            continue  # a role since removed from the catalogue: nothing to say about it
        side: dict[str, Any] = {"role": role.slug, **_band_facts(answers.get(band_key(key)))}
        if "source_registered" in answers and key == "source":  # answers saved before the level question
            side["registered"] = _yes_no(answers.get("source_registered"))
        sides.append(side)
    return sides


def _answer_roles(deployment: Any, answers: dict[str, Any]) -> dict[int, Role]:
    """The catalogue roles the answers name, by primary key (one query), the deployment's own included."""
    ids = [int(pk) for _, pk in chosen_sources(answers) if pk.isdigit()]
    roles = Role.objects.in_bulk(ids) if ids else {}
    if deployment.role_id:
        roles[deployment.role_id] = deployment.role
    return roles


def raw_shift(deployment: Any, answers: dict[str, Any], roles: dict[int, Role] | None = None) -> dict[str, Any]:
    """The task shift the answers describe, naming catalogue roles by slug (resolved by ``roles_facts``).

    "Not sure" is left unknown (null), so the typology reports it as missing rather than guessing. A novel
    answer left out takes the catalogue's usual answer for the role.
    """
    roles = _answer_roles(deployment, answers) if roles is None else roles
    shift: dict[str, Any] = {
        "recipient": _recipient(deployment, answers),
        "adopted_from": _sources(answers, roles),
        "own_discipline_change": SCOPES.get(answers.get("scope") or "none", []),
    }
    if answers.get("novel") in ("yes", "no"):
        shift["novel_practice"] = answers["novel"] == "yes"
        reason = novel_practice_reason(deployment.role) if deployment.role_id else None
        if shift["novel_practice"] and reason:  # the user kept the catalogue's answer: its reason holds
            shift["novel_practice_reason"] = reason
    return shift


def answered_shift(deployment: Any, answers: dict[str, Any]) -> Shift:
    """The task shift the answers describe, with the catalogue's facts for the roles they name."""
    roles = _answer_roles(deployment, answers)
    return parse_with_roles(raw_shift(deployment, answers, roles), {role.slug: role for role in roles.values()})


def shift_from_answers(deployment: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """The task shift the answers describe, every fact stated (so it classifies the same without the catalogue)."""
    return shift_as_json(answered_shift(deployment, answers))


def classify_answers(deployment: Any, answers: dict[str, Any]) -> Classification:
    return classify(answered_shift(deployment, answers))


@transaction.atomic
def save_deployment_shift(*, actor: Any, deployment: Any, which: str, answers: dict[str, Any]) -> DeploymentShift:
    """Save the intended or actual shift the answers describe, classified into kinds of skill-mix change.

    The kinds also belong on the deployment itself; the mapping app's ``save_change_answers`` calls this and
    writes them there, in the same transaction (skill-mix sits below mapping, so it does not write deployments).
    """
    if which not in (DeploymentShift.INTENDED, DeploymentShift.ACTUAL):
        raise ValueError(f"which must be intended or actual, not {which!r}")
    shift = answered_shift(deployment, answers)
    result = classify(shift)
    evidence = str(answers.get("evidence") or "").strip()
    fields = {
        "answers": dict(answers),
        "shift": shift_as_json(shift),
        "kinds": result.kinds,
        "reasons": result.reasons,
        "missing": result.missing,
        "evidence": evidence,
    }
    existing = DeploymentShift.objects.filter(deployment=deployment, which=which).first()
    if existing is None:
        return create_row(actor, DeploymentShift(deployment=deployment, which=which, **fields))
    return update_row(actor, existing, fields)
