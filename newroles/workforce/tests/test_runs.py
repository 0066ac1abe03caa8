"""A staff-record import whose process died: swept as failed, its upload deleted at once, cancellable.

And pages never write on GET: abandoned uploads are the worker's sweep's business, not a page's.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports import health
from newroles.imports.runs import abandoned_after
from newroles.workforce import pipeline, services
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import MAPPING

pytestmark = pytest.mark.django_db


def _upload(client, extract_csv: Path) -> ExtractImport:  # type: ignore[no-untyped-def]
    with open(extract_csv, "rb") as handle:
        client.post(reverse("workforce:upload", args=["TAH"]), {"month": "2025-03", "file": handle})
    return ExtractImport.objects.latest("pk")


def _killed_mid_import(obj: ExtractImport, *, minutes_ago: float) -> ExtractImport:
    """The state a kill -9 of the worker leaves: running at 40%, the heartbeat stopped `minutes_ago`."""
    beat = timezone.now() - dt.timedelta(minutes=minutes_ago)
    ExtractImport.objects.filter(pk=obj.pk).update(
        status=ExtractImport.RUNNING, progress=40, stage="Matching titles to roles", heartbeat_at=beat,
        mapping=MAPPING,
    )  # fmt: skip
    obj.refresh_from_db()
    return obj


def _stale(minutes: float = 0) -> float:
    return abandoned_after().total_seconds() / 60 + minutes


def test_the_sweep_fails_a_killed_import_and_deletes_its_upload_at_once(alice, sheffield, extract_csv):
    client = client_for(alice)
    stuck = _killed_mid_import(_upload(client, extract_csv), minutes_ago=_stale(1))
    alive = _killed_mid_import(_upload(client, extract_csv), minutes_ago=0.5)
    assert services.upload_path(stuck).exists()

    out = io.StringIO()
    call_command("workforce", "sweep", stdout=out)
    assert "Marked 1 stopped import(s) failed" in out.getvalue()

    stuck.refresh_from_db()
    assert stuck.status == ExtractImport.FAILED and stuck.finished_at is not None
    assert "process running it ended" in stuck.error
    assert not services.upload_path(stuck).exists()  # the names, dates of birth and NI numbers are gone now
    assert ChangeRecord.objects.filter(object_id=str(stuck.pk), message__contains="abandoned").exists()
    alive.refresh_from_db()
    assert alive.status == ExtractImport.RUNNING and services.upload_path(alive).exists()
    page = client.get(stuck.get_absolute_url()).content.decode()
    assert "The import failed" in page and "process running it ended" in page
    assert "<title>Error: " in page  # the page title says so too, for screen readers and the tab list
    assert "<title>Error: " not in client.get(alive.get_absolute_url()).content.decode()


def test_the_worker_sweeps_every_minute_and_at_the_start_of_each_task(alice, sheffield, extract_csv):
    client = client_for(alice)
    stuck = _killed_mid_import(_upload(client, extract_csv), minutes_ago=_stale(1))
    assert health.sweep_all()["workforce"] == {"abandoned": 1, "stale_uploads": 0}
    stuck.refresh_from_db()
    assert stuck.status == ExtractImport.FAILED

    # A new worker's first task sweeps before it runs: here the next import, queued from its page.
    stuck = _killed_mid_import(_upload(client, extract_csv), minutes_ago=_stale(1))
    queued = _upload(client, extract_csv)
    client.post(queued.get_absolute_url(), {name: header for name, header in MAPPING.items()})
    stuck.refresh_from_db()
    queued.refresh_from_db()
    assert stuck.status == ExtractImport.FAILED and not services.upload_path(stuck).exists()
    assert queued.status == ExtractImport.DONE


def test_a_stuck_import_can_be_cancelled_and_a_live_one_cannot(alice, bob, sheffield, extract_csv):
    client = client_for(alice)
    live = _killed_mid_import(_upload(client, extract_csv), minutes_ago=0.5)
    page = client.get(live.get_absolute_url()).content.decode()
    assert "stopped responding" not in page
    client.post(reverse("workforce:cancel", args=["TAH", live.pk]))
    live.refresh_from_db()
    assert live.status == ExtractImport.RUNNING and services.upload_path(live).exists()

    stuck = _killed_mid_import(live, minutes_ago=_stale(1))
    page = client.get(stuck.get_absolute_url()).content.decode()
    assert "This import has stopped responding" in page
    assert reverse("workforce:cancel", args=["TAH", stuck.pk]) in page
    assert client_for(bob).post(reverse("workforce:cancel", args=["TAH", stuck.pk])).status_code == 403
    client.post(reverse("workforce:cancel", args=["TAH", stuck.pk]))
    stuck.refresh_from_db()
    assert stuck.status == ExtractImport.CANCELLED and not services.upload_path(stuck).exists()


def test_a_running_import_beats_as_it_reports_progress(sheffield, run_import):
    before = timezone.now()
    obj = run_import(sheffield)
    assert obj.status == ExtractImport.DONE
    assert obj.heartbeat_at is not None and obj.heartbeat_at >= before


def test_a_command_line_import_killed_mid_way_is_swept_but_its_file_left_alone(sheffield, extract_csv, monkeypatch):
    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # what a stopped process leaves behind: the row, never updated again

    monkeypatch.setattr(pipeline, "aggregate", killed)
    with pytest.raises(KeyboardInterrupt):
        services.import_file(actor=policy.SYSTEM, trust=sheffield, path=extract_csv, month=dt.date(2025, 3, 1),
                             mapping=MAPPING, processes=1)  # fmt: skip
    obj = ExtractImport.objects.get(trust=sheffield)
    assert obj.status == ExtractImport.RUNNING and obj.heartbeat_at is not None
    assert health.sweep_all()["workforce"]["abandoned"] == 0  # it might still be running
    ExtractImport.objects.filter(pk=obj.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=_stale(1)))
    assert health.sweep_all()["workforce"]["abandoned"] == 1
    obj.refresh_from_db()
    assert obj.status == ExtractImport.FAILED
    assert extract_csv.exists()  # the command line's file is the user's: read where it lies, never deleted


def _day_old_upload(client, extract_csv: Path) -> ExtractImport:  # type: ignore[no-untyped-def]
    obj = _upload(client, extract_csv)
    old = time.time() - services.STALE_SECONDS - 60
    os.utime(services.upload_path(obj), (old, old))
    return obj


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.mark.parametrize("page", ["index", "trust"])
def test_the_staff_record_pages_never_write_on_get(alice, sheffield, extract_csv, page):
    client = client_for(alice)
    abandoned = _day_old_upload(client, extract_csv)
    records = ChangeRecord.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"workforce:{page}", args=["TAH"] if page == "trust" else []))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert ChangeRecord.objects.count() == records
    abandoned.refresh_from_db()
    assert abandoned.status == ExtractImport.MAPPING and services.upload_path(abandoned).exists()

    # The worker's sweep deletes it instead.
    assert health.sweep_all()["workforce"]["stale_uploads"] == 1
    abandoned.refresh_from_db()
    assert abandoned.status == ExtractImport.CANCELLED and not services.upload_path(abandoned).exists()


def test_the_column_page_of_a_deleted_upload_is_titled_as_an_error(alice, sheffield, extract_csv):
    client = client_for(alice)
    obj = _upload(client, extract_csv)
    page = client.get(obj.get_absolute_url()).content.decode()
    assert "Match the columns" in page and "<title>Error: " not in page
    services.upload_path(obj).unlink()
    page = client.get(obj.get_absolute_url()).content.decode()
    assert "The uploaded file is no longer here" in page and "<title>Error: " in page
