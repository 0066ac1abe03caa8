"""`/healthz` and `/readyz`: public, and `/readyz` refuses traffic until the schema and the worker are right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from newroles import health

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _forget_the_schema_check(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(health, "_migrations_current", False)


def _queued_job(*, waited: timedelta):  # type: ignore[no-untyped-def]
    """A ready job in django-tasks' database queue that has waited this long (test set-up of its table)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    job = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="newroles.example",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - waited)
    return job


def test_healthz_answers_without_signing_in(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_answers_without_signing_in_when_all_is_well(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "task_queue_moving", "worker_heartbeat"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.fixture
def worker_alive(settings, tmp_path):
    """Jobs go to the database queue and a worker has just beaten its heartbeat (in a folder of this test's own).

    Set through the `settings` fixture, never with override_settings as well: the fixture's restore would
    bring back a decorator's values after the decorator had ended, and later tests would queue their jobs.
    """
    from newroles.imports import health as worker_health

    settings.TASKS = DB_QUEUE
    settings.VAR_DIR = tmp_path
    worker_health.beat()


def test_readyz_is_ready_with_an_empty_queue_or_a_job_just_queued(client, db, worker_alive):
    assert client.get("/readyz").status_code == 200
    _queued_job(waited=timedelta(seconds=5))
    assert client.get("/readyz").status_code == 200


def test_readyz_is_not_ready_when_jobs_wait_for_a_worker(client, db, worker_alive):
    _queued_job(waited=timedelta(seconds=health.QUEUE_STALL_SECONDS + 60))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue_moving"]["ok"] is False


def test_readyz_is_not_ready_with_migrations_not_applied(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "1 migration(s) not applied"}


def test_a_failing_check_is_not_ready_and_keeps_its_error_out_of_the_answer(client, db, monkeypatch, caplog):
    def broken() -> health.Check:
        raise RuntimeError("password authentication failed for user newroles")

    monkeypatch.setattr(health, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert "password" not in response.content.decode()
    assert "password authentication failed" in caplog.text


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_probes_answer_plain_http_where_pages_redirect_to_https(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_readyz_is_not_ready_until_a_worker_beats(client, db, settings, tmp_path):
    from newroles.imports import health as worker_health

    settings.TASKS = DB_QUEUE
    settings.VAR_DIR = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker_heartbeat"]["ok"] is False
    worker_health.beat()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_not_ready_when_the_worker_has_gone_quiet(client, db, settings, tmp_path):
    import os
    import time

    from newroles.imports import health as worker_health

    settings.TASKS = DB_QUEUE
    settings.VAR_DIR = tmp_path
    worker_health.beat()
    silent = time.time() - health.WORKER_SILENT_SECONDS - 60
    os.utime(worker_health.heartbeat_path(), (silent, silent))
    assert client.get("/readyz").json()["checks"]["worker_heartbeat"]["ok"] is False
