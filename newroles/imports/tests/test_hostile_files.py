"""Tabular imports refuse control characters in any cell, wherever in the file, and never re-parse a file."""

from __future__ import annotations

import pytest

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports.tests.helpers import Flow, csv_text
from newroles.lib.tabular import TabularError, read_table
from newroles.lib.tests.helpers import xlsx
from newroles.organisations.models import Team

FILLER = [f"Filler team {i:05d},community,no" for i in range(3000)]  # well past the first 64 KiB


@pytest.mark.parametrize("mark", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_after_the_first_64_kib_is_refused_with_its_row_and_column(alice, sheffield, mark):
    data = csv_text("Team,Service,Shared", *FILLER, f"NULMARK{mark}Team,community,no")
    assert len(data) > 65536
    response = Flow(client_for(alice), kind="teams", trust="TAH").upload(data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith(f"Row 3002, column 'Team': the value contains a control character (U+{ord(mark):04X})")
    assert not Team.objects.filter(name__startswith="NULMARK").exists()
    assert not ChangeRecord.objects.filter(after__icontains="NULMARK").exists()


def test_tabs_and_line_breaks_inside_a_quoted_cell_are_kept():
    table = read_table(csv_text("name,description", '"CMHT North","Adults\tand\r\nolder adults"'))
    assert table.rows[0][1] == ["CMHT North", "Adults\tand\r\nolder adults"]


def test_a_control_character_in_a_workbook_cell_is_refused():
    with pytest.raises(TabularError, match=r"Row 3, column 'Service': .*U\+007F"):
        read_table(xlsx([["Team", "Service"], ["CMHT North", "community"], ["Maple Ward", "in\x7fpatient"]]), "t.xlsx")


def test_the_mapping_page_does_not_parse_the_file_again(alice, sheffield, monkeypatch):
    flow = Flow(client_for(alice), kind="teams", trust="TAH")
    assert flow.upload(csv_text("Team,Service,Shared", "CMHT North,community,yes")).status_code == 302

    def parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr("newroles.imports.engine.read_table", parse)
    for _ in range(2):
        page = flow.client.get(flow.map_url)
        assert page.status_code == 200 and "CMHT North" in page.content.decode()
    check = flow.map(name="Team", service_type="Service", is_shared="Shared")
    assert check.context["result"].ok
    assert flow.commit().status_code == 302
    assert sheffield.teams.filter(name="CMHT North", is_shared=True).exists()
