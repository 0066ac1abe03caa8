"""The one rule for small numbers: single trusts' counts, totals safe from differencing, recorded rows."""

from __future__ import annotations

from decimal import Decimal

from newroles.accounts import disclosure, policy

STAR = disclosure.SUPPRESSED


def test_a_small_count_is_starred_outside_its_trust_only(sheffield, alice, charlie, nadia, admin_user):
    for count, outside in ((0, 0), (1, STAR), (4, STAR), (5, 5)):
        assert disclosure.count_for(charlie, sheffield.pk, count) == outside
        assert disclosure.count_for(nadia, sheffield.pk, count) == outside
        assert disclosure.count_for(alice, sheffield.pk, count) == count
        assert disclosure.count_for(admin_user, sheffield.pk, count) == count
    assert disclosure.wte_for(charlie, sheffield.pk, Decimal("3.2"), 4) == STAR
    assert disclosure.wte_for(charlie, sheffield.pk, Decimal("3.2"), 5) == Decimal("3.2")


def test_the_pharmacist_total_is_hidden_from_differencing(sheffield, rotherham, alice, charlie, nadia, admin_user):
    # National "pharmacist, 2 trusts, 52" minus Rotherham's 51 would give Sheffield's 1.
    pharmacists = {sheffield.pk: 1, rotherham.pk: 51}
    for user in (charlie, nadia, alice):
        assert disclosure.total_shown(user, pharmacists) == STAR
    assert disclosure.total_shown(admin_user, pharmacists) == 52
    # 40 + 51: taking either trust away leaves 5 or more, and the total is not small.
    assert disclosure.total_shown(charlie, {sheffield.pk: 40, rotherham.pk: 51}) == 91
    # One trust alone: the total is its own count, shown when not small.
    assert disclosure.total_shown(charlie, {sheffield.pk: 12}) == 12
    assert disclosure.total_shown(charlie, {sheffield.pk: 3}) == STAR
    assert disclosure.total_shown(alice, {sheffield.pk: 3}) == 3  # all of it is alice's own trust's


def test_a_reader_of_two_trusts_cannot_take_both_away(sheffield, rotherham, charlie):
    from newroles.accounts import services as accounts
    from newroles.organisations.models import Trust

    third = Trust.objects.exclude(pk__in=[sheffield.pk, rotherham.pk]).first()
    accounts.add_member(actor=policy.SYSTEM, trust=sheffield, email=charlie.email, role="viewer")
    charlie.refresh_from_db()
    # No one trust's removal leaves 1 to 4, but charlie knows Sheffield's and Rotherham's: 50 - 48 = 2.
    counts = {sheffield.pk: 24, rotherham.pk: 24, third.pk: 2}
    assert disclosure.total_hidden(charlie, counts)


def test_a_column_whose_total_is_known_hides_a_second_cell(sheffield, rotherham, nadia):
    cells = [{sheffield.pk: 30}, {sheffield.pk: 2}, {sheffield.pk: 9}, {sheffield.pk: 7}]
    # The 2 alone would be given back by the column total: the 7, the smallest other, goes with it.
    assert disclosure.protect_column(nadia, cells) == [False, True, False, True]
    assert disclosure.protect_column(nadia, cells, total_known=False) == [False, True, False, False]
    # Two hidden cells whose sum is still small: a third goes too.
    cells = [{sheffield.pk: 30}, {sheffield.pk: 1}, {sheffield.pk: 2}, {sheffield.pk: 9}]
    assert disclosure.protect_column(nadia, cells) == [False, True, True, True]


def test_recorded_values_are_masked_outside_the_trust(sheffield, alice, charlie):
    fields = {"headcount": "headcount", "wte": "headcount"}
    row = {"headcount": 4, "wte": "3.20", "local_title": "Peer Worker"}
    assert disclosure.masked_values(charlie, sheffield.pk, row, fields) == {
        "headcount": STAR, "wte": STAR, "local_title": "Peer Worker"
    }  # fmt: skip
    assert disclosure.masked_values(alice, sheffield.pk, row, fields) == row
    big = {**row, "headcount": 12}
    assert disclosure.masked_values(charlie, sheffield.pk, big, fields) == big


def test_a_private_team_is_named_by_its_service_type_beyond_its_trust(private_team, shared_team, alice, charlie):
    assert disclosure.team_name(alice, private_team) == "Maple Ward"
    assert disclosure.team_name(charlie, private_team) == f"Inpatient team at {private_team.trust.name}"
    assert disclosure.team_name(charlie, shared_team) == "CMHT North"
