"""Every computed factor from its source data, at its edges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.funding.tests.conftest import fund, without_lead_times
from newroles.funding.warnings import for_deployments
from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy, role
from newroles.organisations import services as organisations
from newroles.organisations.models import Trust
from newroles.readiness import computed
from newroles.readiness.models import IN_PLACE, NOT_APPLICABLE, NOT_KNOWN, NOT_STARTED, PARTLY
from newroles.readiness.summary import summary_for
from newroles.readiness.tests.conftest import TODAY
from newroles.roles import services as roles
from newroles.roles.models import Role, RolePack
from newroles.roles.services import save_role
from newroles.skillmix import services as skillmix


def _fresh(deployment: Deployment) -> Deployment:
    return Deployment.objects.select_related("trust__region", "role").get(pk=deployment.pk)


def _finding(key: str, deployment: Deployment, today: dt.date = TODAY) -> computed.Finding:
    return computed.compute([key], [_fresh(deployment)], today)[key][deployment.pk]


def _lead_times(slug: str, recruit: int | None, qualify: int | None) -> None:
    save_role(actor=policy.SYSTEM, slug=slug, recruit_months=recruit, qualify_months=qualify)


# Forewarning ---------------------------------------------------------------------------------------


def test_a_lead_time_equal_to_the_time_left_is_enough(planned):
    _lead_times("nursing_associate", 3, None)  # planned start 15 September, three months after TODAY
    finding = _finding("forewarning", planned)
    assert finding.status == IN_PLACE
    assert finding.reason == "Planned start in 3 months; recruiting a trained post-holder takes 3 months."


def test_a_lead_time_one_month_over_the_time_left_is_a_red_flag(planned):
    _lead_times("nursing_associate", 4, 18)
    finding = _finding("forewarning", planned)
    assert finding.status == NOT_STARTED
    assert finding.reason == (
        "Planned start in 3 months; recruiting a trained post-holder takes 4 months, and qualified post-holders "
        "take 18 months from trainee start."
    )
    summary = summary_for(_fresh(planned), today=TODAY)
    flag = next(i for i in summary.flags if i.key == "forewarning")
    assert flag.headline.startswith("Planned start in 3 months;")
    assert flag.next_step  # the framework's next step: move the start back or recruit trained post-holders


def test_time_to_recruit_but_not_to_train_is_partly(planned):
    _lead_times("nursing_associate", 3, 18)
    finding = _finding("forewarning", planned)
    assert finding.status == PARTLY
    assert "a trainee would not qualify in time" in finding.reason


def test_time_to_recruit_and_train_is_in_place(planned):
    _lead_times("nursing_associate", 1, 2)
    assert _finding("forewarning", planned).status == IN_PLACE


def test_unknown_lead_times_and_missing_dates_are_not_known(planned):
    _lead_times("nursing_associate", None, None)
    finding = _finding("forewarning", planned)
    assert (finding.status, finding.reason) == (
        NOT_KNOWN,
        "Planned start in 3 months; the role's lead times are not known.",
    )
    Deployment.objects.filter(pk=planned.pk).update(planned_start=None)
    assert _finding("forewarning", planned).reason == "No planned start date is recorded."


def test_a_role_in_post_is_past_forewarning(active):
    assert _finding("forewarning", active).status == NOT_APPLICABLE


# Examples elsewhere ---------------------------------------------------------------------------------


def test_no_other_trust_deploying_the_role_is_a_red_flag(active, rotherham):
    deploy(rotherham, "Peer Support Worker (planned)", "peer_support_worker", status="planned")
    deploy(rotherham, "Peer Mentor", "peer_support_worker", status="discontinued")
    finding = _finding("examples_elsewhere", active)
    assert finding.status == NOT_STARTED  # planned and discontinued roles elsewhere are no example yet
    assert finding.links == ()


def test_one_other_trust_deploying_the_role_is_named_with_its_lead(active, rotherham):
    Trust.objects.filter(pk=rotherham.pk).update(new_roles_lead_name="Dana Lead")
    deploy(rotherham, "Peer Support Worker", "peer_support_worker", status="pilot")
    finding = _finding("examples_elsewhere", active)
    assert finding.status == IN_PLACE
    assert finding.reason.startswith("1 other trust deploys the role (peer support worker)")
    assert [(link.text, link.url) for link in finding.links] == [
        (f"{rotherham.name} (new roles lead: Dana Lead)", rotherham.get_absolute_url())
    ]


def test_the_trusts_own_other_deployments_are_not_examples_elsewhere(active, sheffield):
    deploy(sheffield, "Senior Peer Worker", "peer_support_worker", status="active")
    assert _finding("examples_elsewhere", active).status == NOT_STARTED


def test_an_unmatched_title_is_not_known(sheffield):
    unmatched = deploy(sheffield, "Community Connector", None, status="active")
    for key in ("examples_elsewhere", "off_the_shelf_pack", "forewarning"):
        assert _finding(key, unmatched).status in (NOT_KNOWN, NOT_APPLICABLE)
    assert _finding("examples_elsewhere", unmatched).status == NOT_KNOWN


# An off-the-shelf pack -----------------------------------------------------------------------------


@pytest.fixture
def no_pack_role(sheffield) -> Deployment:  # type: ignore[no-untyped-def]
    role("support_time_recovery_worker")
    assert not RolePack.objects.filter(role__slug="support_time_recovery_worker").exists()
    return deploy(sheffield, "Recovery Worker", "support_time_recovery_worker", status="active")


def test_no_pack_anywhere_is_not_started(no_pack_role):
    finding = _finding("off_the_shelf_pack", no_pack_role)
    assert finding.status == NOT_STARTED
    assert "no national pack" in finding.reason


def test_a_national_pack_not_adopted_is_partly_and_adopting_it_puts_it_in_place(active, sheffield):
    national = RolePack.objects.get(role__slug="peer_support_worker", trust=None, is_current=True)
    finding = _finding("off_the_shelf_pack", active)
    assert finding.status == PARTLY
    assert finding.links[0].url == national.get_absolute_url()
    copy = roles.adopt_pack(actor=policy.SYSTEM, pack=national, trust=sheffield)
    finding = _finding("off_the_shelf_pack", active)
    assert finding.status == IN_PLACE
    assert finding.reason == f"The trust adopted version {national.version} of the national pack."
    assert finding.links[0].url == copy.get_absolute_url()


def test_another_trusts_adoption_does_not_count(active, rotherham):
    national = RolePack.objects.get(role__slug="peer_support_worker", trust=None, is_current=True)
    roles.adopt_pack(actor=policy.SYSTEM, pack=national, trust=rotherham)
    assert _finding("off_the_shelf_pack", active).status == PARTLY


# Supervision ---------------------------------------------------------------------------------------


def _team_with(sheffield, name: str, posts: list[tuple[str, str, bool]], as_of: dt.date | None = None):  # type: ignore[no-untyped-def]
    """A team with a composition: posts of (role slug, WTE, gives supervision); supervisors give 2 h per WTE."""
    team = organisations.create_team(actor=policy.SYSTEM, trust=sheffield, name=name, service_type="community")
    add_composition(team, posts, as_of=as_of)
    return team


def add_composition(team, posts, *, as_of=None, name="Now"):  # type: ignore[no-untyped-def]
    composition = skillmix.create_composition(
        actor=policy.SYSTEM, team=team, name=name, as_of=as_of, supervisor_hours_per_wte=Decimal("2.00")
    )
    for slug, wte, supervises in posts:
        skillmix.add_posts(actor=policy.SYSTEM, composition=composition, role=Role.objects.get(slug=slug), band="5",
                           wte=wte, supervises_others=supervises)  # fmt: skip
    return composition


def _supervision_needs() -> None:
    save_role(actor=policy.SYSTEM, slug="mental_health_nurse", supervision_hours_per_wte=Decimal("0.50"))
    save_role(actor=policy.SYSTEM, slug="peer_support_worker", supervision_hours_per_wte=Decimal("1.50"))


def test_supervision_exactly_met_is_in_place(sheffield):
    _supervision_needs()
    team = _team_with(
        sheffield, "CMHT East", [("mental_health_nurse", "1.0", True), ("peer_support_worker", "1.0", False)]
    )
    d = deploy(sheffield, "Peer Worker", "peer_support_worker", teams=[team])
    finding = _finding("supervision", d)
    assert finding.status == IN_PLACE  # 0.5 + 1.5 = 2.0 hours needed, 1.0 WTE x 2 hours available
    assert finding.reason == "Supervision is covered in CMHT East (2.0 h a week needed, 2.0 h a week available)."


def test_supervision_short_is_a_red_flag_naming_the_team_and_the_hours(sheffield):
    _supervision_needs()
    posts = [("mental_health_nurse", "1.0", True), ("peer_support_worker", "1.0", False),
             ("mental_health_nurse", "0.4", False)]  # fmt: skip
    team = _team_with(sheffield, "CMHT East", posts)
    d = deploy(sheffield, "Peer Worker", "peer_support_worker", teams=[team])
    finding = _finding("supervision", d)
    assert (finding.status, finding.reason) == (PARTLY, "Supervision 0.2 h a week short in CMHT East.")
    flags = {i.key: i.headline for i in summary_for(_fresh(d), today=TODAY).flags}
    assert flags["supervision"] == "Supervision 0.2 h a week short in CMHT East."


def test_no_supervisors_at_all_is_not_started(sheffield):
    _supervision_needs()
    team = _team_with(sheffield, "CMHT East", [("peer_support_worker", "1.0", False)])
    d = deploy(sheffield, "Peer Worker", "peer_support_worker", teams=[team])
    assert _finding("supervision", d).status == NOT_STARTED


def test_the_latest_composition_of_the_team_counts(sheffield):
    _supervision_needs()
    team = _team_with(sheffield, "CMHT East", [("peer_support_worker", "1.0", False)], as_of=dt.date(2025, 1, 1))
    add_composition(team, [("mental_health_nurse", "1.0", True)], as_of=dt.date(2026, 1, 1), name="Later")
    d = deploy(sheffield, "Peer Worker", "peer_support_worker", teams=[team])
    assert _finding("supervision", d).status == IN_PLACE


def test_supervision_is_not_known_without_teams_or_without_a_staff_mix(sheffield, private_team):
    d = deploy(sheffield, "Peer Worker", "peer_support_worker")
    assert _finding("supervision", d).status == NOT_KNOWN
    d2 = deploy(sheffield, "Peer Mentor", "peer_support_worker", teams=[private_team])
    finding = _finding("supervision", d2)
    assert finding.status == NOT_KNOWN
    assert "Not known for Maple Ward: no staff mix recorded." in finding.reason


def test_computations_read_a_fixed_number_of_queries(sheffield, django_assert_max_num_queries):
    _supervision_needs()
    deployments = []
    for i in range(6):
        team = _team_with(sheffield, f"Team {i}", [("mental_health_nurse", "1.0", True)])
        deployments.append(deploy(sheffield, f"Peer Worker {i}", "peer_support_worker", teams=[team]))
    fresh = list(Deployment.objects.select_related("trust__region", "role").filter(pk__in=[d.pk for d in deployments]))
    with django_assert_max_num_queries(8):
        found = computed.compute(list(computed.COMPUTATIONS), fresh, TODAY)
    assert {f.status for f in found["supervision"].values()} == {IN_PLACE}


# Funding -------------------------------------------------------------------------------------------


def test_no_funding_line_is_not_started(active):
    finding = _finding("funding", active)
    assert finding.status == NOT_STARTED
    assert finding.reason.startswith("No funding recorded")
    assert finding.links[0].url == reverse("funding:trust", args=["TAH"])


def test_funding_with_warnings_is_partly_and_lists_them(active):
    without_lead_times("peer_support_worker")  # no lead-time warning: this test is about the others
    fund(active, covers_backfill=True, covers_supervision=False, covers_support=True, funding_type="time_limited",
         end_date=dt.date(2026, 9, 30))  # fmt: skip
    finding = _finding("funding", active)
    warnings = for_deployments([_fresh(active)], today=TODAY)[active.pk]
    assert finding.status == PARTLY
    assert finding.reason == (
        "1 funding line recorded, with 3 sustainability warnings: funding ends within 6 months with nothing after "
        "it; supervision is not covered; ends part-way through a financial year."
    )
    assert [(link.text, link.url) for link in finding.links] == [(w.message, w.url) for w in warnings]
    flags = {i.key: i for i in summary_for(_fresh(active), today=TODAY).flags}
    assert flags["funding"].headline == finding.reason


def test_funding_without_warnings_is_in_place(active):
    fund(active, covers_backfill=True, covers_supervision=True, covers_support=True)
    finding = _finding("funding", active)
    assert (finding.status, finding.reason) == (IN_PLACE, "1 funding line recorded, with no sustainability warning.")


def test_another_deployments_funding_does_not_count(active, sheffield):
    other = deploy(sheffield, "Senior Peer Worker", "peer_support_worker")
    fund(other, covers_backfill=True, covers_supervision=True, covers_support=True)
    assert _finding("funding", active).status == NOT_STARTED
