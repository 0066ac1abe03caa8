"""Catalogue roles named by slug in task shifts: facts from the catalogue, stated facts over them."""

from __future__ import annotations

import pytest

from newroles.roles.models import Role
from newroles.skillmix.roles_facts import (
    catalogue_roles,
    classify_json,
    classify_with_roles,
    parse_with_roles,
    role_side_facts,
    side_of_role,
)
from newroles.skillmix.typology import NewTitle, ShiftError, Side

pytestmark = pytest.mark.django_db


def test_a_roles_facts_come_from_the_catalogue() -> None:
    facts = role_side_facts(Role.objects.get(slug="cbt_therapist"))
    assert facts["occupation"] == "CBT therapist"
    assert facts["level"] == "registered_professional"
    assert facts["registered"] is False  # a voluntary register: no longer what decides the level
    assert facts["band"] is None  # bands 6-8a: which one is the shift's to say
    doctor = role_side_facts(Role.objects.get(slug="psychiatrist"))
    assert doctor["medical"] is True and doctor["level"] == "medical" and doctor["band"] is None


def test_a_role_with_one_band_takes_it_unless_the_shift_says_otherwise() -> None:
    role = Role.objects.get(slug="healthcare_support_worker")
    Role.objects.filter(pk=role.pk).update(band_min="3", band_max="3")
    recipient = parse_with_roles({"recipient": {"role": "healthcare_support_worker"}}).recipient
    assert recipient.band == "3"
    assert parse_with_roles({"recipient": {"role": "healthcare_support_worker", "band": "2"}}).recipient.band == "2"
    assert parse_with_roles({"recipient": {"role": "healthcare_support_worker", "band": None}}).recipient.band is None


def test_a_stated_medical_flag_against_the_catalogue_drops_its_level() -> None:
    side = parse_with_roles({"recipient": {"role": "advanced_practitioner", "medical": True}}).recipient
    assert side.level is None and side.medical is True
    with pytest.raises(ShiftError, match=r"recipient\.level: associate contradicts medical: true"):
        parse_with_roles({"recipient": {"role": "nursing_associate", "medical": True, "level": "associate"}})


def test_new_titles_come_with_the_role() -> None:
    side = side_of_role(Role.objects.get(slug="mental_health_practitioner"), "6")
    assert NewTitle in {type(t) for t in side.new_title_of}
    assert {t.role for t in side.new_title_of} == {"mental_health_nurse", "occupational_therapist", "social_worker"}
    assert side == parse_with_roles({"recipient": {"role": "mental_health_practitioner", "band": "6"}}).recipient


def test_the_innovation_default_applies_only_when_the_shift_leaves_it_out() -> None:
    assert classify_with_roles({"recipient": {"role": "social_prescribing_link_worker"}}).kinds == ["innovation"]
    assert classify_with_roles(
        {"recipient": {"role": "social_prescribing_link_worker"}, "novel_practice": None}
    ).kinds == ["innovation"]
    assert (
        classify_with_roles({"recipient": {"role": "social_prescribing_link_worker"}, "novel_practice": False}).kinds
        == []
    )
    # A source's catalogue answer says nothing about the recipient.
    shift = {"recipient": {"occupation": "x", "level": "support"}, "adopted_from": [{"role": "peer_support_worker"}]}
    assert "innovation" not in classify_with_roles(shift).kinds


def test_a_shift_naming_no_role_reads_nothing_from_the_database(django_assert_num_queries) -> None:
    older = {"recipient": {"occupation": "peer support", "band": "3", "registered": False}}
    with django_assert_num_queries(0):
        assert catalogue_roles([older]) == {}
        assert classify_json([older, older])[0]["kinds"] == []


def test_every_slug_in_a_list_is_resolved_in_one_query(django_assert_num_queries) -> None:
    shifts = [
        {"recipient": {"role": "nursing_associate", "band": "4"},
         "adopted_from": [{"role": "mental_health_nurse", "band": "5"}]},
        {"recipient": {"role": "occupational_therapist", "band": "6"},
         "adopted_from": [{"role": "social_worker", "band": "6"}]},
    ]  # fmt: skip
    with django_assert_num_queries(1):
        results = classify_json(shifts)
    assert [r["kinds"] for r in results] == [["delegation"], ["horizontal_substitution"]]


def test_a_slug_must_be_a_string() -> None:
    with pytest.raises(ShiftError, match=r"recipient\.role: expected a catalogue role's slug"):
        classify_json({"recipient": {"role": 3}})


def test_a_side_from_a_role_keeps_a_stated_registration() -> None:
    side = side_of_role(Role.objects.get(slug="nursing_associate"), "3", registered=False)
    assert side == Side(
        "Nursing associate", "3", False, False, level="associate", role="nursing_associate", new_title_of=()
    )
