"""A row with several bad cells reports every one of them, each with its column."""

from __future__ import annotations

from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.imports.tests.helpers import csv_text
from newroles.lib.tabular import read_table
from newroles.organisations.models import Team


def test_every_bad_cell_of_a_row_is_reported(eve, sheffield):
    kind = get_kind("teams")
    table = read_table(csv_text("Name,Service type,Shared", "Ward 9,Spaceship,perhaps"), "teams.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    result = engine.run_import(kind, table, mapping, ImportContext(actor=eve, trust=sheffield), commit=True)
    assert [str(e).split(":")[0] for e in result.errors] == ["row 2, column Service type", "row 2, column Shared"]
    assert "'perhaps' is not yes or no" in str(result.errors[1])
    assert not Team.objects.filter(name="Ward 9").exists()
