"""Checking an extract before importing it: its figures beside the previous month, a warning at a change
of a third or more (a partial extract), and a question before an older month or a re-import replaces
anything; "import anyway" goes on, "cancel" deletes the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newroles.conftest import client_for
from newroles.workforce import services
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import APRIL, MAPPING, MARCH, post, rows_of, write_csv
from newroles.workforce.validation import CHANGE_THRESHOLD, Figures, check_extract

GROUP = "Additional Clinical Services"


def staff(n: int) -> list[dict[str, str]]:
    return rows_of((n, post("Peer Support Worker", grade="Band 4", group=GROUP)))


@pytest.fixture
def march_of_30(sheffield, run_import: Callable) -> ExtractImport:
    obj = run_import(sheffield, staff(30))
    assert obj.status == ExtractImport.DONE, obj.error
    return obj


def test_a_third_of_the_staff_missing_is_flagged_and_less_is_not(sheffield, march_of_30) -> None:
    assert pytest.approx(1 / 3) == CHANGE_THRESHOLD
    partial = check_extract(sheffield, APRIL, Figures(headcount=20, wte=20.0, groups={GROUP: 20}))
    assert partial.needs_confirmation
    assert any("10 fewer staff than March 2025" in w and "partial extract" in w for w in partial.warnings)
    assert partial.previous_month == MARCH and partial.previous.headcount == 30
    normal = check_extract(sheffield, APRIL, Figures(headcount=21, wte=21.0, groups={GROUP: 21}))
    assert not normal.needs_confirmation, normal.warnings
    assert ("Staff", 21, 30) in normal.rows


def test_a_staff_group_that_halves_is_flagged(sheffield, march_of_30) -> None:
    check = check_extract(sheffield, APRIL, Figures(headcount=30, wte=30.0, groups={GROUP: 15, "Other": 15}))
    assert [w for w in check.warnings if w.startswith(GROUP)] == [f"{GROUP}: 15 staff against 30 in March 2025."]


def _upload(client, tmp_path: Path, rows, month: str) -> ExtractImport:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / f"esr-{month}.csv", rows)
    with open(path, "rb") as handle:
        assert client.post("/workforce/TAH/import/", {"month": month, "file": handle}).status_code == 302
    return ExtractImport.objects.filter(status=ExtractImport.MAPPING).latest("pk")


def test_a_partial_extract_asks_before_importing(sheffield, march_of_30, alice, tmp_path: Path) -> None:
    client = client_for(alice)
    obj = _upload(client, tmp_path, staff(15), "2025-04")
    page = client.post(obj.get_absolute_url(), MAPPING)
    body = page.content.decode()
    assert page.status_code == 200 and "Import anyway" in body and "15 fewer staff than March 2025" in body
    obj.refresh_from_db()
    assert obj.status == ExtractImport.MAPPING  # nothing imported yet

    client.post(obj.get_absolute_url(), {**MAPPING, "confirmed": "yes"})
    obj.refresh_from_db()
    assert obj.status != ExtractImport.MAPPING


def test_cancel_deletes_the_file(sheffield, march_of_30, alice, tmp_path: Path) -> None:
    client = client_for(alice)
    obj = _upload(client, tmp_path, staff(15), "2025-04")
    client.post(obj.get_absolute_url(), MAPPING)
    client.post(f"/workforce/TAH/extracts/{obj.pk}/cancel/")
    obj.refresh_from_db()
    assert obj.status == ExtractImport.CANCELLED and not services.upload_path(obj).exists()


def test_a_like_for_like_month_imports_without_asking(sheffield, march_of_30, alice, tmp_path: Path) -> None:
    client = client_for(alice)
    obj = _upload(client, tmp_path, staff(29), "2025-04")
    assert client.post(obj.get_absolute_url(), MAPPING).status_code == 302


def test_an_older_month_asks_before_replacing(sheffield, run_import: Callable, alice, tmp_path: Path) -> None:
    assert run_import(sheffield, staff(30), month=APRIL).status == ExtractImport.DONE
    client = client_for(alice)
    obj = _upload(client, tmp_path, staff(30), "2025-03")
    body = client.post(obj.get_absolute_url(), MAPPING).content.decode()
    assert "older than the newest month imported (April 2025)" in body and "Import anyway" in body


def test_another_trusts_editor_cannot_see_the_check(sheffield, march_of_30, alice, charlie, tmp_path: Path) -> None:
    obj = _upload(client_for(alice), tmp_path, staff(15), "2025-04")
    assert client_for(charlie).post(obj.get_absolute_url(), MAPPING).status_code == 404
