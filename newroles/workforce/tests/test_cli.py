"""The command line: `newroles workforce import|recount` and `newroles normalise-titles`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newroles.accounts import policy
from newroles.roles.models import Role, RoleAlias
from newroles.roles.services import save_alias
from newroles.workforce.models import ExtractImport, ExtractTitle
from newroles.workforce.tests.conftest import STANDARD, post, rows_of, write_csv

pytestmark = pytest.mark.django_db


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_maps_esr_headers_itself_and_remembers(sheffield, extract_csv: Path) -> None:
    output = run("workforce", "import", str(extract_csv), "--trust", "tah", "--month", "2025-03")
    assert "Not read (personal data): Surname, Forename, Date of Birth, NI Number" in output
    assert "Assignment Number: read only to count duplicated assignments, hashed and never stored" in output
    assert "Position Title -> title" in output
    assert (
        "TAH March 2025: 36 rows, 7 titles; staff: 30 matched to a role with confidence, 0 guessed and waiting for "
        "review, 6 not matched" in output
    )
    obj = ExtractImport.objects.get(trust=sheffield)
    assert obj.status == ExtractImport.DONE and obj.uploaded_by is None
    assert extract_csv.exists()  # the caller's file stays where it was
    assert sheffield.extract_mapping.mapping["title"] == "Position Title"


def test_import_with_map_overrides(sheffield, tmp_path: Path) -> None:
    headers = ["Post Name", "Banding", "Hours"]
    rows = [{"Post Name": "Peer Worker", "Banding": "Band 3", "Hours": "0.5"}] * 3
    path = write_csv(tmp_path / "odd.csv", rows, headers=headers)
    with pytest.raises(CommandError, match="Choose the column for Position title"):
        run("workforce", "import", str(path), "--trust", "TAH", "--month", "2025-03")
    output = run("workforce", "import", str(path), "--trust", "TAH", "--month", "2025-03",
                 "--map", "Post Name=title", "--map", "Banding=band", "--map", "Hours=wte")  # fmt: skip
    assert "3 rows" in output
    # The mapping is remembered for the trust: next month's file maps itself.
    output = run("workforce", "import", str(path), "--trust", "TAH", "--month", "2025-04")
    assert "Post Name -> title" in output


def test_import_refuses_bad_arguments(sheffield, extract_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("workforce", "import", str(tmp_path / "none.csv"), "--trust", "TAH", "--month", "2025-03")
    with pytest.raises(CommandError, match="No trust"):
        run("workforce", "import", str(extract_csv), "--trust", "NOPE", "--month", "2025-03")
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("workforce", "import", str(extract_csv), "--trust", "TAH", "--month", "03/2025")
    with pytest.raises(CommandError, match="HEADER=field"):
        run("workforce", "import", str(extract_csv), "--trust", "TAH", "--month", "2025-03", "--map", "Grade=pay")
    with pytest.raises(CommandError, match="looks like personal data"):
        run(
            "workforce", "import", str(extract_csv), "--trust", "TAH", "--month", "2025-03", "--map", "Surname=org_unit"
        )


def test_a_national_extract_from_the_command_line(sheffield, rotherham, tmp_path: Path) -> None:
    rows = [{**r, "Org Code": code} for code in ("TAH", "RXE") for r in rows_of((3, post("Peer Worker")))]
    path = write_csv(tmp_path / "national.csv", rows, headers=["Org Code", *rows[0].keys() - {"Org Code"}])
    output = run("workforce", "import", str(path), "--trust", "ALL", "--month", "2025-03")
    assert "RXE March 2025: 3 rows" in output and "TAH March 2025: 3 rows" in output


def test_recount_after_a_catalogue_change(sheffield, run_import) -> None:
    run_import(sheffield, rows_of((4, post("Recovery Navigator"))))
    save_alias(
        actor=policy.SYSTEM, role=Role.objects.get(slug="support_time_recovery_worker"), title="Recovery Navigator"
    )
    assert "1 title(s) changed" in run("workforce", "recount", "--trust", "TAH")
    assert ExtractTitle.objects.get(trust=sheffield).role.slug == "support_time_recovery_worker"
    assert "0 title(s) changed" in run("workforce", "recount")


def test_normalise_titles_uses_the_database_catalogue(sheffield, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("title,occupation_code\nPSW,\nRecovery Navigator,\nBand 4,NGD\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    assert "Wrote 3 row(s)" in run("normalise_titles", str(source), "-o", str(target))
    rows = read_rows(target)
    assert [r["role_slug"] for r in rows] == ["peer_support_worker", "", "nursing_associate"]
    assert rows[2]["method"] == "code" and rows[0]["in_training"] == "false"
    # With --trust, the trust's own titles count.
    RoleAlias.objects.create(role=Role.objects.get(slug="peer_support_worker"), title="Recovery Navigator",
                             trust=sheffield)  # fmt: skip
    run("normalise_titles", str(source), "-o", str(target), "--trust", "TAH")
    rows = read_rows(target)
    assert rows[1]["role_slug"] == "peer_support_worker"


def test_normalise_titles_explains_a_bad_input(tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.csv"
    source.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no 'title' column"):
        run("normalise_titles", str(source), "-o", str(tmp_path / "out.csv"))


def test_the_newroles_script_maps_hyphens(tmp_path: Path, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newroles import cli

    called = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda args: called.append(args))
    cli.main(["newroles", "normalise-titles", "in.csv", "-o", "out.csv"])
    assert called == [["newroles", "normalise_titles", "in.csv", "-o", "out.csv"]]


def test_standard_rows_import_from_the_cli_and_the_web_alike(sheffield, extract_csv: Path) -> None:
    run("workforce", "import", str(extract_csv), "--trust", "TAH", "--month", "2025-03", "--no-progress")
    assert ExtractTitle.objects.filter(trust=sheffield).count() == len({p["Position Title"] for _, p in STANDARD})


def test_cleanup_deletes_abandoned_uploads(alice, sheffield, extract_csv: Path) -> None:
    import os
    import time

    from newroles.conftest import client_for
    from newroles.workforce import services

    with open(extract_csv, "rb") as handle:
        client_for(alice).post("/workforce/TAH/import/", {"month": "2025-03", "file": handle})
    obj = ExtractImport.objects.get(trust=sheffield)
    path = services.upload_path(obj)
    assert "Deleted 0 abandoned" in run("workforce", "cleanup")
    day_old = time.time() - services.STALE_SECONDS - 60
    os.utime(path, (day_old, day_old))
    assert "Deleted 1 abandoned" in run("workforce", "cleanup")
    obj.refresh_from_db()
    assert not path.exists() and obj.status == ExtractImport.CANCELLED
