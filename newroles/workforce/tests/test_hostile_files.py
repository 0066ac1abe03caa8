"""Staff-record extracts built to hurt: decompression bombs, control characters, personal data in disguise."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from newroles.conftest import client_for
from newroles.lib.tests import bombs
from newroles.lib.tests.test_zipcheck import Bounded
from newroles.workforce import services
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import write_csv


def _upload(user, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        reverse("workforce:upload", args=["TAH"]), {"month": "2025-03", "file": SimpleUploadedFile(name, data)}
    )


def test_an_xlsx_with_a_gigabyte_of_shared_strings_is_refused_at_upload(alice, sheffield) -> None:
    before = set(services.uploads_dir().iterdir())
    with Bounded() as cost:
        response = _upload(alice, "esr.xlsx", bombs.xlsx_bomb(1024))
    assert response.status_code == 400
    assert "decompression bomb: its part &#x27;xl/sharedStrings.xml&#x27;" in response.content.decode()
    assert not ExtractImport.objects.exists()
    assert set(services.uploads_dir().iterdir()) == before
    assert cost.peak < 64 * bombs.MIB and cost.seconds < 10


def test_a_large_real_staff_record_workbook_passes_the_zip_check(tmp_path: Path) -> None:
    from newroles.workforce.extract import open_extract
    from newroles.workforce.synthetic import ExtractOptions, write_extract

    path = write_extract(tmp_path / "esr.xlsx", ExtractOptions(rows=20_000), file_format="xlsx")
    extract = open_extract(path, "esr.xlsx")
    assert "Position Title" in extract.headers


# Personal data under innocent headers ---------------------------------------------------------------

DISGUISED = ["Position Title", "Grade", "Contracted WTE", "Organisation", "NI", "National Ins No", "Employee",
             "Contact", "Unit", "Ref", "Details", "Born"]  # fmt: skip
FIRST = ["Oliver", "Priya", "Sarah", "Mohammed", "Helen", "James", "Emma", "David"]
LAST = ["Quaxworthy", "Zindelbrook", "Pellingham", "Mortlestone", "Vexabrine", "Thistlecombe"]
NHS_NUMBERS = ["9434765919", "9434765870", "4010232137", "9434765862"]  # valid check digits


def disguised_rows(count: int = 40) -> list[dict[str, str]]:
    rows = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)] + ("" if i < len(LAST) else f"{chr(97 + i % 26)}")
        rows.append({
            "Position Title": "Staff Nurse", "Grade": "Band 5", "Contracted WTE": "1.0",
            "Organisation": "349 Maple Ward",
            "NI": f"QQ{100000 + i}C", "National Ins No": f"QQ{200000 + i}D", "Employee": f"{last}, {first}",
            "Contact": f"07700 9{i:05d}", "Unit": f"{first} {last}", "Ref": NHS_NUMBERS[i % 4],
            "Details": f"{first.lower()}.{last.lower()}@nhs.net", "Born": f"19{60 + i % 30}-0{1 + i % 9}-1{i % 9}",
        })  # fmt: skip
    return rows


def _disguised_upload(alice, sheffield, tmp_path: Path) -> ExtractImport:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "esr.csv", disguised_rows(), headers=DISGUISED)
    response = _upload(alice, "esr.csv", path.read_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExtractImport.objects.get(trust=sheffield)


def test_personal_columns_are_found_by_header_and_content_and_never_shown(alice, sheffield, tmp_path: Path) -> None:
    obj = _disguised_upload(alice, sheffield, tmp_path)
    assert set(obj.personal_columns) == {"NI", "National Ins No", "Employee", "Contact", "Unit", "Ref", "Details",
                                         "Born"}  # fmt: skip
    assert obj.personal_reasons == {
        "Unit": "people's names written 'Forename Surname'",
        "Ref": "NHS numbers",
        "Details": "email addresses",
        "Born": "dates of birth (dates 16 to 100 years ago)",
    }
    page = client_for(alice).get(obj.get_absolute_url()).content.decode()
    for value in ("Quaxworthy", "QQ100000C", "07700 9", "9434765919", "@nhs.net", "1960-01-10", "Oliver"):
        assert value not in page, value
    assert "Staff Nurse" in page and "349 Maple Ward" in page  # the harmless columns are previewed
    assert "Unit (its values look like people&#x27;s names written &#x27;Forename Surname&#x27;)" in page
    for header in ("Unit", "Ref", "Details", "Born", "Employee", "NI"):
        assert f'<option value="{header}"' not in page


def test_a_personal_column_cannot_be_mapped_to_any_field(alice, sheffield, tmp_path: Path) -> None:
    obj = _disguised_upload(alice, sheffield, tmp_path)
    response = client_for(alice).post(obj.get_absolute_url(), {"title": "Position Title", "org_unit": "Unit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unit" in page and "Quaxworthy" not in page
    obj.refresh_from_db()
    assert obj.status == ExtractImport.MAPPING
    # The service refuses it too, whatever the form offered, with the column and the reason.
    with pytest.raises(ValidationError) as refused:
        services.submit_mapping(actor=alice, extract_import=obj, mapping={"title": "Position Title",
                                                                          "org_unit": "Unit"})  # fmt: skip
    assert (
        "Column 'Unit' holds personal data (its values look like people's names written 'Forename Surname'), so it "
        "is never read: it cannot be the organisation unit or team." in refused.value.messages
    )
    with pytest.raises(ValidationError, match="Column 'Employee' looks like personal data"):
        services.submit_mapping(actor=alice, extract_import=obj, mapping={"title": "Position Title",
                                                                          "org_unit": "Employee"})  # fmt: skip


def test_the_command_line_refuses_a_personal_column_too(sheffield, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", disguised_rows(), headers=DISGUISED)
    with pytest.raises(CommandError, match="Column 'Unit' holds personal data"):
        call_command("workforce", "import", str(path), "--trust", "TAH", "--month", "2025-03", "--map", "Unit=org_unit")


def test_the_mapping_page_does_not_parse_the_file_again(alice, sheffield, tmp_path: Path, monkeypatch) -> None:
    obj = _disguised_upload(alice, sheffield, tmp_path)

    def parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr("newroles.workforce.extract.open_extract", parse)
    monkeypatch.setattr("newroles.workforce.extract.read_columns", parse)
    for _ in range(2):
        page = client_for(alice).get(obj.get_absolute_url()).content.decode()
        assert "Staff Nurse" in page
    client_for(alice).post(obj.get_absolute_url(), {"title": "Position Title", "org_unit": "Organisation"})
    obj.refresh_from_db()
    assert obj.preview == []  # the sample of values goes when the mapping step ends


# Control characters -------------------------------------------------------------------------------


def test_a_nul_byte_deep_in_an_extract_fails_the_import_with_its_row_and_column(alice, sheffield, tmp_path) -> None:
    from newroles.workforce.models import ExtractTitle
    from newroles.workforce.tests.conftest import MAPPING, post, rows_of

    rows = rows_of((600, post("Staff Nurse - Maple Ward")), (1, post("NULMARK\x00Team Lead")))
    path = write_csv(tmp_path / "esr.csv", rows)
    assert path.stat().st_size > 65536
    client = client_for(alice)
    assert _upload(alice, "esr.csv", path.read_bytes()).status_code == 302  # beyond the sample: found at run
    obj = ExtractImport.objects.get(trust=sheffield)
    client.post(obj.get_absolute_url(), MAPPING)
    obj.refresh_from_db()
    assert obj.status == ExtractImport.FAILED
    assert obj.error.startswith("Row 602, column 'Position Title': the value contains a control character (U+0000)")
    assert not ExtractTitle.objects.filter(title__contains="NULMARK").exists()


def test_a_control_character_in_the_sample_is_refused_at_upload(alice, sheffield, tmp_path) -> None:
    from newroles.workforce.tests.conftest import STANDARD, post, rows_of

    path = write_csv(tmp_path / "esr.csv", rows_of(*STANDARD, (1, post("Ward\x85Clerk"))))
    response = _upload(alice, "esr.csv", path.read_bytes())
    assert response.status_code == 400
    assert "column &#x27;Position Title&#x27;: the value contains a control character (U+0085)" in (
        response.content.decode()
    )
    assert not ExtractImport.objects.exists()
