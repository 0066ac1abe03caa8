"""Service functions: compositions, posts, required competencies, scenarios and their before and after.

The expected figures are worked by hand from the demo composition of CMHT North (see skillmix/demo.py) and
the 2025/26 Agenda for Change pay points: band 4 top £30,162, band 6 top £46,580; on-costs 28%.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.skillmix import results, services
from newroles.skillmix.demo import load_demo_compositions
from newroles.skillmix.models import CompetencyRequirement, Composition, CompositionPost, ScenarioChange

B4_TOP = 30_162
B6_TOP = 46_580
ON_COST = 1.28


# Compositions and posts ---------------------------------------------------------------------------


def test_demo_composition_has_the_band_6_vacancy(demo, vacancy) -> None:
    assert demo.posts.count() == 12
    assert vacancy.wte == Decimal("1.00") and not vacancy.filled
    assert demo.posts.filter(filled=False).count() == 1


def test_demo_loads_once(demo) -> None:
    assert load_demo_compositions() == 0
    assert Composition.objects.filter(team=demo.team).count() == 1


def test_demo_waits_for_the_catalogue(shared_team, roles) -> None:
    roles["support_time_recovery_worker"].delete()  # a role the demo needs is missing
    assert load_demo_compositions() == 0
    assert not Composition.objects.exists()


def test_add_posts_takes_the_catalogues_facts_by_default(eve, private_team, roles) -> None:
    composition = services.create_composition(actor=eve, team=private_team, name="Ward now")
    posts = services.add_posts(
        actor=eve, composition=composition, role=roles["nursing_associate"], band="4", wte="1.0", count=2
    )
    assert len(posts) == 2
    assert all(p.registered for p in posts)  # statutory (NMC) registration
    assert not any(p.supervises_others for p in posts)
    psw = services.add_posts(actor=eve, composition=composition, role=roles["peer_support_worker"], band="3", wte=1)
    assert not psw[0].registered
    assert ChangeRecord.objects.filter(content_type__model="compositionpost", action=ChangeRecord.CREATE).count() == 3


def test_a_doctor_has_no_band_and_everyone_else_needs_one(eve, private_team, roles) -> None:
    composition = services.create_composition(actor=eve, team=private_team, name="Ward now")
    with pytest.raises(ValidationError) as excinfo:
        services.add_posts(actor=eve, composition=composition, role=roles["psychiatrist"], band="7", wte=1)
    assert "medical" in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        services.add_posts(actor=eve, composition=composition, role=roles["nursing_associate"], band="", wte=1)
    assert "band" in str(excinfo.value)


def test_wte_is_one_persons(eve, private_team, roles) -> None:
    composition = services.create_composition(actor=eve, team=private_team, name="Ward now")
    with pytest.raises(ValidationError):
        services.add_posts(actor=eve, composition=composition, role=roles["nursing_associate"], band="4", wte=2)


def test_editor_of_another_trust_cannot_create_or_change(charlie, private_team, demo, vacancy, roles) -> None:
    with pytest.raises(PermissionDenied):
        services.create_composition(actor=charlie, team=private_team, name="Not theirs")
    with pytest.raises(PermissionDenied):
        services.add_posts(actor=charlie, composition=demo, role=roles["nursing_associate"], band="4", wte=1)
    with pytest.raises(PermissionDenied):
        services.update_post(actor=charlie, post=vacancy, filled=True)
    with pytest.raises(PermissionDenied):
        services.create_scenario(actor=charlie, composition=demo, name="Not theirs")


def test_viewer_cannot_change(bob, demo) -> None:
    with pytest.raises(PermissionDenied):
        services.update_composition(actor=bob, composition=demo, name="Renamed")


def test_copy_from_a_team_the_user_may_see(eve, demo, private_team) -> None:
    copy = services.copy_composition(actor=eve, source=demo, team=private_team, name="Like CMHT North")
    assert copy.posts.count() == demo.posts.count()
    assert copy.copied_from == demo
    assert copy.medical_salary == demo.medical_salary
    assert not copy.is_shared


def test_copy_needs_sight_of_the_source(charlie, demo, rotherham) -> None:
    from newroles.organisations import services as organisations

    team = organisations.create_team(
        actor=policy.SYSTEM, trust=rotherham, name="Doncaster CMHT", service_type="community"
    )
    with pytest.raises(PermissionDenied):  # demo is private to TAH
        services.copy_composition(actor=charlie, source=demo, team=team, name="Copied")
    services.update_composition(actor=policy.SYSTEM, composition=demo, is_shared=True)
    copy = services.copy_composition(actor=charlie, source=demo, team=team, name="Copied")
    assert copy.team.trust == rotherham


def test_delete_composition_removes_and_audits_everything(alice, na_scenario, demo) -> None:
    services.delete_composition(actor=alice, composition=demo)
    assert not Composition.objects.exists()
    deleted = ChangeRecord.objects.filter(action=ChangeRecord.DELETE).values_list("content_type__model", flat=True)
    assert set(deleted) == {"composition", "compositionpost", "scenario", "scenariochange"}


def test_a_post_a_scenario_uses_cannot_be_deleted(eve, na_scenario, vacancy) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.delete_post(actor=eve, post=vacancy)
    assert "Nursing associates" in str(excinfo.value)
    with pytest.raises(ValidationError):
        services.update_post(actor=eve, post=vacancy, filled=True)


# Required competencies ----------------------------------------------------------------------------


def test_required_competencies_fall_back_to_the_service_type(demo) -> None:
    # The reference loader has stored the national defaults: a team without its own list uses them.
    assert services.required_competencies(demo.team).source == "service_type"
    assert services.load_competency_defaults() == {"competency_defaults_created": 0}
    # Without stored defaults the data file's illustrative list still applies.
    CompetencyRequirement.objects.filter(team=None).delete()
    required = services.required_competencies(demo.team)
    assert required.source == "illustrative"
    assert "Physical health checks" in required.competencies


def test_a_team_sets_its_own_list(eve, demo) -> None:
    services.set_team_competencies(actor=eve, team=demo.team, competencies=["Prescribing", " Prescribing ", ""])
    required = services.required_competencies(demo.team)
    assert required.is_team_own and required.competencies == ["Prescribing"]
    services.clear_team_competencies(actor=eve, team=demo.team)
    assert not services.required_competencies(demo.team).is_team_own


def test_only_admins_change_the_national_defaults(eve, admin_user) -> None:
    services.load_competency_defaults()
    default = CompetencyRequirement.objects.get(service_type="community")
    from newroles.audit.writes import update_row

    with pytest.raises(PermissionDenied):
        update_row(eve, default, {"competencies": ["Anything"]})
    update_row(admin_user, default, {"competencies": ["Anything"]})


# Metrics of the demo team -------------------------------------------------------------------------


def test_demo_team_metrics(demo) -> None:
    metrics = results.composition_metrics(demo)
    # 11 filled posts: 10 at 1.0 WTE and the psychologist at 0.6.
    assert metrics.staff_mix.headcount == 11
    assert metrics.staff_mix.wte_filled == pytest.approx(10.6)
    assert metrics.staff_mix.wte_vacant == pytest.approx(1.0)
    # Supervision needed: psychiatrist 0.25 + nurses 4 x 0.5 + social worker 0.5 + OT 0.35
    # + psychologist 0.5 x 0.6 + peer support 2 x 1.5 + STR worker 0.5 = 6.9 hours a week.
    assert metrics.supervision.hours_needed == pytest.approx(6.9)
    # Supervisors: consultant 1.0 + team manager 1.0 + senior nurse 1.0 + psychologist 0.6 = 3.6 WTE x 2 hours.
    assert metrics.supervision.hours_available == pytest.approx(7.2)
    assert metrics.supervision.warning is None
    # Physical health checks are held only by the vacant post.
    assert metrics.competencies.missing == ["Physical health checks"]
    assert metrics.cost.total_vacant == pytest.approx(B6_TOP * ON_COST)


# Scenarios ----------------------------------------------------------------------------------------


def test_converting_the_vacancy_into_two_nursing_associates(na_scenario) -> None:
    result = results.scenario_result(na_scenario)

    # Posts: the vacancy goes, two nursing associates come in.
    assert len(result.before_posts) == 12 and len(result.after_posts) == 13
    assert result.after.staff_mix.vacancies == 0
    assert result.after.staff_mix.wte_filled == pytest.approx(12.6)

    # Cost: 2 x £30,162 x 1.28 = £77,214.72 in, £46,580 x 1.28 = £59,622.40 (the vacancy if filled) out.
    assert result.cost_difference == pytest.approx(2 * B4_TOP * ON_COST - B6_TOP * ON_COST)
    assert result.cost_difference == pytest.approx(17_592.32)
    assert result.cost_text == "+£17,592"
    assert result.filled_cost_difference == pytest.approx(77_214.72)

    # Supervision: 6.9 + 2 x 0.5 = 7.9 hours needed against 7.2 available: 0.7 hours a week short.
    assert result.before.supervision.warning is None
    assert result.after.supervision.hours_needed == pytest.approx(7.9)
    assert result.after.supervision.warning is not None
    assert result.after.supervision.shortfall_hours == pytest.approx(0.7)
    assert result.supervision_added == pytest.approx(1.0)

    # Kinds: a band 4 nursing associate taking a band 6 nurse's tasks: the nurse's level (registered
    # professional) is above the associate's, so delegation. The reason names the catalogue's levels (issue 15).
    assert list(result.kinds) == ["delegation"]
    (entry,) = result.change_kinds
    assert entry.classification is not None
    assert entry.classification.kinds == ["delegation"]
    reason = entry.classification.reasons["delegation"]
    assert "Nursing associate (band 4, associate level)" in reason
    assert (
        "Mental health nurse (band 6, registered professional level: a higher level of training and expertise; "
        "bands 4 and 6 are 2 bands apart)" in reason
    )

    # Competencies: the nursing associates bring physical health checks, now held by two people.
    assert result.before.competencies.coverage == pytest.approx(10 / 11)
    assert result.after.competencies.coverage == 1.0
    assert result.comparison["cost"]["total_vacant"]["delta"] == pytest.approx(-B6_TOP * ON_COST)


def test_the_shift_a_conversion_implies(na_scenario) -> None:
    change = na_scenario.changes.get()
    shift = results.change_shift(change)
    # Each side now carries the catalogue's level and slug (issue 15).
    assert results.shift_as_json(shift) == {
        "recipient": {
            "occupation": "Nursing associate", "band": "4", "registered": True, "medical": False,
            "level": "associate", "role": "nursing_associate",
        },
        "adopted_from": [{
            "occupation": "Mental health nurse", "band": "6", "registered": True, "medical": False,
            "level": "registered_professional", "role": "mental_health_nurse",
        }],
        "own_discipline_change": "none",
        "novel_practice": False,
    }  # fmt: skip


def test_band_5_nurse_taking_band_6_tasks_is_no_change_of_kind(demo, vacancy, roles) -> None:
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Band 5 instead")
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="convert", post=vacancy, role=roles["mental_health_nurse"],
        band="5", wte="1.0",
    )  # fmt: skip
    (entry,) = results.scenario_result(scenario).change_kinds
    assert entry.classification.kinds == []
    assert "own occupation" in entry.classification.notes[0]


def test_peer_support_added_for_lived_experience_is_innovation(demo, roles) -> None:
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="More peer support")
    social_worker = demo.posts.get(role__slug="social_worker")
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="add", role=roles["peer_support_worker"], band="4", wte="0.5",
        adopted_from_post=social_worker, novel_practice=True,
    )  # fmt: skip
    result = results.scenario_result(scenario)
    # Band 4 unregistered from a band 6 registered social worker: not equal, so delegation; plus innovation.
    assert list(result.kinds) == ["delegation", "innovation"]
    assert result.after.staff_mix.wte_filled == pytest.approx(11.1)


def test_remove_then_add_adopting_from_the_removed_post(demo, roles) -> None:
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Replace the OT")
    ot = demo.posts.get(role__slug="occupational_therapist")
    services.add_change(actor=policy.SYSTEM, scenario=scenario, kind="remove", post=ot)
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="add", role=roles["social_worker"], band="6", wte="1.0",
        adopted_from_post=ot,
    )  # fmt: skip
    result = results.scenario_result(scenario)
    assert list(result.kinds) == ["horizontal_substitution"]
    assert result.change_kinds[0].classification is None  # the remove brings no one in
    assert result.cost_difference == pytest.approx(0)


def test_change_rules(demo, vacancy, roles) -> None:
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Rules")
    filled = demo.posts.filter(filled=True).first()
    with pytest.raises(ValidationError, match="Only a vacancy"):
        services.add_change(
            actor=policy.SYSTEM, scenario=scenario, kind="convert", post=filled, role=roles["nursing_associate"],
            band="4", wte=1,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.add_change(
            actor=policy.SYSTEM, scenario=scenario, kind="add", role=roles["nursing_associate"], band="4"
        )
    services.add_change(actor=policy.SYSTEM, scenario=scenario, kind="remove", post=vacancy)
    with pytest.raises(ValidationError, match="already removes or converts"):
        services.add_change(
            actor=policy.SYSTEM, scenario=scenario, kind="convert", post=vacancy, role=roles["nursing_associate"],
            band="4", wte=1,
        )  # fmt: skip
    other = services.create_composition(actor=policy.SYSTEM, team=demo.team, name="Other")
    (foreign,) = services.add_posts(
        actor=policy.SYSTEM, composition=other, role=roles["nursing_associate"], band="4", wte=1, filled=False
    )
    with pytest.raises(ValidationError, match="this scenario's team composition"):
        services.add_change(actor=policy.SYSTEM, scenario=scenario, kind="remove", post=foreign)
    assert ScenarioChange.objects.filter(scenario=scenario).count() == 1


def test_deleting_a_composition_with_a_scenario_is_allowed(na_scenario, demo) -> None:
    services.delete_composition(actor=policy.SYSTEM, composition=demo)
    assert not CompositionPost.objects.exists()


def test_a_converted_vacancy_s_competencies_go_to_the_posts_that_take_its_tasks(demo, vacancy, roles) -> None:
    # The new posts name no competency of their own: they take on the vacancy's tasks, and with them what it
    # held (physical health checks, held by no one else), so the team's coverage is whole afterwards.
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Associates, no list")
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="convert", post=vacancy, role=roles["nursing_associate"],
        band="4", count=2, wte="1.0", competencies=["Wound care"],
    )  # fmt: skip
    result = results.scenario_result(scenario)
    assert result.before.competencies.missing == ["Physical health checks"]
    assert result.after.competencies.missing == []
    assert result.after.competencies.coverage == 1.0
    new = [p for p in result.after_posts if p.change_id is not None]
    assert len(new) == 2
    assert all(p.competencies == ("Wound care", *vacancy.competencies) for p in new), (
        "the posts keep their own competencies and gain the vacancy's"
    )


def test_a_removed_vacancy_s_competencies_go_to_the_added_posts_that_take_its_tasks(demo, vacancy, roles) -> None:
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Remove and add")
    services.add_change(actor=policy.SYSTEM, scenario=scenario, kind="remove", post=vacancy)
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="add", role=roles["nursing_associate"], band="4", wte="1.0",
        adopted_from_post=vacancy,
    )  # fmt: skip
    result = results.scenario_result(scenario)
    assert result.after.competencies.missing == []
    # Removed with no one taking its tasks, the vacancy's competencies leave with it.
    alone = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Remove only")
    services.add_change(actor=policy.SYSTEM, scenario=alone, kind="remove", post=vacancy)
    assert results.scenario_result(alone).after.competencies.missing == ["Physical health checks"]


def test_added_posts_sharing_a_filled_post_s_tasks_keep_only_their_own_competencies(demo, roles) -> None:
    # The filled post stays and keeps its competencies; the new post holds what the user gave it.
    nurse = demo.posts.filter(role__slug="mental_health_nurse", band="5").get()
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Share the band 5 tasks")
    services.add_change(
        actor=policy.SYSTEM, scenario=scenario, kind="add", role=roles["nursing_associate"], band="4", wte="1.0",
        adopted_from_post=nurse, competencies=["Wound care"],
    )  # fmt: skip
    (new,) = [p for p in results.scenario_result(scenario).after_posts if p.change_id is not None]
    assert new.competencies == ("Wound care",)


def test_the_demo_has_the_scenario_the_readme_shows(demo, vacancy) -> None:
    # README: "A skill-mix scenario: a band 6 vacancy converted into two nursing associates".
    from newroles.skillmix.demo import DEMO_SCENARIO

    scenario = demo.scenarios.get(name=DEMO_SCENARIO)
    (change,) = scenario.changes.all()
    assert (change.kind, change.post, change.role.slug, change.band, change.count, change.wte) == (
        "convert", vacancy, "nursing_associate", "4", 2, Decimal("1.00"),
    )  # fmt: skip
    result = results.scenario_result(scenario)
    assert result.cost_text == "+£17,592"
    assert result.after.competencies.missing == []
    assert not scenario.is_shared  # a private team's composition: the trust's own
