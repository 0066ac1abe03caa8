"""Reading extracts: personal-data columns found from headers alone, encodings, formats, only mapped columns read."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from newroles.workforce.extract import (
    ExtractError,
    is_assignment_header,
    looks_personal,
    open_extract,
    read_columns,
    read_preview,
)
from newroles.workforce.tests.conftest import HEADERS, STANDARD, rows_of, write_csv, write_xlsx


@pytest.mark.parametrize(
    "header",
    ["Surname", "Forename(s)", "First Name", "Last name", "Full Name", "Employee Name", "Manager Name", "Date of Birth",
     "DOB", "Birth Date", "NI Number", "National Insurance Number", "NINO", "Employee Number", "Person Number",
     "Staff ID", "Assignment Number", "Home Address", "Postcode", "Email Address", "Mobile", "Ethnic Origin",
     "Religious Belief", "Sexual Orientation", "Disability", "Gender", "Age", "Title", "NMC PIN",
     "Professional Registration Number"],
)  # fmt: skip
def test_personal_headers_are_recognised(header: str) -> None:
    assert looks_personal(header)


@pytest.mark.parametrize(
    "header",
    ["Position Title", "Position Name", "Job Role", "Occupation Code", "Staff Group", "Area of Work", "Grade",
     "Pay Band", "Contracted WTE", "FTE", "Organisation", "Organisation Name", "Cost Centre", "Team Name", "Org Code",
     "Assignment Category", "Assignment Start Date"],
)  # fmt: skip
def test_organisational_headers_are_not_personal(header: str) -> None:
    assert not looks_personal(header)


def test_assignment_number_headers() -> None:
    assert is_assignment_header("Assignment Number") and is_assignment_header("assignment_no")
    assert not is_assignment_header("Employee Number") and not is_assignment_header("Assignment Start Date")


def test_a_csv_is_opened_with_its_headers(extract_csv: Path) -> None:
    extract = open_extract(extract_csv)
    assert extract.file_format == "CSV" and extract.encoding == "UTF-8" and extract.delimiter == ","
    assert extract.headers == HEADERS
    assert extract.personal_headers() == ["Assignment Number", "Surname", "Forename", "Date of Birth", "NI Number"]


def test_only_the_mapped_columns_are_read(extract_csv: Path) -> None:
    frame = read_columns(open_extract(extract_csv), {"title": "Position Title", "band": "Grade"})
    assert frame.columns == ["title", "band"]
    assert frame.height == 36 and frame.schema["band"] == pl.String


def test_the_preview_leaves_personal_columns_out(extract_csv: Path) -> None:
    preview = read_preview(open_extract(extract_csv), HEADERS, rows=3)
    assert len(preview) == 3
    assert "Surname" not in preview[0] and "NI Number" not in preview[0]
    assert preview[0]["Position Title"] == "Staff Nurse - Maple Ward"


def test_an_xlsx_workbook_is_read_with_calamine(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "esr.xlsx", rows_of(*STANDARD))
    extract = open_extract(path, "esr.xlsx")
    assert extract.file_format == "XLSX" and extract.headers == HEADERS
    frame = read_columns(extract, {"title": "Position Title", "wte": "Contracted WTE"})
    assert frame.height == 36 and frame["title"][0] == "Staff Nurse - Maple Ward"


def test_a_windows_1252_file_is_transcoded(tmp_path: Path) -> None:
    rows = rows_of((2, {"Position Title": "Responsable Clinicien – Café Team", "Grade": "Band 7"}))
    path = write_csv(tmp_path / "cp.csv", rows, encoding="cp1252")
    extract = open_extract(path)
    assert extract.encoding == "Windows-1252"
    assert read_columns(extract, {"title": "Position Title"})["title"][0] == "Responsable Clinicien – Café Team"
    copies = list(extract.temporary_paths)
    extract.cleanup()
    assert copies and not any(p.exists() for p in copies)


def test_a_utf16_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u16.csv", rows_of((1, {"Position Title": "Peer Worker"})), encoding="utf-16")
    extract = open_extract(path)
    assert extract.encoding == "UTF-16"
    assert read_columns(extract, {"title": "Position Title"})["title"].to_list() == ["Peer Worker"]
    extract.cleanup()


def test_semicolon_separated_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("Position Title;Grade\nStaff Nurse;Band 5\nPeer Worker;Band 3\n", encoding="utf-8")
    extract = open_extract(path)
    assert extract.delimiter == ";"
    assert read_columns(extract, {"title": "Position Title"})["title"].to_list() == ["Staff Nurse", "Peer Worker"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "x.csv", "empty"),
        (b"\x00\x01\x02binary\x00", "x.csv", "not readable text"),
        (b"just,some\x03,text\n", "x.csv", "control characters"),
        (b"Position Title,,Grade\nx,y,z\n", "x.csv", "no name"),
        (b"Title A,title a\nx,y\n", "x.csv", "same name"),
        (b"not a workbook", "x.xlsx", "not one"),
        (b"PK\x03\x04broken", "x.xlsx", "Excel"),
        (b"Position Title,Grade\nCaf\x81\x8d,5\n", "x.csv", "UTF-8 or Windows-1252"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        open_extract(path, name)


def test_a_missing_column_is_named(extract_csv: Path) -> None:
    with pytest.raises(ExtractError, match="'Pay Band'"):
        read_columns(open_extract(extract_csv), {"band": "Pay Band"})
