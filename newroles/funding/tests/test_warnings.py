"""Every warning at its edges, with `today` fixed at 15 June 2026 (6 months on is 15 December 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newroles.accounts import policy
from newroles.funding import warnings
from newroles.funding.tests.conftest import TODAY, fund, shares
from newroles.mapping import services as mapping
from newroles.roles.services import save_role

pytestmark = pytest.mark.django_db

EVERY_COST = {
    "covers_salary": True, "covers_on_costs": True, "covers_training": True, "covers_backfill": True,
    "covers_supervision": True, "covers_support": True, "covers_recruitment": True,
}  # fmt: skip


def kinds(deployment, today=TODAY):  # type: ignore[no-untyped-def]
    return [w.kind for w in warnings.for_deployments([deployment], today=today)[deployment.pk]]


def only(deployment, kind, today=TODAY):  # type: ignore[no-untyped-def]
    return [w for w in warnings.for_deployments([deployment], today=today)[deployment.pk] if w.kind == kind]


def test_fully_covered_recurrent_funding_raises_nothing(peer):
    fund(peer, **EVERY_COST)
    assert kinds(peer) == []


def test_a_deployment_with_no_funding_lines_has_no_warnings_and_is_still_answered(peer):
    assert warnings.for_deployments([peer], today=TODAY) == {peer.pk: []}
    assert warnings.lines_for_deployments([peer.pk]) == {peer.pk: []}


# Cliffs -------------------------------------------------------------------------------------------


def test_a_cliff_at_exactly_6_months_is_within_6_months(peer):
    line = fund(peer, funding_type="time_limited", end_date=dt.date(2026, 12, 15), **EVERY_COST)
    [cliff] = only(peer, warnings.CLIFF_6)
    assert not only(peer, warnings.CLIFF_12)
    assert cliff.line_id == line.pk and cliff.url == f"/funding/lines/{line.pk}/"
    assert "ends on 15 December 2026, in 6 months" in cliff.message
    assert "no other funding for Peer Worker starts by 16 December 2026" in cliff.message
    assert "£40,000 a year from ICB North" in cliff.message


def test_a_cliff_at_6_months_and_a_day_is_within_12_months(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 12, 16), **EVERY_COST)
    assert not only(peer, warnings.CLIFF_6)
    assert len(only(peer, warnings.CLIFF_12)) == 1


def test_a_cliff_at_12_months_counts_and_a_day_later_does_not(peer, rotherham_peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2027, 6, 15), **EVERY_COST)
    fund(rotherham_peer, funding_type="time_limited", end_date=dt.date(2027, 6, 16), **EVERY_COST)
    assert len(only(peer, warnings.CLIFF_12)) == 1
    assert not only(rotherham_peer, warnings.CLIFF_12) and not only(rotherham_peer, warnings.CLIFF_6)


def test_funding_ending_today_is_a_cliff_and_funding_that_ended_is_history(peer):
    fund(peer, funding_type="time_limited", end_date=TODAY, **EVERY_COST)
    assert "in less than a month" in only(peer, warnings.CLIFF_6)[0].message
    assert kinds(peer, today=TODAY + dt.timedelta(days=1)) == []


def test_a_successor_starting_the_day_after_removes_the_cliff(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30), **EVERY_COST)
    fund(peer, funding_type="recurrent", start_date=dt.date(2026, 10, 1), **EVERY_COST)
    assert warnings.CLIFF_6 not in kinds(peer)


def test_a_successor_starting_two_days_after_leaves_the_cliff(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30), **EVERY_COST)
    fund(peer, funding_type="recurrent", start_date=dt.date(2026, 10, 2), **EVERY_COST)
    assert warnings.CLIFF_6 in kinds(peer)


def test_a_line_of_another_deployment_is_no_successor(peer, sheffield):
    other = mapping.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Peer Mentor")
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30), **EVERY_COST)
    fund(other, funding_type="recurrent", start_date=dt.date(2026, 10, 1), **EVERY_COST)
    assert warnings.CLIFF_6 in kinds(peer)
    assert kinds(other) == []


def test_a_discontinued_deployment_raises_nothing(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30))
    mapping.update_deployment(actor=policy.SYSTEM, deployment=peer, status="discontinued")
    assert kinds(peer) == []


# Training but not after it --------------------------------------------------------------------------


def test_training_funding_ending_with_no_salary_after_it_warns(peer):
    line = fund(
        peer, funding_type="time_limited", end_date=dt.date(2027, 8, 31), covers_salary=False, covers_training=True
    )
    [warning] = only(peer, warnings.TRAINING_ONLY)
    assert warning.line_id == line.pk
    assert "pays training fees until 31 August 2027" in warning.message
    assert "no funding pays the salary of Peer Worker from 1 September 2027" in warning.message


def test_a_salary_line_running_on_after_training_removes_the_warning(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2027, 8, 31), covers_salary=False, covers_training=True)
    fund(peer, funding_type="recurrent", start_date=dt.date(2027, 9, 1), covers_salary=True)
    assert warnings.TRAINING_ONLY not in kinds(peer)


def test_a_line_after_training_that_does_not_pay_the_salary_leaves_the_warning(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2027, 8, 31), covers_salary=False, covers_training=True)
    fund(peer, funding_type="recurrent", start_date=dt.date(2027, 9, 1), covers_salary=False, covers_supervision=True)
    assert warnings.TRAINING_ONLY in kinds(peer)


# Costs not covered ---------------------------------------------------------------------------------


def test_backfill_supervision_and_support_not_covered_are_each_a_warning(peer):
    fund(peer, covers_salary=True, covers_backfill=True)
    found = {w.kind: w for w in warnings.for_deployments([peer], today=TODAY)[peer.pk]}
    assert set(found) == {warnings.NO_SUPERVISION, warnings.NO_SUPPORT}
    assert found[warnings.NO_SUPERVISION].line_id is None
    assert found[warnings.NO_SUPERVISION].message == "The funding line for Peer Worker covers no supervision."
    assert found[warnings.NO_SUPPORT].url == f"/funding/trusts/TAH/?deployment={peer.pk}"


def test_a_cost_covered_by_any_line_in_force_or_to_come_is_covered(peer):
    fund(peer, covers_salary=True)
    fund(peer, funding_type="time_limited", start_date=dt.date(2027, 1, 1), end_date=dt.date(2028, 3, 31),
         covers_salary=False, covers_backfill=True, covers_supervision=True, covers_support=True)  # fmt: skip
    assert not {warnings.NO_BACKFILL, warnings.NO_SUPERVISION, warnings.NO_SUPPORT} & set(kinds(peer))


def test_a_cost_covered_only_by_a_line_that_ended_is_not_covered(peer):
    fund(peer, covers_salary=True, covers_backfill=True, covers_support=True)
    fund(peer, funding_type="time_limited", start_date=dt.date(2025, 4, 1), end_date=dt.date(2026, 3, 31),
         covers_supervision=True)  # fmt: skip
    [warning] = only(peer, warnings.NO_SUPERVISION)
    assert warning.message == "The funding line for Peer Worker covers no supervision."


# The financial year ---------------------------------------------------------------------------------


def test_ending_on_31_march_fits_the_financial_year(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2028, 3, 31), **EVERY_COST)
    assert warnings.ENDS_MID_YEAR not in kinds(peer)


def test_ending_on_30_april_is_part_way_through_a_financial_year(peer):
    line = fund(peer, funding_type="time_limited", end_date=dt.date(2028, 4, 30), **EVERY_COST)
    [warning] = only(peer, warnings.ENDS_MID_YEAR)
    assert warning.line_id == line.pk
    assert warning.message.endswith(
        "ends on 30 April 2028, part-way through the 2028 to 2029 financial year, which ends on 31 March 2029."
    )


def test_ending_in_january_names_the_financial_year_it_falls_in(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2028, 1, 31), **EVERY_COST)
    assert "the 2027 to 2028 financial year" in only(peer, warnings.ENDS_MID_YEAR)[0].message


# The time to recruit and train ------------------------------------------------------------------------


@pytest.fixture
def with_lead_times(peer):  # type: ignore[no-untyped-def]
    """Peer support workers take 6 months to recruit and 18 to qualify: 24 months to recruit and train."""
    save_role(actor=policy.SYSTEM, slug="peer_support_worker", recruit_months=6, qualify_months=18)
    peer.role.refresh_from_db()
    return peer


def test_a_line_as_long_as_the_time_to_recruit_and_train_raises_nothing(with_lead_times):
    fund(with_lead_times, funding_type="time_limited", start_date=dt.date(2026, 4, 1), end_date=dt.date(2028, 3, 31),
         **EVERY_COST)  # fmt: skip
    assert warnings.SHORTER_THAN_LEAD_TIME not in kinds(with_lead_times)


def test_a_lead_time_one_month_over_the_line_warns(with_lead_times):
    fund(with_lead_times, funding_type="time_limited", start_date=dt.date(2026, 5, 1), end_date=dt.date(2028, 3, 31),
         **EVERY_COST)  # fmt: skip
    [warning] = only(with_lead_times, warnings.SHORTER_THAN_LEAD_TIME)
    assert "pays for 23 months" in warning.message and "takes 24 months" in warning.message
    assert "recruiting a trainee peer support worker" in warning.message


def test_unknown_lead_times_raise_nothing(peer):
    assert peer.role.recruit_months is None
    fund(peer, funding_type="time_limited", start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 11, 30),
         **EVERY_COST)  # fmt: skip
    assert warnings.SHORTER_THAN_LEAD_TIME not in kinds(peer)


def test_recurrent_funding_is_never_shorter_than_the_lead_time(with_lead_times):
    fund(with_lead_times, start_date=dt.date(2026, 5, 1), **EVERY_COST)
    assert kinds(with_lead_times) == []


# Joint funding ------------------------------------------------------------------------------------


def test_a_majority_partner_with_no_agreement_is_a_dependency(peer):
    line = fund(peer, shares=shares(("ICB North", "60"), ("Council", "40")), **EVERY_COST)
    [warning] = only(peer, warnings.JOINT_DEPENDENCY)
    assert warning.line_id == line.pk
    assert warning.message.startswith("ICB North pays 60% of ")


def test_an_agreement_on_what_happens_if_it_stops_removes_the_warning(peer):
    fund(peer, shares=shares(("ICB North", "60"), ("Council", "40")), partner_agreement="12 months' notice.",
         **EVERY_COST)  # fmt: skip
    assert warnings.JOINT_DEPENDENCY not in kinds(peer)


def test_equal_partners_are_not_a_dependency_and_just_over_half_is(peer, rotherham_peer):
    fund(peer, shares=shares(("ICB North", "50"), ("Council", "50")), **EVERY_COST)
    fund(rotherham_peer, shares=shares(("ICB South", "50.01"), ("Council", "49.99")), **EVERY_COST)
    assert warnings.JOINT_DEPENDENCY not in kinds(peer)
    assert warnings.JOINT_DEPENDENCY in kinds(rotherham_peer)


# The interface others call -------------------------------------------------------------------------


def test_warnings_come_in_the_order_of_their_kinds(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 10, 31), covers_salary=False, covers_training=True,
         shares=shares(("ICB North", "70"), ("Council", "30")))  # fmt: skip
    assert kinds(peer) == [
        warnings.CLIFF_6, warnings.TRAINING_ONLY, warnings.NO_BACKFILL, warnings.NO_SUPERVISION, warnings.NO_SUPPORT,
        warnings.ENDS_MID_YEAR, warnings.JOINT_DEPENDENCY,
    ]  # fmt: skip
    assert all(kind in warnings.WARNING_KINDS for kind in kinds(peer))


def test_many_deployments_are_read_in_a_fixed_number_of_queries(sheffield, django_assert_num_queries):
    deployments = []
    for i in range(12):
        d = mapping.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title=f"Role {i}",
                                      role=None)  # fmt: skip
        fund(d, funding_type="time_limited", end_date=dt.date(2026, 9, 30),
             shares=shares(("ICB North", "70"), ("Council", "30")))  # fmt: skip
        deployments.append(d)
    from newroles.mapping.models import Deployment

    fresh = list(Deployment.objects.filter(pk__in=[d.pk for d in deployments]))
    with django_assert_num_queries(2):  # the lines (with trust, deployment and role), then their shares
        found = warnings.for_deployments(fresh, today=TODAY)
    assert all(warnings.CLIFF_6 in [w.kind for w in found[d.pk]] for d in deployments)


def test_the_warning_is_a_frozen_value(peer):
    fund(peer)
    [warning, *_] = warnings.for_deployments([peer], today=TODAY)[peer.pk]
    with pytest.raises(AttributeError):
        warning.kind = "other"  # type: ignore[misc]
    assert warning.deployment_id == peer.pk and isinstance(warning.message, str)


def test_amounts_are_written_in_pounds_and_pence_exactly(peer):
    fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30), amount_per_year=Decimal("12345.67"),
         **EVERY_COST)  # fmt: skip
    assert "£12,345.67 a year" in only(peer, warnings.CLIFF_6)[0].message
