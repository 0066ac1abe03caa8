"""Tests for team skill-mix metrics (pure, no database). Expected values are worked by hand in each test."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newroles.skillmix.metrics import (
    DEFAULT_ON_COST,
    DEFAULT_SUPERVISOR_HOURS_PER_WTE,
    SHANNON_EXPLANATION,
    PayTable,
    Post,
    TeamMetrics,
    available_pay_years,
    compare,
    compute,
    load_pay_table,
    shannon_index,
)
from newroles.skillmix.typology import AFC_BANDS

PAY = load_pay_table("2025/26")

# 2025/26 England pay points used below (NHS Employers): band 4 top 30,162; band 6 entry 38,682, top 46,580;
# band 7 top 54,710.
B4_TOP = 30_162
B6_ENTRY = 38_682
B6_TOP = 46_580
B7_TOP = 54_710


def post(
    role: str = "mental-health-nurse",
    group: str = "nursing",
    band: str | None = "6",
    *,
    medical: bool = False,
    wte: float = 1.0,
    registered: bool = True,
    competencies: frozenset[str] | set[str] = frozenset(),
    filled: bool = True,
    supervision: float = 0.0,
    supervises: bool = False,
) -> Post:
    return Post(
        role_slug=role,
        staff_group=group,
        band=band,
        medical=medical,
        wte=wte,
        registered=registered,
        competencies=frozenset(competencies),
        filled=filled,
        supervision_hours_per_wte=supervision,
        supervises_others=supervises,
    )


def metrics(posts: list[Post], **options: object) -> TeamMetrics:
    return compute(posts, pay_table=PAY, **options)  # type: ignore[arg-type]


# --- staff mix --------------------------------------------------------------------------------------------


def test_staff_mix_counts_filled_and_vacant_apart() -> None:
    team = [
        post("mental-health-nurse", "nursing", "6", wte=1.0),
        post("mental-health-nurse", "nursing", "6", wte=0.5),
        post("healthcare-assistant", "support to clinical staff", "3", wte=1.0, registered=False),
        post("occupational-therapist", "allied health professionals", "5", wte=1.0, filled=False),
    ]
    mix = metrics(team).staff_mix

    assert mix.headcount == 3  # three filled posts; the vacancy has no head to count
    assert mix.vacancies == 1
    assert mix.wte_filled == pytest.approx(1.0 + 0.5 + 1.0)
    assert mix.wte_vacant == pytest.approx(1.0)
    assert mix.wte_establishment == pytest.approx(2.5 + 1.0)

    nursing = mix.by_staff_group["nursing"]
    assert (nursing.headcount, nursing.wte_filled, nursing.vacancies) == (2, pytest.approx(1.5), 0)
    ot = mix.by_staff_group["allied health professionals"]
    assert (ot.headcount, ot.wte_filled, ot.vacancies, ot.wte_vacant) == (0, 0.0, 1, pytest.approx(1.0))
    assert mix.by_role["mental-health-nurse"].headcount == 2

    # Registered share over filled WTE: nurses 1.5 of 2.5 (the vacant OT does not count).
    assert mix.registered_wte == pytest.approx(1.5)
    assert mix.registered_share == pytest.approx(1.5 / 2.5)
    assert mix.staff_groups_present == 2  # the OT group has no filled WTE


def test_registered_share_of_an_empty_team_is_none() -> None:
    mix = metrics([post(filled=False)]).staff_mix
    assert mix.registered_share is None
    assert (mix.headcount, mix.vacancies, mix.wte_filled) == (0, 1, 0.0)


# --- Shannon diversity ------------------------------------------------------------------------------------


def test_shannon_two_equal_groups() -> None:
    team = [post(group="nursing"), post("peer-support-worker", "support to clinical staff", "3")]
    mix = metrics(team).staff_mix
    # p = 0.5 and 0.5: H = -2 * 0.5 * ln 0.5 = ln 2
    assert mix.shannon == pytest.approx(math.log(2))
    assert mix.shannon_max == pytest.approx(math.log(2))
    assert mix.evenness == pytest.approx(1.0)


def test_shannon_three_uneven_groups() -> None:
    team = [
        post(group="nursing", wte=1.0),
        post(group="nursing", wte=1.0),
        post("psychologist", "scientific and technical", "8a", wte=1.0),
        post("peer-support-worker", "support to clinical staff", "3", wte=1.0),
        post("social-worker", "social care", "6", wte=1.0, filled=False),  # vacant: not in the index
    ]
    mix = metrics(team).staff_mix
    # WTE 2, 1, 1 of 4: p = 0.5, 0.25, 0.25
    expected = -(0.5 * math.log(0.5) + 0.25 * math.log(0.25) + 0.25 * math.log(0.25))
    assert expected == pytest.approx(1.5 * math.log(2))  # = 0.5 ln 2 + 0.5 ln 4
    assert mix.shannon == pytest.approx(expected)
    assert mix.shannon_max == pytest.approx(math.log(3))
    assert mix.evenness == pytest.approx(expected / math.log(3))
    assert mix.evenness == pytest.approx(0.9464, abs=1e-4)


def test_shannon_one_group_has_no_evenness() -> None:
    mix = metrics([post(), post(wte=0.5)]).staff_mix
    assert (mix.shannon, mix.shannon_max, mix.evenness) == (0.0, 0.0, None)


def test_shannon_index_of_nothing() -> None:
    assert shannon_index([]) == (0.0, 0.0, None)
    assert shannon_index([0.0, 0.0]) == (0.0, 0.0, None)
    # A share too small to represent is no group: one group left.
    assert shannon_index([2.0, 5e-324]) == (0.0, 0.0, None)


def test_shannon_explanation_gives_the_range() -> None:
    assert "ln(k)" in SHANNON_EXPLANATION
    assert "0 when everyone is in one staff group" in SHANNON_EXPLANATION


# --- competencies -----------------------------------------------------------------------------------------


def test_competency_coverage_missing_and_single_points_of_failure() -> None:
    team = [
        post(competencies={"risk assessment", "depot injection"}),
        post("nursing-associate", "nursing", "4", competencies={"depot injection", "physical health checks"}),
        post("psychologist", "scientific and technical", "8a", competencies={"cbt"}, filled=False),
    ]
    required = ["risk assessment", "depot injection", "cbt", "lived experience", "depot injection"]
    result = metrics(team, required_competencies=required).competencies

    assert result.required == [
        "risk assessment",
        "depot injection",
        "cbt",
        "lived experience",
    ]  # repeat dropped
    # Held by a filled post: risk assessment, depot injection -> 2 of 4 required.
    assert result.coverage == pytest.approx(2 / 4)
    # CBT is held only by the vacant psychologist post, so it is missing.
    assert result.missing == ["cbt", "lived experience"]
    # depot injection is held twice; risk assessment and physical health checks once each.
    assert result.single_points_of_failure == ["physical health checks", "risk assessment"]
    assert result.held == ["depot injection", "physical health checks", "risk assessment"]


def test_coverage_with_nothing_required_is_none() -> None:
    assert metrics([post(competencies={"x"})]).competencies.coverage is None


def test_full_coverage() -> None:
    result = metrics([post(competencies={"a", "b"})], required_competencies=["a", "b"]).competencies
    assert (result.coverage, result.missing) == (1.0, [])


# --- seniority --------------------------------------------------------------------------------------------


def test_senior_to_junior_ratio() -> None:
    team = [
        post(band="7", wte=1.0),  # senior
        post("consultant-psychiatrist", "medical and dental", None, medical=True, wte=0.5),  # senior
        post("psychologist", "scientific and technical", "8c", wte=0.2),  # senior: 8c counts as 8
        post(band="7", wte=1.0, filled=False),  # vacant: not counted
        post("healthcare-assistant", "support", "3", wte=1.0),  # junior
        post(band="5", wte=0.8),  # junior
        post(band="6", wte=1.0),  # neither
        post("legacy-support", "support", "1", wte=0.4),  # neither: band 1
        post("volunteer-lead", "support", None, wte=0.3),  # neither: no band recorded
    ]
    result = metrics(team).seniority
    assert result.senior_wte == pytest.approx(1.0 + 0.5 + 0.2)
    assert result.junior_wte == pytest.approx(1.0 + 0.8)
    assert result.neither_wte == pytest.approx(1.0 + 0.4 + 0.3)
    assert result.senior_to_junior == pytest.approx((1.0 + 0.5 + 0.2) / (1.0 + 0.8))


def test_senior_to_junior_with_no_juniors_is_none() -> None:
    result = metrics([post(band="7"), post(band="6")]).seniority
    assert result.senior_wte == pytest.approx(1.0)
    assert result.junior_wte == 0.0
    assert result.senior_to_junior is None


def test_senior_to_junior_with_no_seniors_is_zero() -> None:
    assert metrics([post(band="4")]).seniority.senior_to_junior == 0.0


def test_a_band_given_for_a_doctor_does_not_make_them_junior() -> None:
    result = metrics([post("specialty-doctor", "medical and dental", "3", medical=True)]).seniority
    assert (result.senior_wte, result.junior_wte) == (1.0, 0.0)


# --- supervision ------------------------------------------------------------------------------------------


def test_supervision_warning_when_demand_exceeds_capacity() -> None:
    team = [
        post(band="7", supervises=True, supervision=1.0),
        post("nursing-associate", "nursing", "4", supervision=1.5),
        post("nursing-associate", "nursing", "4", supervision=1.5),
        post("peer-support-worker", "support", "3", wte=0.6, registered=False, supervision=2.0),
        post(band="7", supervises=True, filled=False),  # a vacant supervisor gives no supervision
    ]
    result = metrics(team).supervision
    needed = 1.0 * 1.0 + 1.5 * 1.0 + 1.5 * 1.0 + 2.0 * 0.6  # = 5.2
    available = 1.0 * DEFAULT_SUPERVISOR_HOURS_PER_WTE  # one filled supervising WTE x 2.0 = 2.0
    assert DEFAULT_SUPERVISOR_HOURS_PER_WTE == 2.0
    assert result.hours_needed == pytest.approx(needed)
    assert result.hours_available == pytest.approx(available)
    assert result.shortfall_hours == pytest.approx(5.2 - 2.0)
    assert result.warning is not None
    assert result.warning.shortfall_hours == pytest.approx(3.2)
    assert "3.2 hours a week short" in result.warning.message


def test_no_warning_when_capacity_covers_demand() -> None:
    team = [post(band="7", supervises=True), post("nursing-associate", "nursing", "4", supervision=1.5)]
    result = metrics(team, supervisor_hours_per_wte=1.5).supervision
    # needed 1.5 x 1.0 = 1.5; available 1.0 x 1.5 = 1.5: exactly enough
    assert (result.hours_needed, result.hours_available) == (pytest.approx(1.5), pytest.approx(1.5))
    assert result.shortfall_hours == 0.0
    assert result.warning is None


# --- cost -------------------------------------------------------------------------------------------------


def test_cost_with_on_cost_at_top_of_band() -> None:
    team = [post(band="6", wte=1.0), post(band="6", wte=0.5), post(band="7", filled=False)]
    cost = metrics(team).cost
    basic = B6_TOP * 1.0 + B6_TOP * 0.5  # 69,870
    assert DEFAULT_ON_COST == 0.28
    assert cost.basic_filled == pytest.approx(basic)
    assert cost.on_costs_filled == pytest.approx(basic * 0.28)
    assert cost.total_filled == pytest.approx(69_870 * 1.28)  # 89,433.60
    assert cost.total_vacant == pytest.approx(B7_TOP * 1.28)  # cost if filled: 70,028.80
    assert cost.total_establishment == pytest.approx(89_433.60 + 70_028.80)
    assert cost.by_role == {"mental-health-nurse": pytest.approx(89_433.60)}


def test_cost_at_bottom_and_mid_point_with_own_on_cost() -> None:
    team = [post(band="6")]
    assert metrics(team, point="bottom", on_cost=0.25).cost.total_filled == pytest.approx(B6_ENTRY * 1.25)
    # mid = halfway between entry and top: (38,682 + 46,580) / 2 = 42,631
    assert metrics(team, point="mid", on_cost=0.0).cost.total_filled == pytest.approx(42_631)


def test_medical_pay_is_an_input() -> None:
    doctor = post("consultant-psychiatrist", "medical and dental", None, medical=True, wte=0.5)
    assert metrics([doctor], medical_salary=120_000).cost.total_filled == pytest.approx(120_000 * 0.5 * 1.28)
    by_role = metrics([doctor], medical_salary={"consultant-psychiatrist": 110_000}).cost
    assert by_role.total_filled == pytest.approx(110_000 * 0.5 * 1.28)


def test_posts_without_known_pay_are_listed_not_guessed() -> None:
    team = [
        post("consultant-psychiatrist", "medical and dental", None, medical=True),
        post("volunteer-lead", "support", None),
        post(band="5"),
    ]
    cost = metrics(team).cost
    assert cost.total_filled == pytest.approx(37_796 * 1.28)  # only the band 5 post (top 37,796)
    assert [(u.role_slug, u.reason) for u in cost.uncosted] == [
        ("consultant-psychiatrist", "medical post with no medical salary given"),
        ("volunteer-lead", "no band recorded"),
    ]


# --- the worked example: a band 6 vacancy repurposed as two nursing associates ------------------------------


def test_band_6_nurse_vacancy_to_two_nursing_associates() -> None:
    ward_manager = post("charge-nurse", "nursing", "7", supervises=True, supervision=1.0, competencies={"risk"})
    hca = post("healthcare-assistant", "support", "3", registered=False, supervision=1.0, competencies={"obs"})
    vacant_nurse = post("mental-health-nurse", "nursing", "6", filled=False, competencies={"depot"})
    associates = [
        post("nursing-associate", "nursing", "4", supervision=1.5, competencies={"depot", "obs"}) for _ in range(2)
    ]
    required = ["risk", "depot", "obs"]
    before = metrics([ward_manager, hca, vacant_nurse], required_competencies=required)
    after = metrics([ward_manager, hca, *associates], required_competencies=required)
    delta = compare(before, after)

    # Staffing: two more people, 2.0 more filled WTE, the vacancy gone, establishment up by 1.0 WTE.
    assert delta["staff_mix"]["headcount"] == {"before": 2, "after": 4, "delta": 2}
    assert delta["staff_mix"]["wte_filled"]["delta"] == pytest.approx(2.0)
    assert delta["staff_mix"]["vacancies"]["delta"] == -1
    assert delta["staff_mix"]["wte_establishment"]["delta"] == pytest.approx((1 + 1 + 2) - (1 + 1 + 1))
    # Nursing associates are registered (NMC): registered share 1 of 2 WTE -> 3 of 4.
    assert delta["staff_mix"]["registered_share"]["delta"] == pytest.approx(3 / 4 - 1 / 2)

    # Competencies: depot injection was only in the vacancy; now two associates hold it.
    assert before.competencies.missing == ["depot"]
    assert delta["competencies"]["coverage"]["delta"] == pytest.approx(3 / 3 - 2 / 3)
    assert after.competencies.single_points_of_failure == ["risk"]  # depot and obs are now held twice or more

    # Seniority: 1.0 senior WTE, juniors 1.0 (HCA) -> 3.0 (HCA + 2 NAs); ratio 1.0 -> 1/3.
    assert delta["seniority"]["senior_to_junior"]["before"] == pytest.approx(1.0)
    assert delta["seniority"]["senior_to_junior"]["after"] == pytest.approx(1 / 3)

    # Supervision: needed 1.0 + 1.0 = 2.0 -> 2.0 + 1.5 + 1.5 = 5.0 against 2.0 available: a new shortfall.
    assert before.supervision.warning is None
    assert after.supervision.shortfall_hours == pytest.approx(5.0 - 2.0)
    assert delta["supervision"]["hours_needed"]["delta"] == pytest.approx(3.0)

    # Cost: the vacancy's cost if filled (46,580 x 1.28 = 59,622.40) becomes two filled band 4 posts
    # (2 x 30,162 x 1.28 = 77,214.72).
    assert delta["cost"]["total_vacant"] == {
        "before": pytest.approx(B6_TOP * 1.28),
        "after": 0.0,
        "delta": pytest.approx(-59_622.40),
    }
    assert delta["cost"]["total_filled"]["delta"] == pytest.approx(2 * B4_TOP * 1.28)
    assert delta["cost"]["total_establishment"]["delta"] == pytest.approx(77_214.72 - 59_622.40)  # 17,592.32
    # A role present on one side only counts as 0 on the other.
    assert delta["cost"]["by_role"]["nursing-associate"]["before"] == 0.0
    assert delta["staff_mix"]["by_staff_group"]["support"]["headcount"]["delta"] == 0


def test_compare_gives_none_delta_when_a_ratio_is_undefined() -> None:
    before = metrics([post(band="7")])  # no juniors: ratio None
    after = metrics([post(band="7"), post(band="4")])
    leaf = compare(before, after)["seniority"]["senior_to_junior"]
    assert leaf == {"before": None, "after": 1.0, "delta": None}


def test_compare_leaves_out_assumptions_lists_and_the_warning() -> None:
    result = compare(metrics([post()]), metrics([post()]))
    assert "assumptions" not in result
    assert "missing" not in result["competencies"]
    assert "warning" not in result["supervision"]
    assert "uncosted" not in result["cost"]


def test_compare_rounds_away_float_noise() -> None:
    before = metrics([post(wte=0.1), post(wte=0.2)])
    after = metrics([post(wte=0.3), post(wte=0.3)])
    assert compare(before, after)["staff_mix"]["wte_filled"]["delta"] == 0.3  # not 0.30000000000000004


# --- as_dict and inputs -----------------------------------------------------------------------------------


def test_as_dict_is_json_serialisable() -> None:
    team = [post(competencies={"a"}, supervision=3.0), post("gp", "medical and dental", None, medical=True)]
    data = metrics(team, required_competencies=["a", "b"]).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"staff_mix", "competencies", "seniority", "supervision", "cost", "assumptions"}
    assert data["assumptions"] == {
        "pay_year": "2025/26",
        "pay_point": "top",
        "on_cost": 0.28,
        "supervisor_hours_per_wte": 2.0,
        "medical_salary": None,
    }
    assert data["supervision"]["warning"]["shortfall_hours"] == pytest.approx(3.0)


def test_post_normalises_band_and_competencies() -> None:
    made = Post("r", "g", "8A", False, 1.0, True, {"x"}, True, 0.0, False)  # type: ignore[arg-type]
    assert made.band == "8a"
    assert made.competencies == frozenset({"x"})


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"wte": -0.1}, ValueError),
        ({"wte": math.inf}, ValueError),
        ({"band": "Band 6"}, ValueError),
        ({"supervision": -1.0}, ValueError),
    ],
)
def test_post_rejects_bad_values(changes: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        post(**changes)  # type: ignore[arg-type]


def test_post_rejects_one_string_as_competencies() -> None:
    with pytest.raises(TypeError):
        Post("r", "g", "5", False, 1.0, True, "risk", True, 0.0, False)  # type: ignore[arg-type]


@pytest.mark.parametrize("options", [{"on_cost": -0.1}, {"supervisor_hours_per_wte": -1.0}, {"point": "average"}])
def test_compute_rejects_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        metrics([post()], **options)


# --- pay tables -------------------------------------------------------------------------------------------


def test_pay_table_2025_26_published_figures() -> None:
    assert available_pay_years() == ["2025/26"]
    assert PAY.year == "2025/26"
    assert "NHS Employers" in PAY.source
    assert "Public sector information" in PAY.licence
    published = {  # band: (entry, top), England 2025/26
        "2": (24_465, 24_465),
        "3": (24_937, 26_598),
        "4": (27_485, 30_162),
        "5": (31_049, 37_796),
        "6": (38_682, 46_580),
        "7": (47_810, 54_710),
        "8a": (55_690, 62_682),
        "8b": (64_455, 74_896),
        "8c": (76_965, 88_682),
        "8d": (91_342, 105_337),
        "9": (109_179, 125_637),
    }
    for band, (entry, top) in published.items():
        assert (PAY.annual(band, "bottom"), PAY.annual(band, "top")) == (entry, top), band
    assert [p.annual for p in PAY.bands["5"]] == [31_049, 33_487, 37_796]
    assert [p.annual for p in PAY.bands["6"]] == [38_682, 40_823, 46_580]
    assert [p.annual for p in PAY.bands["7"]] == [47_810, 50_273, 54_710]


def test_pay_table_covers_every_band_in_rising_order() -> None:
    assert set(PAY.bands) == set(AFC_BANDS)
    previous_top = 0.0
    for band in AFC_BANDS[1:]:  # band 1 is paid at the band 2 rate
        points = [p.annual for p in PAY.bands[band]]
        assert points == sorted(points)
        assert points[0] >= previous_top
        previous_top = points[-1]


def test_pay_table_errors() -> None:
    with pytest.raises(ValueError, match="no pay table for '1999/00'"):
        load_pay_table("1999/00")
    with pytest.raises(KeyError):
        PayTable(year="x", bands={}).annual("5")
    with pytest.raises(ValueError, match="point must be"):
        PAY.annual("5", "average")  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------------------------

posts = st.builds(
    Post,
    role_slug=st.sampled_from(["nurse", "na", "psw", "psychiatrist"]),
    staff_group=st.sampled_from(["nursing", "support", "medical", "psychology"]),
    band=st.one_of(st.none(), st.sampled_from(AFC_BANDS)),
    medical=st.booleans(),
    wte=st.integers(min_value=0, max_value=100).map(lambda n: n / 100),  # WTE to two decimals
    registered=st.booleans(),
    competencies=st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=3),
    filled=st.booleans(),
    supervision_hours_per_wte=st.floats(min_value=0.0, max_value=4.0),
    supervises_others=st.booleans(),
)


@given(st.lists(posts, max_size=8), st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=5))
def test_metric_ranges(team: list[Post], required: list[str]) -> None:
    result = metrics(team, required_competencies=required, medical_salary=100_000.0)
    mix = result.staff_mix
    assert 0.0 <= mix.shannon <= mix.shannon_max + 1e-9
    assert mix.evenness is None or -1e-9 <= mix.evenness <= 1 + 1e-9
    assert mix.registered_share is None or 0.0 <= mix.registered_share <= 1 + 1e-9
    assert result.competencies.coverage is None or 0.0 <= result.competencies.coverage <= 1.0
    seniority = result.seniority
    assert seniority.senior_wte + seniority.junior_wte + seniority.neither_wte == pytest.approx(mix.wte_filled)
    assert (result.supervision.warning is None) == (result.supervision.shortfall_hours == 0.0)
    assert mix.headcount + mix.vacancies == len(team)
    json.dumps(result.as_dict())


@given(st.lists(posts, max_size=8))
def test_comparing_a_team_with_itself_changes_nothing(team: list[Post]) -> None:
    same = metrics(team)

    def leaves(tree: object) -> list[object]:
        if isinstance(tree, dict) and "delta" in tree:
            return [tree["delta"]]
        if isinstance(tree, dict):
            return [leaf for value in tree.values() for leaf in leaves(value)]
        return []

    assert all(delta in (0, None) for delta in leaves(compare(same, same)))
