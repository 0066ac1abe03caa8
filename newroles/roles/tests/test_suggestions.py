"""Where the normaliser abstains it suggests the three likeliest roles with their evidence; the
staff record's shortenings of lived experience, recovery, wellbeing and peer work are understood."""

from __future__ import annotations

import pytest

from newroles.roles.normaliser import Normaliser, load_catalogue_roles, load_occupation_codes, suggest
from newroles.roles.tests.test_normaliser import CATALOGUE, OCCUPATION_CODES


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(load_catalogue_roles(CATALOGUE), load_occupation_codes(OCCUPATION_CODES))


@pytest.mark.parametrize(
    "title",
    ["Lived Exp. Practitioner", "lived exp practitioner", "LE Practitioner", "Lived Experience Peer Worker",
     "Peer Wrkr", "Peer Support Wkr - Crisis"],
)  # fmt: skip
def test_abbreviations_of_lived_experience_and_peer_work_are_peer_support(norm: Normaliser, title: str) -> None:
    match = norm.normalise(title)
    assert (match.slug, match.confidence >= 0.8) == ("peer_support_worker", True), match


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Recov Worker", "support_time_recovery_worker"), ("Recovery Support Worker", "support_time_recovery_worker"),
     ("H&WB Coach", "health_and_wellbeing_coach"),
     ("Mental Health Wellbeing Pract", "mental_health_wellbeing_practitioner"),
     ("Employment Spec", "employment_specialist"), ("Adv Practitioner", "advanced_practitioner")],
)  # fmt: skip
def test_abbreviations_of_recovery_wellbeing_and_practice(norm: Normaliser, title: str, slug: str) -> None:
    assert norm.normalise(title).slug == slug


def test_three_suggestions_with_evidence_where_it_abstains(norm: Normaliser) -> None:
    assert norm.normalise("Recovery Navigator").slug is None
    found = suggest(norm, "Recovery Navigator")
    assert len(found) == 3
    by_slug = {s.slug: s for s in found}
    assert {"support_time_recovery_worker", "community_connector"} <= set(by_slug)
    assert by_slug["support_time_recovery_worker"].words == ("recovery",)
    assert "recovery" in by_slug["support_time_recovery_worker"].alias
    assert by_slug["community_connector"].alias == "care navigator"
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_a_suggestion_for_a_lived_experience_title_is_peer_support(norm: Normaliser) -> None:
    best = suggest(norm, "Lived Experience Lead")[0]
    assert best.slug == "peer_support_worker" and set(best.words) == {"lived", "experience"}


def test_nothing_in_common_suggests_nothing(norm: Normaliser) -> None:
    assert suggest(norm, "Porter") == [] and suggest(norm, "") == []
