"""Writes go through the services: validated, checked against the policy, audited; shares add to 100%."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.audit.writes import create_row
from newroles.funding import services
from newroles.funding.models import FundingLine, FundingShare
from newroles.funding.shares import Share, check_shares, parse_shares, shares_text
from newroles.funding.tests.conftest import TODAY, fund, shares
from newroles.organisations.models import Organisation

pytestmark = pytest.mark.django_db

LINE = {
    "funder_kind": "icb", "funder_name": "ICB North", "funding_type": "recurrent",
    "amount_per_year": Decimal("40000"), "start_date": dt.date(2025, 4, 1), "covers_salary": True,
}  # fmt: skip


# Shares as typed ------------------------------------------------------------------------------------


def test_shares_are_read_the_way_people_write_them():
    parsed = parse_shares("ICB North 60; Council: 30%\nPCN 5 = 10 %")
    assert [(s.partner_name, s.percent) for s in parsed] == [
        ("ICB North", Decimal(60)), ("Council", Decimal(30)), ("PCN 5", Decimal(10)),
    ]  # fmt: skip
    assert shares_text(parsed) == "ICB North 60; Council 30; PCN 5 10"
    assert parse_shares("  ") == []


def test_a_partner_without_a_share_is_named_in_the_error():
    with pytest.raises(ValidationError) as exc:
        parse_shares("ICB North 60; Council; 40")
    assert "'Council' has no share" in exc.value.messages[0] and "'40' has no share" in exc.value.messages[0]


def test_shares_adding_to_99_are_refused_and_to_100_accepted():
    with pytest.raises(ValidationError) as exc:
        check_shares([Share("ICB North", Decimal(60)), Share("Council", Decimal(39))])
    assert "The shares add to 99%; they must add to exactly 100%" in exc.value.messages[0]
    check_shares([Share("ICB North", Decimal(60)), Share("Council", Decimal(40))])
    check_shares(shares(("ICB North", "33.34"), ("Council", "33.33"), ("PCN", "33.33")))


def test_one_partner_a_partner_twice_or_a_share_over_100_is_refused():
    for bad, reason in (
        ([Share("ICB North", Decimal(100))], "two partners or more"),
        ([Share("ICB North", Decimal(50)), Share("icb north", Decimal(50))], "named twice"),
        ([Share("ICB North", Decimal(150)), Share("Council", Decimal(-50))], "at most 100%"),
        ([Share("ICB North", Decimal("50.005")), Share("Council", Decimal("49.995"))], "two decimal places"),
    ):
        with pytest.raises(ValidationError) as exc:
            check_shares(bad)
        assert reason in exc.value.messages[0], bad


# Lines ---------------------------------------------------------------------------------------------


def test_an_editor_records_a_line_and_its_shares_each_audited(peer, eve, sheffield):
    line = services.create_line(
        actor=eve, trust=sheffield, deployment=peer, shares=shares(("ICB North", "60"), ("Council", "40")), **LINE
    )
    assert sorted((s.partner_name, s.percent) for s in line.shares.all()) == [
        ("Council", Decimal("40.00")), ("ICB North", Decimal("60.00")),
    ]  # fmt: skip
    records = ChangeRecord.objects.filter(user=eve, action=ChangeRecord.CREATE)
    assert sorted(r.content_type.model for r in records) == ["fundingline", "fundingshare", "fundingshare"]
    assert all(r.trust_id == sheffield.pk for r in records)


def test_shares_adding_to_99_write_nothing(peer, eve, sheffield):
    with pytest.raises(ValidationError) as exc:
        services.create_line(
            actor=eve, trust=sheffield, deployment=peer, shares=shares(("ICB North", "60"), ("Council", "39")), **LINE
        )
    assert "shares" in exc.value.message_dict
    assert not FundingLine.objects.exists() and not FundingShare.objects.exists()


def test_every_problem_of_a_line_is_reported_at_once(peer, eve, sheffield):
    fields = {**LINE, "funding_type": "time_limited", "covers_salary": False}
    with pytest.raises(ValidationError) as exc:
        services.create_line(actor=eve, trust=sheffield, deployment=peer, shares=shares(("A", "10"), ("B", "10")),
                             **fields)  # fmt: skip
    assert set(exc.value.message_dict) == {"end_date", "covers_salary", "shares"}


def test_dates_and_type_must_agree(peer, eve, sheffield):
    for changes, field, text in (
        ({"funding_type": "recurrent", "end_date": dt.date(2027, 3, 31)}, "end_date", "Recurrent funding has no end"),
        ({"funding_type": "time_limited", "end_date": dt.date(2024, 3, 31)}, "end_date", "before the start"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.create_line(actor=eve, trust=sheffield, deployment=peer, **{**LINE, **changes})
        assert text in exc.value.message_dict[field][0]


def test_a_line_must_pay_for_a_deployment_of_its_own_trust(rotherham_peer, alice, sheffield, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.create_line(actor=admin_user, trust=sheffield, deployment=rotherham_peer, **LINE)
    assert "belongs to another trust" in exc.value.message_dict["deployment"][0]
    with pytest.raises((PermissionDenied, ValidationError)):
        services.create_line(actor=alice, trust=sheffield, deployment=rotherham_peer, **LINE)
    assert not FundingLine.objects.exists()


def test_viewers_and_other_trusts_may_not_write(peer, bob, charlie, sheffield):
    for actor in (bob, charlie, None):
        with pytest.raises(PermissionDenied):
            services.create_line(actor=actor, trust=sheffield, deployment=peer, **LINE)
    line = fund(peer)
    for actor in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.update_line(actor=actor, line=line, amount_per_year=Decimal(1))
        with pytest.raises(PermissionDenied):
            services.delete_line(actor=actor, line=line)
    line.refresh_from_db()
    assert line.amount_per_year == Decimal("40000.00")


def test_an_update_is_audited_before_and_after_and_shares_are_replaced(peer, eve):
    line = fund(peer, shares=shares(("ICB North", "60"), ("Council", "40")))
    services.update_line(
        actor=eve, line=line, amount_per_year=Decimal("41000.50"),
        shares=shares(("ICB North", "50"), ("Council", "30"), ("PCN", "20")),
    )  # fmt: skip
    line.refresh_from_db()
    assert line.amount_per_year == Decimal("41000.50")
    assert shares_text(line.shares.all()) == "ICB North 50; Council 30; PCN 20"
    record = ChangeRecord.objects.get(user=eve, action=ChangeRecord.UPDATE, content_type__model="fundingline")
    assert (record.before["amount_per_year"], record.after["amount_per_year"]) == ("40000.00", "41000.50")
    services.update_line(actor=eve, line=line, shares=[])
    assert not line.shares.exists()


def test_a_bad_share_update_leaves_the_line_as_it_was(peer, eve):
    line = fund(peer, shares=shares(("ICB North", "60"), ("Council", "40")))
    with pytest.raises(ValidationError):
        services.update_line(
            actor=eve, line=line, name="Renamed", shares=shares(("ICB North", "60"), ("Council", "39"))
        )
    line.refresh_from_db()
    assert line.name == "" and shares_text(line.shares.all()) == "ICB North 60; Council 40"


def test_deleting_a_line_removes_its_shares_each_audited(peer, eve):
    line = fund(peer, shares=shares(("ICB North", "60"), ("Council", "40")))
    services.delete_line(actor=eve, line=line)
    assert not FundingLine.objects.exists() and not FundingShare.objects.exists()
    deleted = ChangeRecord.objects.filter(user=eve, action=ChangeRecord.DELETE)
    assert sorted(r.content_type.model for r in deleted) == ["fundingline", "fundingshare", "fundingshare"]


def test_a_partner_named_like_a_listed_organisation_is_linked_to_it(peer):
    icb = create_row(policy.SYSTEM, Organisation(kind="icb", name="NHS North ICB", ods_code="QXX"))
    line = fund(peer, shares=shares(("nhs north icb", "60"), ("QXX", "0.5"), ("Council", "39.5")))
    linked = {s.partner_name: s.organisation for s in line.shares.all()}
    assert linked == {"nhs north icb": icb, "QXX": icb, "Council": None}


def test_totals_are_exact_and_count_only_what_is_in_force(peer):
    fund(peer, amount_per_year=Decimal("0.10"))
    fund(peer, amount_per_year=Decimal("0.20"), funding_type="time_limited", end_date=dt.date(2026, 12, 31))
    fund(peer, amount_per_year=Decimal("99.99"), funding_type="time_limited", start_date=dt.date(2027, 4, 1),
         end_date=dt.date(2028, 3, 31))  # fmt: skip
    totals = services.totals(FundingLine.objects.all(), TODAY)
    assert totals.in_force == Decimal("0.30") and totals.recurrent == Decimal("0.10")
    assert totals.time_limited == Decimal("0.20") and totals.ending_within_year == Decimal("0.20")
    assert totals.by_funder_kind == [("Integrated care board (ICB)", Decimal("0.30"))]
    assert services.pounds(Decimal("45000.00")) == "£45,000" and services.pounds(Decimal("45000.5")) == "£45,000.50"
