"""Fixtures for staff-record tests: small ESR-style extracts with invented people, and an importer."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from newroles.accounts import policy
from newroles.organisations.models import Trust
from newroles.workforce import services
from newroles.workforce.models import ExtractImport

HEADERS = [
    "Assignment Number", "Surname", "Forename", "Date of Birth", "NI Number", "Position Title", "Job Role",
    "Occupation Code", "Staff Group", "Area of Work", "Grade", "Contracted WTE", "Organisation",
]  # fmt: skip
MAPPING = {
    "assignment_number": "Assignment Number", "title": "Position Title", "job_role": "Job Role",
    "occupation_code": "Occupation Code", "staff_group": "Staff Group", "area_of_work": "Area of Work",
    "band": "Grade", "wte": "Contracted WTE", "org_unit": "Organisation",
}  # fmt: skip

# Invented people. The surnames, NI numbers and assignment numbers are distinctive so that a test can
# search every table for them.
SURNAMES = ["Quaxworthy", "Zindelbrook", "Pellingham", "Mortlestone", "Vexabrine", "Thistlecombe"]
MARCH = dt.date(2025, 3, 1)
APRIL = dt.date(2025, 4, 1)


def person(i: int) -> dict[str, str]:
    """Invented identifying columns for row i (NI numbers use the QQ prefix, reserved for specimens)."""
    return {
        "Assignment Number": f"99{i:06d}-1",
        "Surname": SURNAMES[i % len(SURNAMES)],
        "Forename": "Ottoline",
        "Date of Birth": f"19{60 + i % 30}-0{1 + i % 9}-1{i % 9}",
        "NI Number": f"QQ{100000 + i}C",
    }


def rows_of(*groups: tuple[int, dict[str, str]]) -> list[dict[str, str]]:
    """Rows from (count, post) pairs: each post's columns repeated count times, each with its own person."""
    rows = []
    for count, post in groups:
        for _ in range(count):
            rows.append({**person(len(rows)), **post})
    return rows


def post(title: str, grade: str = "Band 5", wte: str = "1.0", job_role: str = "", code: str = "",
         org: str = "349 Maple Ward", group: str = "Nursing and Midwifery Registered") -> dict[str, str]:  # fmt: skip
    return {
        "Position Title": title, "Job Role": job_role, "Occupation Code": code, "Staff Group": group,
        "Area of Work": "Mental Health", "Grade": grade, "Contracted WTE": wte, "Organisation": org,
    }  # fmt: skip


STANDARD = [
    (12, post("Staff Nurse - Maple Ward", job_role="Staff Nurse", code="N6D")),
    (6, post("Peer Support Worker", grade="Band 4", job_role="Support Worker", code="H1D",
             group="Additional Clinical Services")),
    (3, post("Peer Worker - CMHT North", grade="Band 3", org="350 CMHT North", group="Additional Clinical Services")),
    (2, post("Clinical Associate Psychologist", grade="Band 6", job_role="Healthcare Assistant", code="H1D",
             group="Add Prof Scientific and Technic")),
    (4, post("Recovery Navigator", grade="Band 4", group="Additional Clinical Services")),
    (2, post("Ward Clerk", grade="Band 3", group="Administrative and Clerical")),
    (5, post("Nursing Associate", grade="Band 6", job_role="Nursing Associate", code="NGD")),
    (1, post("Staff Nurse - Maple Ward", grade="", wte="37.5", job_role="Staff Nurse", code="N6D")),
    (1, post("Staff Nurse - Maple Ward", grade="Band 10", wte="", job_role="Staff Nurse", code="N6D")),
]  # fmt: skip


def write_csv(path: Path, rows: Sequence[dict[str, str]], *, encoding: str = "utf-8", headers=HEADERS) -> Path:  # type: ignore[no-untyped-def]
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=headers, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[dict[str, str]], headers=HEADERS) -> Path:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    workbook.save(path)
    return path


@pytest.fixture
def extract_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "esr.csv", rows_of(*STANDARD))


@pytest.fixture
def run_import(tmp_path: Path) -> Callable[..., ExtractImport]:
    """Import rows (or a file) for a trust and month through the real service, as the command line does."""

    def run(trust: Trust, rows: Any = None, *, month: dt.date = MARCH, actor: Any = policy.SYSTEM,
            path: Path | None = None, mapping: dict[str, str] | None = None) -> ExtractImport:  # fmt: skip
        if path is None:
            path = write_csv(
                tmp_path / f"{trust.ods_code}-{month:%Y-%m}.csv", rows if rows is not None else rows_of(*STANDARD)
            )
        return services.import_file(
            actor=actor, trust=trust, path=path, month=month, mapping=mapping or MAPPING, processes=1
        )

    return run


@pytest.fixture
def imported(sheffield: Trust, run_import: Callable[..., ExtractImport]) -> ExtractImport:
    obj = run_import(sheffield)
    assert obj.status == ExtractImport.DONE, obj.error
    return obj
