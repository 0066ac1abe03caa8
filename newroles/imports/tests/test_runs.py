"""Import runs: the check runs in short chunks in the worker, keeps its problems, and a dead run is swept."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from newroles.conftest import client_for
from newroles.imports import engine, health, runs
from newroles.imports.models import ImportRun
from newroles.imports.registry import ImportContext, get_kind
from newroles.imports.tests.helpers import Flow, csv_text
from newroles.lib.tabular import read_table
from newroles.organisations import services as organisations

TEAMS = get_kind("teams")
MAPPING = {"name": "Team", "service_type": "Service"}


def _teams_csv(count: int, *, bad: tuple[int, ...] = ()) -> bytes:
    rows = [f"Team {n},{'spaceship' if n in bad else 'community'}" for n in range(1, count + 1)]
    return csv_text("Team,Service", *rows)


def _slow_services(monkeypatch, seconds: float) -> list[float]:  # type: ignore[no-untyped-def]
    """Each team created takes `seconds`; returns the list of call times."""
    calls: list[float] = []
    real = organisations.create_team

    def create_team(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(time.monotonic())
        time.sleep(seconds)
        return real(**kwargs)

    monkeypatch.setattr(organisations, "create_team", create_team)
    return calls


def test_the_check_gives_the_write_lock_back_between_short_chunks(
    restores_reference_data, transactional_db, alice, sheffield, monkeypatch
):
    """While a long check runs, another connection can write between its chunks; each chunk is short."""
    if connection.vendor != "sqlite":
        pytest.skip("probes SQLite's write lock")
    _slow_services(monkeypatch, 0.2)
    writes_between_chunks: list[int] = []

    def other_writer_gets_in(done: int, total: int) -> None:
        assert not connection.in_atomic_block  # the chunk's transaction is over
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0.1, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if the check still held the lock
            other.execute("UPDATE organisations_region SET name = name")
            other.execute("COMMIT")
            writes_between_chunks.append(done)
        finally:
            other.close()

    table = read_table(_teams_csv(8))
    result = engine.run_import(TEAMS, table, MAPPING, ImportContext(alice, sheffield), commit=False,
                               progress=other_writer_gets_in)  # fmt: skip
    assert result.ok and (result.rows, result.created) == (8, 8)
    # 0.2 s a row and chunks of at most 0.3 s: at most two rows a chunk (one, on a busy machine), so at
    # least four chunks, and another connection wrote after each of them.
    assert len(writes_between_chunks) >= 4 and writes_between_chunks[-1] == 8
    sizes = [b - a for a, b in zip([0, *writes_between_chunks], writes_between_chunks, strict=False)]
    assert set(sizes) <= {1, 2}
    assert not sheffield.teams.exists()


def test_a_chunk_never_runs_past_its_time(db, alice, sheffield, monkeypatch):
    calls = _slow_services(monkeypatch, 0.03)
    chunks: list[int] = []
    table = read_table(_teams_csv(30))
    engine.run_import(TEAMS, table, MAPPING, ImportContext(alice, sheffield), commit=False,
                      progress=lambda done, total: chunks.append(done))  # fmt: skip
    assert len(calls) == 30
    sizes = [b - a for a, b in zip([0, *chunks], chunks, strict=False)]
    assert sum(sizes) == 30 and len(sizes) > 1
    assert max(sizes) <= round(engine.CHUNK_SECONDS / 0.03) + 1


def _count_rows_checked(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    real = type(TEAMS).import_row

    def import_row(self, values, ctx):  # type: ignore[no-untyped-def]
        seen.append(1)
        return real(self, values, ctx)

    monkeypatch.setattr(type(TEAMS), "import_row", import_row)
    return seen


def test_the_problems_are_found_once_and_kept_for_the_page_and_the_error_file(alice, sheffield, monkeypatch):
    rows_checked = _count_rows_checked(monkeypatch)
    flow = Flow(client_for(alice))
    flow.upload(_teams_csv(5, bad=(2, 4)))
    check = flow.map(**MAPPING)
    assert check.status_code == 200
    assert len(rows_checked) == 5
    run = ImportRun.objects.get(token=flow.token)
    assert run.status == ImportRun.CHECKED and run.rows == 5
    assert [e[:3] for e in run.errors] == [[3, "Service", "spaceship"], [5, "Service", "spaceship"]]

    assert flow.errors_csv().status_code == 200
    page = flow.client.get(reverse("imports:check", args=["teams", flow.token]) + flow.query)
    assert "2 problems in this file" in page.content.decode()
    assert flow.commit().status_code == 302
    assert len(rows_checked) == 5  # neither the error file, the page nor the refused commit checked again
    assert not sheffield.teams.exists()


def test_a_clean_check_is_committed_from_the_run(alice, sheffield, monkeypatch):
    rows_checked = _count_rows_checked(monkeypatch)
    flow = Flow(client_for(alice))
    flow.upload(_teams_csv(3))
    assert flow.map(**MAPPING).context["result"].ok
    response = flow.commit()
    assert response.url == reverse("organisations:teams", args=["TAH"])
    assert len(rows_checked) == 6  # the check, then the commit's own pass through the services
    run = ImportRun.objects.get(token=flow.token)
    assert (run.status, run.created, run.batch_id != "") == (ImportRun.COMMITTED, 3, True)
    assert sheffield.teams.count() == 3
    # A second commit of the same run imports nothing more.
    assert flow.commit().status_code in (302, 404)
    assert sheffield.teams.count() == 3


def _queued_run(alice, sheffield, flow: Flow) -> ImportRun:  # type: ignore[no-untyped-def]
    flow.upload(_teams_csv(3))
    return ImportRun.objects.create(
        token=flow.token, kind="teams", filename="teams.csv", user=alice, trust=sheffield, mapping=MAPPING
    )


def test_a_running_check_shows_a_progress_bar_that_polls(alice, sheffield):
    flow = Flow(client_for(alice))
    run = _queued_run(alice, sheffield, flow)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.CHECKING, progress=40)
    page = flow.client.get(reverse("imports:check", args=["teams", flow.token]) + flow.query).content.decode()
    assert 'value="40"' in page and "40% checked" in page
    progress_url = reverse("imports:progress", args=["teams", flow.token]) + flow.query
    assert f'hx-get="{progress_url}"' in page
    partial = flow.client.get(progress_url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in partial
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.CHECKED, progress=100)
    assert flow.client.get(progress_url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_a_run_is_private_to_whoever_started_it(alice, eve, sheffield):
    flow = Flow(client_for(alice))
    _queued_run(alice, sheffield, flow)
    other = Flow(client_for(eve), token=flow.token)
    assert other.client.get(reverse("imports:check", args=["teams", flow.token]) + flow.query).status_code == 404
    assert other.errors_csv().status_code == 404


def test_a_run_whose_worker_died_is_swept_as_failed(alice, sheffield, settings):
    flow = Flow(client_for(alice))
    run = _queued_run(alice, sheffield, flow)
    stale = timezone.now() - runs.abandoned_after() - dt.timedelta(seconds=5)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.CHECKING, progress=40, heartbeat_at=stale)
    alive = ImportRun.objects.create(token="x", kind="teams", filename="b.csv", user=alice, status=ImportRun.CHECKING,
                                     heartbeat_at=timezone.now())  # fmt: skip
    waiting = ImportRun.objects.create(token="y", kind="teams", filename="c.csv", user=alice)
    assert health.sweep_all()["imports"] == {"abandoned": 1, "stale_files": 0}
    run.refresh_from_db()
    assert run.status == ImportRun.FAILED and "background worker stopped" in run.message
    assert ImportRun.objects.get(pk=alive.pk).status == ImportRun.CHECKING
    assert ImportRun.objects.get(pk=waiting.pk).status == ImportRun.QUEUED  # no worker has taken it yet
    page = flow.client.get(reverse("imports:check", args=["teams", flow.token]) + flow.query).content.decode()
    assert "background worker stopped" in page


def test_the_worker_heartbeat_says_whether_a_worker_was_seen(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert not health.worker_seen_within(60)
    health.beat()
    assert health.worker_seen_within(60)
    old = time.time() - 120
    import os

    os.utime(health.heartbeat_path(), (old, old))
    assert not health.worker_seen_within(60)
    assert health.worker_seen_within(300)


def test_the_worker_thread_sweeps_and_beats_until_stopped(settings, tmp_path, monkeypatch):
    import threading

    settings.VAR_DIR = tmp_path
    swept: list[int] = []
    monkeypatch.setattr(health, "_SWEEPS", {"test": lambda: swept.append(1)})
    kept_alive: list[int] = []
    stop = threading.Event()
    with health.keep_alive(lambda: kept_alive.append(1)):  # a long job of this worker, beaten for it
        thread = health.start_sweeper(interval=0.01, stop=stop)
        deadline = time.monotonic() + 10
        while len(swept) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    calls = len(kept_alive)
    time.sleep(0.05)
    stop.set()
    thread.join(timeout=5)
    assert len(swept) >= 3 and not thread.is_alive()
    assert calls >= 3 and len(kept_alive) <= calls + 1  # no longer beaten once the job ended
    assert health.worker_seen_within(5)


def test_one_failing_sweep_does_not_stop_the_others(monkeypatch):
    def broken() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(health, "_SWEEPS", {"broken": broken, "fine": lambda: 3})
    assert health.sweep_all() == {"broken": None, "fine": 3}
