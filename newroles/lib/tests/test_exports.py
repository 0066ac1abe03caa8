"""newroles.lib.exports: CSV and XLSX downloads that a spreadsheet cannot turn into formulas."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from newroles.lib.exports import XLSX_TYPE, csv_bytes, download, safe_cell, xlsx_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+44 114 271 6310", "'+44 114 271 6310"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("CMHT North", "CMHT North"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-2, -2),
        (3.5, 3.5),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@given(st.text())
def test_safe_cell_never_returns_text_a_spreadsheet_would_run(text):
    assert not str(safe_cell(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_bytes_neutralises_every_cell_including_headers():
    rows = _csv_rows(csv_bytes(["=Name", "Count"], [["=cmd|' /C calc'!A0", 3], ["Zoë – North", None]]))
    assert rows == [["'=Name", "Count"], ["'=cmd|' /C calc'!A0", "3"], ["Zoë – North", ""]]


def test_xlsx_bytes_writes_text_never_formulas():
    data = xlsx_bytes(["Name", "Count", "Shared"], [["=1+1", 3, True]], title="A very long sheet title over 31 chars")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "A very long sheet title over 31"
    name, count, shared = sheet[2]
    assert (name.value, name.data_type) == ("'=1+1", "s")
    assert (count.value, count.data_type) == (3, "n")
    assert shared.value == "yes"


@pytest.mark.parametrize(
    ("file_format", "content_type", "ext"),
    [
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("xlsx", XLSX_TYPE, "xlsx"),
        ("anything", "text/csv; charset=utf-8", "csv"),
    ],
)
def test_download_is_an_attachment(file_format, content_type, ext):
    response = download("teams-TAH", ["Name"], [["A"]], file_format)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="teams-TAH.{ext}"'
