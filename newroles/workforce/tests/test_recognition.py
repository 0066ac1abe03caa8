"""Titles and headers as trusts write them: an abbreviated lived-experience title and a "Band/Grade"
column are recognised without the trust's help."""

from __future__ import annotations

from pathlib import Path

import pytest

from newroles.roles.normaliser import Normaliser, load_catalogue_roles, load_occupation_codes
from newroles.workforce import services
from newroles.workforce.tests.conftest import post, rows_of

ROLES_DATA = Path(__file__).resolve().parents[2] / "roles" / "data"


def test_an_abbreviated_lived_experience_title_is_recognised() -> None:
    norm = Normaliser(
        load_catalogue_roles(ROLES_DATA / "catalogue.json"),
        load_occupation_codes(ROLES_DATA / "nhs_occupation_codes_v22_1.csv"),
    )
    full = norm.normalise("Lived Experience Practitioner")
    for title in ("Lived Exp. Practitioner", "Lived Exp Practitioner", "Senior Lived Exp. Practitioner - Crisis Team"):
        match = norm.normalise(title)
        assert (match.slug, match.method) == (full.slug, full.method) == ("peer_support_worker", "exact_alias"), title
        assert match.confidence >= services.REVIEW_CONFIDENCE


@pytest.mark.django_db
def test_an_abbreviated_lived_experience_title_is_counted_with_confidence(sheffield, run_import) -> None:
    obj = run_import(sheffield, rows_of((5, post("Lived Exp. Practitioner", grade="Band 4"))))
    assert services.import_match_figures(obj)["staff_confident"] == 5


@pytest.mark.django_db
def test_a_band_grade_header_maps_itself(sheffield) -> None:
    headers = ["Position Title", "Band/Grade", "Contracted WTE"]
    assert services.suggest_mapping(sheffield, headers)["band"] == "Band/Grade"
    assert services.suggest_mapping(sheffield, ["Position Title", "Grade / Band"])["band"] == "Grade / Band"
