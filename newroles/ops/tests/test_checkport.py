"""`newroles checkport`: `make run` stops at once with the reason when its port is taken."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from newroles.ops.ports import port_problem

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.db_independent


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 with a program listening on it, as a server started earlier would be."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_busy_port_is_named_with_what_to_do(busy_port):
    problem = port_problem("127.0.0.1", busy_port)
    assert problem is not None
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in problem
    assert "make run" in problem and "PORT=" in problem


def test_a_free_port_has_no_problem():
    assert port_problem("127.0.0.1", _free_port()) is None


@pytest.mark.parametrize("port", ["80a", "0", "70000", ""])
def test_a_port_that_is_not_a_port_is_refused(port):
    assert "PORT must be a number from 1 to 65535" in (port_problem("127.0.0.1", port) or "")


def test_the_command_exits_non_zero_with_the_message(busy_port, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("checkport", str(busy_port))
    assert stopped.value.code == 1
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in capsys.readouterr().err


def test_the_command_run_as_make_run_runs_it_stops_at_once(busy_port):
    """Through manage.py, as the Makefile calls it: a non-zero status stops make before the server starts."""
    done = subprocess.run(
        [sys.executable, "manage.py", "checkport", str(busy_port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in done.stderr
    assert "Traceback" not in done.stderr

    free = subprocess.run(
        [sys.executable, "manage.py", "checkport", str(_free_port())], cwd=ROOT, capture_output=True, timeout=60
    )
    assert free.returncode == 0


def test_make_run_checks_the_port_it_was_given_before_starting_anything():
    """`PORT=8123 make run`: the check, the banner and the server all use 8123, and the check comes first."""
    plan = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run"],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "PORT": "8123"},
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    lines = plan.splitlines()
    check = next(i for i, line in enumerate(lines) if "manage.py checkport 8123" in line)
    demo = next(i for i, line in enumerate(lines) if "manage.py demo --if-empty" in line)
    server = next(i for i, line in enumerate(lines) if "runserver 127.0.0.1:8123" in line)
    worker = next(i for i, line in enumerate(lines) if "manage.py worker" in line)
    assert check < demo < worker <= server
    assert any("starting on http://127.0.0.1:8123 " in line for line in lines)
    assert "8000" not in plan
