"""Tests for the skill-mix change typology (pure, no database)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newroles.skillmix.typology import (
    AFC_BANDS,
    KIND_DEFINITIONS,
    KIND_LABELS,
    KINDS,
    LEVELS,
    Classification,
    NewTitle,
    Shift,
    ShiftError,
    Side,
    band_rank,
    classify,
    compare_levels,
    levels_differ,
    new_title_relation,
    normalise_occupation,
)
from newroles.skillmix.typology_json import classify_many, parse_shift, shift_as_json

PEER_SUPPORT = Side("peer support", "3", registered=False, medical=False)
NURSE_6 = Side("mental health nursing", "6", registered=True, medical=False)
PSYCHIATRIST = Side("psychiatry", None, registered=True, medical=True)


def nurse(band: str) -> Side:
    return Side("mental health nursing", band, registered=True, medical=False)


def psychologist(band: str) -> Side:
    return Side("clinical psychology", band, registered=True, medical=False)


def shift(recipient: Side, *sources: Side, change: str = "none", novel: bool = False) -> Shift:
    return Shift(recipient, tuple(sources), change, novel)  # type: ignore[arg-type]


# --- constants --------------------------------------------------------------------------------------------


def test_kinds_are_in_canonical_order() -> None:
    assert KINDS == (
        "delegation",
        "horizontal_substitution",
        "specialisation",
        "diversification",
        "innovation",
    )


def test_every_kind_has_a_label_and_a_definition() -> None:
    assert set(KIND_LABELS) == set(KINDS) == set(KIND_DEFINITIONS)
    assert KIND_LABELS["horizontal_substitution"] == "Horizontal substitution"


def test_definitions_are_the_briefings_words() -> None:
    assert KIND_DEFINITIONS["delegation"] == (
        "Adoption of tasks across occupational boundaries where levels of training, expertise, power, and "
        "autonomy between disciplines are not equal."
    )
    assert KIND_DEFINITIONS["diversification"] == (
        "When a role expands to broader tasks and responsibilities within its own discipline."
    )


# --- band_rank --------------------------------------------------------------------------------------------


# Each of 8a-8d is its own step (issue 15): 8a-8d were all ranked 8 and 9 was 9.
@pytest.mark.parametrize(
    ("band", "rank"), [("1", 1), ("5", 5), ("7", 7), ("8a", 8), ("8B", 9), (" 8c ", 10), ("8d", 11), ("9", 12)]
)
def test_band_rank(band: str, rank: int) -> None:
    assert band_rank(band) == rank


@pytest.mark.parametrize("band", ["0", "10", "8e", "Band 9", "", "seven"])
def test_band_rank_rejects_what_is_not_a_band(band: str) -> None:
    with pytest.raises(ValueError, match="not an Agenda for Change band"):
        band_rank(band)


# --- the level rule at its edges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("5", "5", False),  # same band
        ("5", "6", False),  # one apart: similar
        ("5", "7", True),  # two apart: not equal
        ("8a", "8c", True),  # 8a-8d are each a step: two apart (was similar while 8a-8d counted as 8)
        ("8a", "8d", True),  # three apart (was similar)
        ("7", "8b", True),  # two apart (was similar: "7 vs 8, one apart")
        ("7", "8a", False),  # still one apart
        ("6", "8a", True),  # two apart
        ("8d", "9", False),
        ("7", "9", True),
        ("3", "9", True),
    ],
)
def test_band_gap_decides_level_between_registered_non_medical_roles(a: str, b: str, expected: bool) -> None:
    assert levels_differ(nurse(a), psychologist(b)) is expected


def test_medical_against_non_medical_is_not_equal_whatever_the_band() -> None:
    assert levels_differ(PSYCHIATRIST, nurse("8d")) is True


def test_both_medical_is_similar() -> None:
    assert levels_differ(PSYCHIATRIST, Side("general practice", None, True, True)) is False


def test_a_band_given_for_a_doctor_is_ignored() -> None:
    doctor_with_band = Side("psychiatry", "2", registered=True, medical=True)
    assert levels_differ(doctor_with_band, PSYCHIATRIST) is False


def test_a_doctor_with_unstated_registration_counts_as_registered() -> None:
    assert levels_differ(Side("psychiatry", None, None, True), PSYCHIATRIST) is False


def test_registration_differing_is_not_equal_even_at_the_same_band() -> None:
    assert levels_differ(Side("peer support", "4", False), Side("nursing associate", "4", True)) is True


def test_unknown_band_leaves_level_undecided() -> None:
    assert levels_differ(nurse("6"), Side("psychology", None, True)) is None


def test_unknown_registration_leaves_level_undecided() -> None:
    assert levels_differ(nurse("6"), Side("psychology", "6", None)) is None


def test_a_known_difference_decides_despite_an_unknown_fact() -> None:
    # Registration unknown, but bands 3 and 7 are four apart: not equal whatever the registration.
    assert levels_differ(Side("support work", "3", None), nurse("7")) is True


def test_unknown_medical_flag_leaves_level_undecided() -> None:
    assert levels_differ(Side("x", "6", True, None), nurse("6")) is None


# --- each kind --------------------------------------------------------------------------------------------


def test_delegation() -> None:
    result = classify(shift(PEER_SUPPORT, NURSE_6))
    assert result.kinds == ["delegation"]
    assert result.missing == []
    assert "mental health nursing" in result.reasons["delegation"]


def test_horizontal_substitution() -> None:
    result = classify(shift(psychologist("7"), nurse("7")))
    assert result.kinds == ["horizontal_substitution"]
    assert "similar" in result.reasons["horizontal_substitution"]


def test_specialisation() -> None:
    assert classify(shift(nurse("7"), change="narrower")).kinds == ["specialisation"]


def test_diversification() -> None:
    assert classify(shift(nurse("7"), change="broader")).kinds == ["diversification"]


def test_innovation() -> None:
    assert classify(shift(nurse("7"), novel=True)).kinds == ["innovation"]


def test_no_change() -> None:
    result = classify(shift(nurse("7")))
    assert result.as_dict() == {"kinds": [], "reasons": {}, "missing": [], "notes": []}


def test_reasons_are_one_sentence_each() -> None:
    result = classify(shift(PEER_SUPPORT, NURSE_6, Side("support work", "3", False), change="broader", novel=True))
    assert result.kinds == ["delegation", "horizontal_substitution", "diversification", "innovation"]
    for reason in result.reasons.values():
        assert reason.endswith(".")
        assert ". " not in reason


# --- multi-label ------------------------------------------------------------------------------------------


def test_delegation_and_substitution_from_different_sources() -> None:
    # Nursing associate (band 4, registered) takes tasks from a band 6 nurse (two apart: delegation) and from
    # a band 4 assistant psychologist (same band, both registered: substitution).
    recipient = Side("nursing associate", "4", True)
    result = classify(shift(recipient, nurse("6"), Side("assistant psychology", "4", True)))
    assert result.kinds == ["delegation", "horizontal_substitution"]


def test_several_kinds_come_in_canonical_order() -> None:
    # Four of the kinds from sources, scope and novelty; both scope changes together are tested below.
    result = classify(shift(PEER_SUPPORT, Side("support work", "3", False), NURSE_6, change="narrower", novel=True))
    assert result.kinds == ["delegation", "horizontal_substitution", "specialisation", "innovation"]
    both = classify(shift(PEER_SUPPORT, NURSE_6, change="broader", novel=True))
    assert both.kinds == ["delegation", "diversification", "innovation"]


def test_two_delegating_sources_make_one_kind_with_one_reason_naming_both() -> None:
    result = classify(shift(PEER_SUPPORT, NURSE_6, PSYCHIATRIST))
    assert result.kinds == ["delegation"]
    assert "mental health nursing" in result.reasons["delegation"]
    assert "psychiatry" in result.reasons["delegation"]


# --- same occupation --------------------------------------------------------------------------------------


def test_a_source_in_the_recipients_own_occupation_contributes_no_kind() -> None:
    result = classify(shift(nurse("5"), Side("Mental  Health-Nursing", "7", True)))
    assert result.kinds == []
    assert result.missing == []
    assert any("not a cross-boundary shift" in note for note in result.notes)


def test_occupations_compare_normalised() -> None:
    assert normalise_occupation("  Mental  Health-Nursing ") == "mental health nursing"


# --- missing facts ----------------------------------------------------------------------------------------


def test_missing_source_band_is_reported_and_no_level_kind_claimed() -> None:
    result = classify(shift(nurse("6"), Side("occupational therapy", None, True), novel=True))
    assert result.kinds == ["innovation"]
    assert result.missing == ["adopted_from[0].band"]


def test_missing_facts_on_both_sides_are_reported_once_each() -> None:
    recipient = Side("peer support", None, None)
    result = classify(shift(recipient, Side("nursing", None, True), Side("psychology", "6", None)))
    assert result.kinds == []
    assert result.missing == [
        "recipient.registered",
        "recipient.band",
        "adopted_from[0].band",
        "adopted_from[1].registered",
    ]


def test_facts_not_needed_are_not_reported_missing() -> None:
    # Only one side is medical: not equal, whatever the recipient's unknown band.
    result = classify(shift(Side("peer support", None, False), PSYCHIATRIST))
    assert result.kinds == ["delegation"]
    assert result.missing == []


def test_a_doctor_never_needs_a_band() -> None:
    result = classify(shift(PSYCHIATRIST, Side("general practice", None, None, True)))
    assert result.kinds == ["horizontal_substitution"]
    assert result.missing == []


def test_missing_occupation_is_reported() -> None:
    result = classify(shift(nurse("6"), Side(None, "3", False)))
    assert result.kinds == []
    assert result.missing == ["adopted_from[0].occupation"]


def test_facts_about_the_recipient_only_matter_with_adopted_tasks() -> None:
    result = classify(shift(Side("peer support", None, None), change="narrower"))
    assert result.kinds == ["specialisation"]
    assert result.missing == []


# --- parsing ----------------------------------------------------------------------------------------------

EXAMPLE = {
    "recipient": {"occupation": "peer support", "band": "3", "registered": False, "medical": False},
    "adopted_from": [{"occupation": "mental health nursing", "band": "6", "registered": True, "medical": False}],
    "own_discipline_change": "none",
    "novel_practice": False,
}


def test_parse_the_example() -> None:
    parsed = parse_shift(EXAMPLE)
    assert parsed == Shift(PEER_SUPPORT, (NURSE_6,), "none", False)
    assert classify(parsed).kinds == ["delegation"]


def test_parse_defaults_and_normalisation() -> None:
    parsed = parse_shift(
        {"recipient": {"occupation": " nursing ", "band": "8A", "extra": 1}, "own_discipline_change": None}
    )
    assert parsed == Shift(Side("nursing", "8a", None, False), (), "none", False)


def test_parse_keeps_explicit_null_medical_as_unknown() -> None:
    assert parse_shift({"recipient": {"occupation": "x", "medical": None}}).recipient.medical is None


def test_parse_reads_blank_text_as_unknown() -> None:
    assert parse_shift({"recipient": {"occupation": "x", "band": "  "}}).recipient.band is None


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"recipient": {"band": "Band 9"}}, "recipient.band", "'Band 9' is not an Agenda for Change band"),
        ({"recipient": {"band": 5}}, "recipient.band", "expected a string or null, got number"),
        ({"recipient": {"registered": "yes"}}, "recipient.registered", "got string"),
        ({"recipient": {"medical": 1}}, "recipient.medical", "got number"),
        ({"recipient": {"occupation": ["x"]}}, "recipient.occupation", "got array"),
        ({}, "recipient", "is required"),
        ({"recipient": "nurse"}, "recipient", "expected an object"),
        ({"recipient": {}, "adopted_from": {}}, "adopted_from", "expected an array"),
        ({"recipient": {}, "adopted_from": [3]}, "adopted_from[0]", "expected an object"),
        ({"recipient": {}, "own_discipline_change": "wider"}, "own_discipline_change", "not one of"),
        ({"recipient": {}, "own_discipline_change": 1}, "own_discipline_change", "expected a string"),
        ({"recipient": {}, "novel_practice": "no"}, "novel_practice", "expected true or false"),
    ],
)
def test_parse_errors_name_the_field(data: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(ShiftError) as caught:
        parse_shift(data, item=4)
    assert caught.value.item == 4
    assert caught.value.field == field
    assert str(caught.value).startswith(f"item 4, field {field}: ")
    assert fragment in str(caught.value)


def test_parse_reads_levels_roles_new_titles_and_both_scope_changes() -> None:
    parsed = parse_shift(
        {
            "recipient": {
                "occupation": "mental health practitioner", "band": "6", "level": "Registered professional",
                "role": "mental_health_practitioner",
                "new_title_of": [{"role": "mental_health_nurse", "bands": ["6", "7"], "reason": "Renamed."}],
            },
            "adopted_from": [{"occupation": "psychiatry", "level": "medical"}],
            "own_discipline_change": ["broader", "narrower", "none"],
            "novel_practice_reason": " Lived experience. ",
        }
    )  # fmt: skip
    assert parsed.recipient.level == "registered_professional"
    assert parsed.recipient.new_title_of == (NewTitle("mental_health_nurse", ("6", "7"), "Renamed."),)
    assert parsed.adopted_from[0].medical is True  # a stated medical level settles it
    assert parsed.own_discipline_change == ("narrower", "broader")
    assert parsed.novel_practice_reason == "Lived experience."


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"recipient": {"level": "senior"}}, "recipient.level", "'senior' is not one of support, associate"),
        ({"recipient": {"level": "medical", "medical": False}}, "recipient.level",
         "medical contradicts medical: false"),
        ({"recipient": {"new_title_of": {}}}, "recipient.new_title_of", "expected an array"),
        ({"recipient": {"new_title_of": [{}]}}, "recipient.new_title_of[0].role", "is required"),
        ({"recipient": {"new_title_of": [{"role": "x", "bands": ["10"]}]}}, "recipient.new_title_of[0].bands[0]",
         "not an Agenda for Change band"),
        ({"recipient": {}, "own_discipline_change": ["narrower", 2]}, "own_discipline_change", "array of strings"),
        ({"recipient": {}, "own_discipline_change": ["deeper"]}, "own_discipline_change", "'deeper' is not one of"),
    ],
)  # fmt: skip
def test_parse_errors_in_the_newer_facts_name_the_field(data: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(ShiftError) as caught:
        parse_shift(data, item=0)
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_parse_error_message_matches_the_documented_form() -> None:
    data = {"recipient": {"occupation": "x"}, "adopted_from": [{"occupation": "y", "band": "Band 9"}]}
    with pytest.raises(ShiftError) as caught:
        classify_many([EXAMPLE, EXAMPLE, data])
    assert str(caught.value) == (
        "item 2, field adopted_from[0].band: 'Band 9' is not an Agenda for Change band (1-9, 8a-8d)"
    )
    assert isinstance(caught.value, ValueError)


def test_parse_error_without_item_omits_it() -> None:
    with pytest.raises(ShiftError, match=r"^field recipient: is required$"):
        parse_shift({})


def test_parse_rejects_a_non_object() -> None:
    with pytest.raises(ShiftError, match="expected a shift object, got array"):
        parse_shift([], item=0)


# --- classify_many ----------------------------------------------------------------------------------------


def test_classify_many_accepts_one_object() -> None:
    assert classify_many(EXAMPLE) == [classify(parse_shift(EXAMPLE)).as_dict()]


def test_classify_many_accepts_a_list_and_is_json_serialisable() -> None:
    results = classify_many(json.loads(json.dumps([EXAMPLE, {"recipient": {"occupation": "x"}}])))
    assert [r["kinds"] for r in results] == [["delegation"], []]
    assert set(results[0]) == {"kinds", "reasons", "missing", "notes"}
    json.dumps(results)


def test_classify_many_rejects_other_input() -> None:
    with pytest.raises(ShiftError, match="expected a shift object or an array"):
        classify_many("delegation")


def test_as_dict_has_exactly_four_keys() -> None:
    # "notes" joined the three (issue 15): a source that gives no kind (tasks moving up, a new title) says why.
    assert set(Classification(["innovation"], {"innovation": "x"}, []).as_dict()) == {
        "kinds",
        "reasons",
        "missing",
        "notes",
    }


# --- properties -------------------------------------------------------------------------------------------

occupations = st.sampled_from(["nursing", "Nursing", "psychology", "peer support", "psychiatry", "social work"])
sides = st.builds(
    Side,
    occupation=st.one_of(st.none(), occupations),
    band=st.one_of(st.none(), st.sampled_from(AFC_BANDS)),
    registered=st.one_of(st.none(), st.booleans()),
    medical=st.one_of(st.none(), st.booleans()),
    level=st.one_of(st.none(), st.none(), st.sampled_from(LEVELS)),  # a stated level, or the older facts alone
)
shifts = st.builds(
    Shift,
    recipient=sides,
    adopted_from=st.lists(sides, max_size=4).map(tuple),
    own_discipline_change=st.one_of(
        st.sampled_from(["none", "narrower", "broader"]), st.lists(st.sampled_from(["narrower", "broader"]))
    ),
    novel_practice=st.booleans(),
)


@given(shifts)
def test_kinds_are_a_canonically_ordered_subset_of_kinds(value: Shift) -> None:
    kinds = classify(value).kinds
    assert kinds == [kind for kind in KINDS if kind in kinds]
    assert len(set(kinds)) == len(kinds)


@given(shifts)
def test_every_kind_has_a_reason_and_every_reason_a_kind(value: Shift) -> None:
    result = classify(value)
    assert list(result.reasons) == result.kinds
    assert all(reason.strip() for reason in result.reasons.values())


@given(sides, sides)
def test_one_source_never_gives_both_delegation_and_substitution(recipient: Side, source: Side) -> None:
    kinds = classify(shift(recipient, source)).kinds
    assert not {"delegation", "horizontal_substitution"} <= set(kinds)


@given(sides, sides)
def test_level_decision_is_symmetric(a: Side, b: Side) -> None:
    assert levels_differ(a, b) == levels_differ(b, a)


@given(shifts)
def test_no_adopted_tasks_means_neither_delegation_nor_substitution(value: Shift) -> None:
    bare = Shift(value.recipient, (), value.own_discipline_change, value.novel_practice)
    kinds = set(classify(bare).kinds)
    assert not kinds & {"delegation", "horizontal_substitution"}
    assert classify(bare).missing == []


@given(shifts)
def test_narrower_always_gives_specialisation(value: Shift) -> None:
    narrower = Shift(value.recipient, value.adopted_from, "narrower", value.novel_practice)
    assert "specialisation" in classify(narrower).kinds
    assert "diversification" not in classify(narrower).kinds


@given(shifts)
def test_novel_practice_is_innovation(value: Shift) -> None:
    assert ("innovation" in classify(value).kinds) == value.novel_practice


@given(shifts)
def test_level_kinds_are_claimed_only_when_decided_and_missing_only_when_not(value: Shift) -> None:
    # Direction joined the rule (issue 15): not-similar is delegation only when the source is the higher level;
    # before, every not-similar source was delegation.
    result = classify(value)
    level_kinds = {"delegation", "horizontal_substitution"} & set(result.kinds)
    decided = [
        compare_levels(value.recipient, source)
        for source in value.adopted_from
        if value.recipient.occupation
        and source.occupation
        and normalise_occupation(source.occupation) != normalise_occupation(value.recipient.occupation)
        and new_title_relation(value.recipient, source) is None
    ]
    assert ("delegation" in level_kinds) == any(c.differ is True and c.direction == 1 for c in decided)
    assert ("horizontal_substitution" in level_kinds) == any(c.differ is False for c in decided)
    if any(c.differ is None or (c.differ and c.direction is None) for c in decided):
        assert result.missing
    if any(c.differ and c.direction == -1 for c in decided):
        assert any(note.startswith("Tasks move up a level") for note in result.notes)


@given(sides, sides)
def test_the_comparison_is_antisymmetric(a: Side, b: Side) -> None:
    forward, backward = compare_levels(a, b), compare_levels(b, a)
    assert forward.differ == backward.differ
    assert forward.direction == (None if backward.direction is None else -backward.direction)
    assert (forward.direction is not None) <= bool(forward.differ)


@given(st.sampled_from(LEVELS[:-1]), st.sampled_from(AFC_BANDS), st.sampled_from(AFC_BANDS))
def test_at_one_level_each_band_is_a_step_and_two_steps_are_not_similar(level: str, a: str, b: str) -> None:
    steps = abs(AFC_BANDS.index(a) - AFC_BANDS.index(b))
    assert levels_differ(Side("x", a, level=level), Side("y", b, level=level)) is (steps >= 2)


def test_band_steps_run_one_apart_from_1_to_9() -> None:
    assert [band_rank(band) for band in AFC_BANDS] == list(range(1, len(AFC_BANDS) + 1))


@given(sides, sides)
def test_the_same_shift_reversed_is_never_delegation_both_ways(a: Side, b: Side) -> None:
    a, b = replace(a, occupation="first"), replace(b, occupation="second")
    there, back = classify(shift(a, b)), classify(shift(b, a))
    assert not ("delegation" in there.kinds and "delegation" in back.kinds)
    if "delegation" in there.kinds:
        assert "horizontal_substitution" not in back.kinds
        assert any(note.startswith("Tasks move up a level") for note in back.notes)


@given(shifts)
def test_both_scope_changes_give_both_kinds(value: Shift) -> None:
    both = replace(value, own_discipline_change=("narrower", "broader"))
    assert {"specialisation", "diversification"} <= set(classify(both).kinds)


@given(shifts)
def test_classification_round_trips_through_json(value: Shift) -> None:
    data = {
        "recipient": vars(value.recipient),
        "adopted_from": [vars(source) for source in value.adopted_from],
        "own_discipline_change": value.own_discipline_change,
        "novel_practice": value.novel_practice,
    }
    assert classify_many(json.loads(json.dumps(data))) == [classify(value).as_dict()]


@given(shifts)
def test_the_json_form_of_a_shift_reads_back_as_the_same_shift(value: Shift) -> None:
    assert parse_shift(json.loads(json.dumps(shift_as_json(value)))) == value
