"""CSV downloads stay one cell per value whatever list separator the reader's spreadsheet uses."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newroles.lib.exports import csv_bytes

SEPARATORS = [",", ";", "\t", "|"]
ATTACK = "x;=cmd|' /C calc'!A0"


def _read(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", SEPARATORS)
def test_a_formula_after_a_separator_is_quoted_for_every_locale(delimiter):
    data = csv_bytes(["Name", "Count"], [[ATTACK.replace(";", delimiter), 3]])
    # Quoted, and the formula start after the separator neutralised as well.
    neutralised = ATTACK.replace(";", delimiter + "'")
    assert f'"{neutralised}",3\r\n'.encode() in data
    for separator in SEPARATORS:
        for row in _read(data, separator):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (separator, row)


@pytest.mark.parametrize("delimiter", SEPARATORS)
def test_a_formula_after_a_separator_in_a_later_column_is_neutralised(delimiter):
    # In a later column the quote is not at the start of a cell for a reader splitting on another
    # separator, so the quoting alone would not hold: the formula start gets an apostrophe as well.
    data = csv_bytes(["Name", "Note"], [["CMHT North", ATTACK.replace(";", delimiter)], ["A", 'b\n"=1+1']])
    for separator in SEPARATORS:
        for row in _read(data, separator):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (separator, row)
    assert ATTACK.replace(";", delimiter + "'") in data.decode("utf-8-sig")


def test_plain_cells_stay_unquoted_and_formulas_stay_neutralised():
    data = csv_bytes(["Name", "Count"], [["CMHT North", 12], ["=1+1", None], ['He said "hi"', 2.5]])
    assert data.decode("utf-8-sig") == 'Name,Count\r\nCMHT North,12\r\n\'=1+1,\r\n"He said ""hi""",2.5\r\n'


@settings(max_examples=500)
@given(st.lists(st.one_of(st.text(alphabet=list(",;\t|\r\n\"'=+-@ ax"), max_size=12), st.text()), min_size=1,
                max_size=4))  # fmt: skip
def test_no_text_becomes_a_formula_cell_under_any_separator(cells):
    data = csv_bytes(["a"] * len(cells), [cells])
    for separator in SEPARATORS:
        for row in _read(data, separator):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (separator, row)
