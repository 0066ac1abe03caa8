"""Titles that could mean more than one role are answered only with evidence: the normaliser abstains on
them alone, a code settles them, and an exact lookup of a national alias does not bypass the rule.

A bare "Approved Clinician" or "Responsible Clinician" is the multi-professional approved clinician only
when a code shows a non-medical profession: consultant psychiatrists are approved and responsible
clinicians too. "AP" is an advanced or an assistant practitioner.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newroles.roles.normaliser import Normaliser, is_ambiguous_title, load_catalogue_roles, load_occupation_codes
from newroles.roles.normaliser.scores import ANSWER_THRESHOLD, SETTLED_BY_CODE_FLOOR

DATA = Path(__file__).resolve().parents[1] / "data"
MPAC = "multi_professional_approved_clinician"


@pytest.fixture(scope="module")
def roles() -> list[dict[str, Any]]:
    return load_catalogue_roles(DATA / "catalogue.json")


@pytest.fixture(scope="module")
def norm(roles: list[dict[str, Any]]) -> Normaliser:
    return Normaliser(roles, load_occupation_codes(DATA / "nhs_occupation_codes_v22_1.csv"))


@pytest.mark.parametrize(
    "title", ["Approved Clinician", "Responsible Clinician", "Approved Clinician/Responsible Clinician", "RC",
              "Trainee Approved Clinician", "Acting Approved Clinician", "Responsible Clinician - Forensic", "AP"],
)  # fmt: skip
def test_an_ambiguous_title_alone_is_not_answered(norm: Normaliser, title: str) -> None:
    match = norm.normalise(title)
    assert match.slug is None and match.method == "abstain"
    assert len(match.candidates) >= 2, "the possible roles are kept for whoever resolves the title"


@pytest.mark.parametrize(
    ("title", "code", "job_role", "slug"),
    [
        ("Approved Clinician", "N6E", None, MPAC),  # a mental health nurse
        ("Responsible Clinician", "S1L", None, MPAC),  # a psychologist
        ("Approved Clinician", "S1C", None, MPAC),  # an occupational therapist
        ("Approved Clinician/Responsible Clinician", "NAE", None, MPAC),  # a nurse consultant
        ("Responsible Clinician", "052", None, "psychiatrist"),  # general psychiatry
        ("Approved Clinician", None, "Consultant Psychiatrist", "psychiatrist"),
        ("AP", "NFE", None, "assistant_practitioner"),
        ("AP", "N6E", None, "advanced_practitioner"),
    ],
)
def test_a_code_of_a_profession_settles_an_ambiguous_title(
    norm: Normaliser, title: str, code: str | None, job_role: str | None, slug: str
) -> None:
    match = norm.normalise(title, job_role, code)
    assert (match.slug, match.method) == (slug, "code")
    assert match.confidence >= SETTLED_BY_CODE_FLOOR


def test_a_non_medical_staff_group_alone_settles_it_for_review(norm: Normaliser) -> None:
    # S1X names no role, but a therapist in other ST&T staff cannot be the psychiatrist.
    match = norm.normalise("Approved Clinician", occupation_code="S1X")
    assert match.slug == MPAC
    assert ANSWER_THRESHOLD <= match.confidence < SETTLED_BY_CODE_FLOOR, "answered, but a person reviews it"
    # Any medical code leaves only the doctor.
    assert norm.normalise("Responsible Clinician", occupation_code="001").slug == "psychiatrist"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Clinical Psychologist (Approved Clinician)", MPAC),
        ("Consultant Nurse & Approved Clinician", MPAC),
        ("Consultant Psychiatrist (Responsible Clinician)", "psychiatrist"),
        ("Approved Clinician (Non-Medical)", MPAC),
        ("Non-Medical Responsible Clinician", MPAC),
    ],
)
def test_beside_a_profession_the_phrase_still_qualifies_it(norm: Normaliser, title: str, slug: str) -> None:
    assert norm.normalise(title).slug == slug


def test_every_ambiguous_catalogue_alias_is_never_answered_without_evidence(norm: Normaliser) -> None:
    catalogue = json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))
    ambiguous = [a["title"] for role in catalogue["roles"] for a in role["aliases"] if is_ambiguous_title(a["title"])]
    assert {"NA", "PA", "AP", "Approved Clinician", "Responsible Clinician"} <= set(ambiguous)
    for title in ambiguous:
        assert norm.normalise(title).slug is None, title
