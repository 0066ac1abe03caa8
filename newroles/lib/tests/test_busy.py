"""A busy database gives the "busy, try again" page (503, Retry-After), never a server error."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection

from newroles.conftest import client_for
from newroles.lib.busy import is_busy
from newroles.organisations.models import Team


@contextlib.contextmanager
def write_lock_elsewhere() -> Iterator[None]:
    """Another connection holds the database's write lock, as a long import check once did."""
    if connection.vendor != "sqlite":
        pytest.skip("holds SQLite's write lock")
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_write_while_another_connection_holds_the_lock_is_a_503_page(
    restores_reference_data, transactional_db, alice, sheffield
):
    client = client_for(alice)
    client.raise_request_exception = False
    with write_lock_elsewhere():
        response = client.post("/trusts/TAH/teams/add/", {"name": "Crisis Team", "service_type": "crisis"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "<h1>The service is busy</h1>" in page
    assert "nhsuk-frontend" in page  # the site's own NHS.UK page, not a bare error
    assert not Team.objects.filter(name="Crisis Team").exists()


def test_the_same_write_succeeds_without_the_lock_held(alice, sheffield):
    response = client_for(alice).post("/trusts/TAH/teams/add/", {"name": "Crisis Team", "service_type": "crisis"})
    assert response.status_code == 302
    assert Team.objects.filter(name="Crisis Team").exists()


@pytest.mark.parametrize(
    ("message", "busy"),
    [
        ("database is locked", True),
        ("database table is locked: organisations_team", True),
        ("no such table: organisations_team", False),
        ("disk I/O error", False),
    ],
)
def test_only_lock_errors_count_as_busy(message, busy):
    assert is_busy(OperationalError(message)) is busy
    assert not is_busy(ValueError("database is locked"))


def test_a_postgres_lock_timeout_counts_as_busy():
    class LockNotAvailable(Exception):
        sqlstate = "55P03"

    error = OperationalError("canceling statement due to lock timeout")
    error.__cause__ = LockNotAvailable()
    assert is_busy(error)
