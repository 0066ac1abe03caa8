"""The `funding` import kind: every bad row reported by row, column and reason; nothing written on failure."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.funding.models import FundingLine, FundingShare
from newroles.funding.shares import shares_text
from newroles.funding.tests.conftest import fund
from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.lib.tabular import read_table

pytestmark = pytest.mark.django_db

HEADER = (
    "Line number,Role,Name,Funder type,Funder,Type,Amount,Start,End,WTE,Salary,Backfill,Supervision,Training,"
    "Joint funders,Contract status"
)


def run(actor, trust, *lines: str, commit: bool = True, header: str = HEADER):  # type: ignore[no-untyped-def]
    kind = get_kind("funding")
    table = read_table(("\n".join([header, *lines]) + "\n").encode(), "funding.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    return engine.run_import(kind, table, mapping, ImportContext(actor=actor, trust=trust), commit=commit)


def test_columns_are_recognised_by_their_usual_names():
    mapping = engine.suggest_mapping(get_kind("funding"), HEADER.split(","), {})
    assert mapping["deployment"] == "Role" and mapping["amount_per_year"] == "Amount"
    assert mapping["funder_kind"] == "Funder type" and mapping["funder_name"] == "Funder"
    assert mapping["shares"] == "Joint funders" and mapping["covers_backfill"] == "Backfill"
    assert mapping["id"] == "Line number" and mapping["contract_status"] == "Contract status"


def test_an_editor_imports_lines_with_shares(peer, eve, sheffield):
    result = run(
        eve, sheffield,
        ',Peer Worker,Pilot,ICB,ICB North,time-limited,"£45,000.50",01/04/2026,2028-03-31,1.8,yes,no,yes,no,'
        '"ICB North 60; Council 40",agreed',
        ",peer worker,,Trust baseline budget,,Recurrent,30000,2025-04-01,,,yes,yes,yes,,,in negotiation",
    )  # fmt: skip
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (2, 0)
    pilot = FundingLine.objects.get(name="Pilot")
    assert pilot.amount_per_year == Decimal("45000.50") and pilot.wte == Decimal("1.80")
    assert pilot.covers_salary and pilot.covers_supervision and not pilot.covers_backfill
    assert shares_text(pilot.shares.all()) == "ICB North 60; Council 40"
    baseline = FundingLine.objects.get(name="")
    assert baseline.funding_type == "recurrent" and baseline.contract_status == "in_negotiation"


def test_several_bad_rows_are_all_reported_and_nothing_is_written(peer, eve, sheffield):
    result = run(
        eve, sheffield,
        ",Peer Worker,Good,icb,,recurrent,1000,2025-04-01,,,yes,,,,,",
        ",No Such Role,,icb,,recurrent,1000,2025-04-01,,,yes,,,,,",
        ",Peer Worker,,lottery,,recurrent,1000,2025-04-01,,,yes,,,,,",
        ",Peer Worker,,icb,,time-limited,1000,2025-04-01,,,yes,,,,,",
        ',Peer Worker,,icb,,recurrent,"1,000.005",31 Feb,,,maybe,,,,,',
        ',Peer Worker,,icb,,recurrent,1000,2025-04-01,,,yes,,,,"ICB North 60; Council 39",',
        ",Peer Worker,,icb,,recurrent,1000,2025-04-01,,,no,no,no,no,,",
        "99999,Peer Worker,,icb,,recurrent,1000,2025-04-01,,,yes,,,,,",
        ",Peer Worker,,icb,,recurrent,,2025-04-01,,,yes,,,,,",
    )  # fmt: skip
    assert not result.ok
    by_row: dict[int, list[tuple[str | None, str]]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append((e.column, e.message))
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert by_row[3] == [("Role", "is not one of Sheffield Health Partnership University NHS Foundation Trust's roles: "
                                  "give its title as on its roles list")]  # fmt: skip
    assert by_row[4][0][0] == "Funder type" and "is not one of" in by_row[4][0][1]
    assert by_row[5] == [("End", "Time-limited funding needs the date it ends.")]
    assert sorted(column for column, _ in by_row[6]) == ["Amount", "Salary", "Start"]  # every problem of the row
    assert by_row[7][0][0] == "Joint funders" and "add to 99%" in by_row[7][0][1]
    assert by_row[8] == [("Salary", "Say what the funding covers: tick at least one cost.")]
    assert by_row[9][0][0] == "Line number"
    assert by_row[10] == [("Amount", "Amount a year (£) is required but this row leaves it empty")]
    assert not FundingLine.objects.exists() and not FundingShare.objects.exists()


def test_a_row_with_a_line_number_updates_that_line(peer, eve, sheffield):
    line = fund(peer, name="Old")
    result = run(eve, sheffield, f"{line.pk},Peer Worker,New,icb,,recurrent,50000,2025-04-01,,,yes,yes,yes,yes,,")
    assert result.ok and (result.created, result.updated) == (0, 1)
    line.refresh_from_db()
    assert line.name == "New" and line.amount_per_year == Decimal("50000") and line.covers_training


def test_another_trusts_line_number_is_not_found(rotherham_peer, eve, sheffield, peer):
    theirs = fund(rotherham_peer, name="Theirs")
    result = run(eve, sheffield, f"{theirs.pk},Peer Worker,Mine now,icb,,recurrent,1,2025-04-01,,,yes,,,,,")
    assert [e.column for e in result.errors] == ["Line number"]
    theirs.refresh_from_db()
    assert theirs.name == "Theirs" and theirs.trust.ods_code == "RXE"


def test_only_the_trusts_editors_may_import(peer, bob, charlie, eve, sheffield):
    kind = get_kind("funding")
    assert kind.may_use(eve, sheffield)
    assert not kind.may_use(bob, sheffield) and not kind.may_use(charlie, sheffield)
    assert client_for(charlie).get(reverse("imports:upload", args=["funding"]) + "?trust=TAH").status_code == 403


def test_an_export_imports_back_unchanged(peer, alice, sheffield):
    from newroles.funding.tests.conftest import shares

    line = fund(peer, name="Round trip", funding_type="time_limited", amount_per_year=Decimal("12345.67"),
                shares=shares(("ICB North", "60"), ("Council", "40")), conditions="=SUM(A1)")  # fmt: skip
    exported = client_for(alice).get(reverse("funding:trust", args=["TAH"]), {"format": "csv"})
    text = exported.content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    result = run(alice, sheffield, *out.getvalue().splitlines()[1:], header=out.getvalue().splitlines()[0])
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    line.refresh_from_db()
    assert line.amount_per_year == Decimal("12345.67") and line.name == "Round trip"
    assert shares_text(line.shares.all()) == "ICB North 60; Council 40"
