"""CSV downloads stay one cell per value whatever list separator the reader's spreadsheet uses."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newroles.lib.exports import csv_bytes

SEPARATORS = [",", ";", "\t", "|"]
ATTACK = "x;=cmd|' /C calc'!A0"


def _read(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", SEPARATORS)
def test_a_formula_after_a_separator_is_quoted_for_every_locale(delimiter):
    data = csv_bytes(["Name", "Count"], [[ATTACK.replace(";", delimiter), 3]])
    assert f'"{ATTACK.replace(";", delimiter)}",3\r\n'.encode() in data
    for separator in SEPARATORS:
        for row in _read(data, separator):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (separator, row)


def test_plain_cells_stay_unquoted_and_formulas_stay_neutralised():
    data = csv_bytes(["Name", "Count"], [["CMHT North", 12], ["=1+1", None], ['He said "hi"', 2.5]])
    assert data.decode("utf-8-sig") == 'Name,Count\r\nCMHT North,12\r\n\'=1+1,\r\n"He said ""hi""",2.5\r\n'


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_no_text_becomes_a_formula_cell_under_any_separator(cells):
    data = csv_bytes(["a"] * len(cells), [cells])
    for separator in SEPARATORS:
        for row in _read(data, separator):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (separator, row)
