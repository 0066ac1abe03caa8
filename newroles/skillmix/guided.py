"""A deployment's skill-mix change from the guided questions: the answers as a task shift, its kinds, saved.

The questions themselves (one a screen) are in ``forms.py``; the pages that ask them belong to the mapping
app, whose deployment they describe.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newroles.audit.writes import create_row, update_row
from newroles.roles.models import Role
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.typology import Classification, classify, parse_shift

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
def save_deployment_shift(*, actor: Any, deployment: Any, which: str, answers: dict[str, Any]) -> DeploymentShift:
    """Save the intended or actual shift the answers describe, classified into kinds of skill-mix change.

    The kinds also belong on the deployment itself; the mapping app's ``save_change_answers`` calls this and
    writes them there, in the same transaction (skill-mix sits below mapping, so it does not write deployments).
    """
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
        return create_row(actor, DeploymentShift(deployment=deployment, which=which, **fields))
    return update_row(actor, existing, fields)
