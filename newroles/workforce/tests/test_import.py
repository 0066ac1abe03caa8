"""The extract import: aggregates only, personal data never stored, months replaced atomically."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.workforce import month, pipeline, services
from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount, StaffRecordFigure, TitleAnswer
from newroles.workforce.tests.conftest import (
    APRIL,
    MAPPING,
    MARCH,
    STANDARD,
    SURNAMES,
    person,
    post,
    rows_of,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


def counts(obj: ExtractImport) -> dict[str, int]:
    rows = StaffCount.objects.filter(trust=obj.trust, month=obj.month).values("role__slug").annotate(n=Sum("headcount"))
    return {r["role__slug"] or "": r["n"] for r in rows}


def test_a_csv_extract_becomes_counts_by_role(imported: ExtractImport) -> None:
    assert imported.status == ExtractImport.DONE and imported.is_current
    assert counts(imported) == {
        "mental_health_nurse": 14, "peer_support_worker": 9, "clinical_associate_in_psychology": 2,
        "nursing_associate": 5, "": 6,
    }  # fmt: skip
    summary = imported.summary
    assert summary["rows"] == 36 and summary["titles"] == 7 and summary["staff_confident"] == 30
    assert summary["band_missing"] == 1 and summary["unreadable_bands"] == [["Band 10", 1]]
    assert summary["wte_impossible"] == 1 and summary["wte_missing"] == 1
    # WTE leaves out the missing and the impossible (37.5 hours typed as WTE).
    nurses = StaffCount.objects.filter(trust=imported.trust, role__slug="mental_health_nurse")
    assert nurses.aggregate(w=Sum("wte"))["w"] == Decimal("12.00")


def test_titles_keep_their_counts_codes_and_answers(imported: ExtractImport) -> None:
    cap = ExtractTitle.objects.get(trust=imported.trust, title="Clinical Associate Psychologist")
    assert cap.role.slug == "clinical_associate_in_psychology" and cap.code_conflict
    assert (cap.job_role, cap.occupation_code, cap.headcount) == ("Healthcare Assistant", "H1D", 2)
    na = ExtractTitle.objects.get(trust=imported.trust, title="Nursing Associate")
    assert na.band_outside == 5  # band 6, the role is bands 3-4
    navigator = ExtractTitle.objects.get(trust=imported.trust, title="Recovery Navigator")
    assert navigator.role is None and navigator.review
    # A title for review keeps its own cells; a confident one is counted under its role alone.
    assert StaffCount.objects.filter(title=navigator).aggregate(n=Sum("headcount"))["n"] == 4
    assert not StaffCount.objects.filter(role__slug="mental_health_nurse", title__isnull=False).exists()


def test_an_xlsx_extract_gives_the_same_counts(sheffield, tmp_path: Path, run_import: Callable) -> None:
    path = write_xlsx(tmp_path / "esr.xlsx", rows_of(*STANDARD))
    obj = run_import(sheffield, path=path)
    assert obj.status == ExtractImport.DONE, obj.error
    assert obj.file_format == "XLSX"
    assert counts(obj)["peer_support_worker"] == 9 and obj.summary["rows"] == 36


def test_a_windows_1252_extract_imports(sheffield, tmp_path: Path, run_import: Callable) -> None:
    rows = rows_of((3, post("Peer Support Worker – Café Recovery", grade="Band 4")))
    obj = run_import(sheffield, path=write_csv(tmp_path / "cp.csv", rows, encoding="cp1252"))
    assert obj.status == ExtractImport.DONE, obj.error
    assert ExtractTitle.objects.get(trust=sheffield).title == "Peer Support Worker – Café Recovery"
    assert not list(tmp_path.glob("*.utf8.csv"))  # the transcoded copy is deleted


def test_an_unreadable_file_fails_and_changes_nothing(sheffield, tmp_path: Path, imported: ExtractImport) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"Position Title,Grade\n\x00\x01\x02\x03")
    with pytest.raises(services.ExtractError):
        services.import_file(actor=policy.SYSTEM, trust=sheffield, path=path, month=MARCH, mapping=MAPPING)
    assert counts(imported)["peer_support_worker"] == 9


def test_a_missing_mapped_column_fails_clearly(sheffield, tmp_path: Path, run_import: Callable) -> None:
    headers = ["Position Title", "Grade"]
    path = write_csv(tmp_path / "short.csv", rows_of((2, post("Peer Worker"))), headers=headers)
    obj = run_import(sheffield, path=path)
    assert obj.status == ExtractImport.FAILED
    assert "Job Role" in obj.error
    assert not ExtractImport.objects.filter(trust=sheffield, is_current=True).exists()


def test_mapping_problems_name_missing_and_personal_columns() -> None:
    headers = ["Surname", "Position Title", "NI Number", "Assignment Number"]
    assert services.mapping_problems({"band": "Surname"}, headers) == [
        "Choose the column for Position title: it is required.",
        "Column 'Surname' looks like personal data, so it is never read: it cannot be the grade or pay band.",
    ]
    problems = services.mapping_problems({"title": "Position Title", "assignment_number": "NI Number"}, headers)
    assert problems == [
        "Column 'NI Number' is not an assignment number: only an assignment number column is read, to count "
        "duplicated assignments."
    ]
    assert (
        services.mapping_problems({"title": "Position Title", "assignment_number": "Assignment Number"}, headers) == []
    )


def test_common_esr_headers_map_themselves_and_personal_ones_never(sheffield) -> None:
    headers = ["Surname", "Assignment Number", "Position Title", "Job Role", "Occupation Code", "Staff Group",
               "Area of Work", "Pay Band", "FTE", "Organisation", "Cost Centre", "NI Number"]  # fmt: skip
    assert services.suggest_mapping(sheffield, headers) == {
        "title": "Position Title", "job_role": "Job Role", "occupation_code": "Occupation Code",
        "staff_group": "Staff Group", "band": "Pay Band", "wte": "FTE", "org_unit": "Organisation",
        "cost_centre": "Cost Centre", "area_of_work": "Area of Work", "assignment_number": "Assignment Number",
    }  # fmt: skip


def test_the_trusts_mapping_is_remembered(sheffield, rotherham) -> None:
    headers = ["Post Name", "Banding", "Hours"]
    services.remember_mapping(actor=policy.SYSTEM, trust=sheffield, mapping={"title": "Post Name", "band": "Banding"})
    assert services.suggest_mapping(sheffield, headers) == {"title": "Post Name", "band": "Banding"}
    assert services.suggest_mapping(rotherham, headers) == {}  # per trust


def test_duplicate_assignments_are_counted_from_hashes(sheffield, run_import: Callable) -> None:
    rows = rows_of((4, post("Peer Worker", grade="Band 3")))
    rows.append(dict(rows[0]))  # the extract repeats a row
    rows.append(dict(rows[1]))
    rows.append({**rows[2], "Assignment Number": ""})  # no number: not a duplicate
    obj = run_import(sheffield, rows)
    assert obj.summary["duplicate_rows"] == 4  # both copies of each repeated assignment
    assert ExtractTitle.objects.get(trust=sheffield).duplicate_rows == 4


def every_stored_text() -> str:
    """Every value of every row of every table in the database, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


def test_personal_data_is_never_stored_anywhere(sheffield, tmp_path: Path, alice) -> None:
    """Upload, map and import through the pages, then search every table for the people in the file."""
    from newroles.conftest import client_for

    rows = rows_of(*STANDARD)
    path = write_csv(tmp_path / "esr.csv", rows)
    uploads_before = set(services.uploads_dir().iterdir())
    client = client_for(alice)
    with open(path, "rb") as handle:
        response = client.post("/workforce/TAH/import/", {"month": "2025-03", "file": handle})
    obj = ExtractImport.objects.get(trust=sheffield)
    assert response.status_code == 302
    client.post(obj.get_absolute_url(), {name: header for name, header in MAPPING.items()})
    obj.refresh_from_db()
    assert obj.status == ExtractImport.DONE, obj.error
    assert obj.dropped_columns == ["Surname", "Forename", "Date of Birth", "NI Number"]

    stored = every_stored_text()
    assert "Peer Support Worker" in stored  # the search does see imported data
    for i, row in enumerate(rows):
        identifying = person(i)
        for value in (identifying["NI Number"], identifying["Assignment Number"], identifying["Date of Birth"]):
            assert value not in stored, value
        assert row["Assignment Number"].split("-")[0] not in stored
    for surname in [*SURNAMES, "Ottoline"]:
        assert surname not in stored, surname
    # The uploaded file is gone. (Another test on this worker may have left a file with the same name, since
    # row ids restart after each test's rollback; so look for this import's path and for anything new.)
    assert not services.upload_path(obj).exists()
    assert set(services.uploads_dir().iterdir()) - uploads_before == set()


def test_reimporting_a_month_replaces_it(sheffield, run_import: Callable, imported: ExtractImport) -> None:
    april = run_import(sheffield, rows_of((7, post("Peer Worker", grade="Band 3"))), month=APRIL)
    again = run_import(sheffield, rows_of((2, post("Peer Worker", grade="Band 3"))))
    imported.refresh_from_db()
    assert not imported.is_current and again.is_current and again.summary["replaced"] == [imported.pk]
    assert counts(again) == {"peer_support_worker": 2}
    assert counts(april) == {"peer_support_worker": 7}  # other months untouched
    assert ExtractTitle.objects.filter(trust=sheffield, month=MARCH).count() == 1
    assert StaffRecordFigure.objects.get(trust=sheffield, month=MARCH).headcount == 2
    # One summary audit record for the bulk rows, on the import itself.
    record = ChangeRecord.objects.filter(object_id=str(again.pk), message__contains="written in bulk").get()
    assert record.after["summary"]["rows"] == 2


def test_a_failure_half_way_leaves_the_previous_month(sheffield, run_import: Callable, imported: ExtractImport) -> None:
    before = counts(imported)
    answers_before = TitleAnswer.objects.count()
    real_insert = month.insert_rows
    calls = []

    def failing_insert(model, fields, rows):  # type: ignore[no-untyped-def]
        calls.append(model)
        if model is StaffCount:  # the titles are written, then the counts fail
            raise RuntimeError("disk full")
        return real_insert(model, fields, rows)

    with mock.patch.object(month, "insert_rows", failing_insert):
        failed = run_import(sheffield, rows_of((2, post("Peer Worker")), (1, post("Never seen before"))))
    assert calls == [TitleAnswer, ExtractTitle, StaffCount]  # the new answers too are rolled back below
    assert TitleAnswer.objects.count() == answers_before
    assert failed.status == ExtractImport.FAILED and "unexpected error" in failed.error
    imported.refresh_from_db()
    assert imported.is_current
    assert counts(imported) == before
    assert ExtractTitle.objects.filter(trust=sheffield, month=MARCH).count() == 7


def test_an_editor_of_another_trust_cannot_import_for_it(sheffield, charlie, extract_csv: Path) -> None:
    with pytest.raises(PermissionDenied):
        services.import_file(actor=charlie, trust=sheffield, path=extract_csv, month=MARCH, mapping=MAPPING)


def test_a_national_extract_is_split_by_trust(sheffield, rotherham, tmp_path: Path, admin_user, alice) -> None:
    rows = [{**r, "Org Code": "TAH"} for r in rows_of((3, post("Peer Worker")))]
    rows += [{**r, "Org Code": "rxe "} for r in rows_of((2, post("Nursing Associate", grade="Band 4")))]
    rows += [{**r, "Org Code": "ZZZ"} for r in rows_of((1, post("Peer Worker")))]
    headers = ["Org Code", *rows[0].keys() - {"Org Code"}]
    path = write_csv(tmp_path / "national.csv", rows, headers=sorted(headers))
    mapping = {**MAPPING, "trust_code": "Org Code"}
    result = services.run_national_import(actor=admin_user, path=path, filename="n.csv", month=MARCH, mapping=mapping)
    assert sorted(i.trust.ods_code for i in result.imports) == ["RXE", "TAH"]
    assert result.unknown_codes == {"ZZZ": 1}
    assert counts(result.imports[0]) in ({"peer_support_worker": 3}, {"nursing_associate": 2})
    with pytest.raises(PermissionDenied):  # a trust's editor imports only the trust's own extract
        services.run_national_import(actor=alice, path=path, filename="n.csv", month=MARCH, mapping=mapping)


def test_every_workforce_model_names_its_trust() -> None:
    # A recount after a catalogue change is national: it belongs to no trust and names none.
    for model in apps.get_app_config("workforce").get_models():
        if model._meta.model_name == "recount":
            assert not hasattr(model, "trust_path") and model.change_rule == "system"
            continue
        assert getattr(model, "trust_path", None) == "trust", model


@pytest.mark.parametrize(
    ("raw", "band"),
    [("Band 5", "5"), ("AfC Band 6", "6"), ("5", "5"), ("Band 8 - Range A", "8a"), ("Band 8C", "8c"), ("8d", "8d"),
     ("Review Body Band 7", "7"), ("Band 8", "?"), ("Band 10", "?"), ("N/A", "?"), ("", ""), ("  ", ""),
     ("Consultant", "medical"), ("Specialty Doctor", "medical"), ("XN34", "medical"), ("Band 6 (Trainee)", "6")],
)  # fmt: skip
def test_bands_are_parsed(raw: str, band: str) -> None:
    assert pipeline.parse_band(raw) == band


@pytest.mark.parametrize(("raw", "wte"), [("1.00", 1.0), ("0,8", 0.8), ("", None), ("full", None), (" 0.6 ", 0.6)])
def test_wte_is_parsed(raw: str, wte: float | None) -> None:
    assert pipeline.parse_wte(raw) == wte


def test_months_are_parsed() -> None:
    assert services.parse_month("2025-03") == dt.date(2025, 3, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        services.parse_month("March")
