"""`newroles serve` for real: gunicorn and the job worker under production settings, JSON logs, reload, stop.

One server in a subprocess on a free port, with its own files folder and SQLite database, so the test's
own database is not involved (and the result does not depend on which database the suite runs on).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.db_independent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _wait_for(condition, what: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _up(url: str) -> bool:
    try:
        return _get(url + "/healthz")[0] == 200
    except OSError:
        return False


def _children(pid: int) -> set[int]:
    """Process ids whose parent is pid (the web server and the job worker)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(status.parent.name))
    return found


def _is_job_worker(pid: int) -> bool:
    return _cmdline(pid).rstrip().endswith("newroles.cli worker --no-reload")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "NEWROLES_ENV_FILE": "",
        "NEWROLES_DEBUG": "False",
        "NEWROLES_SECRET_KEY": secrets.token_urlsafe(50),
        "NEWROLES_ALLOWED_HOSTS": "127.0.0.1",
        "NEWROLES_VAR_DIR": str(tmp_path / "var"),
        # Plain HTTP on the loopback in this test; a real server sits behind TLS (docs/deploy.md).
        "NEWROLES_SSL_REDIRECT": "False",
        "NEWROLES_SECURE_COOKIES": "False",
        "NEWROLES_WEB_WORKERS": "1",
        "NEWROLES_STOP_TIMEOUT": "5",
    }


def test_serve_runs_reloads_and_stops(production_env, tmp_path):
    """Migrate, pass the deploy check, serve (ready, JSON access line with the request id), reload on HUP
    with a new job worker and new web workers, and stop cleanly on TERM."""
    env = {**production_env, "NEWROLES_BIND": f"127.0.0.1:{_free_port()}"}
    url = "http://" + env["NEWROLES_BIND"]
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300
    )
    # The migrated instance, without demo data and with the HTTPS defaults, passes the deploy check.
    strict = {k: v for k, v in env.items() if k not in ("NEWROLES_SSL_REDIRECT", "NEWROLES_SECURE_COOKIES")}
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=strict,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout + check.stderr
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "newroles.serve"], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(lambda: _up(url), "the server to answer")
            # Ready once the job worker has beaten its first heartbeat, a moment after it starts.
            _wait_for(lambda: _get(url + "/readyz")[0] == 200, "readiness (the worker's first heartbeat)")
            status, headers, body = _get(url + "/readyz")
            assert status == 200, body
            assert json.loads(body)["status"] == "ready"
            request_id = headers["X-Request-ID"]
            _wait_for(lambda: request_id in log.read_text(), "the access line")
            workers_before = {p for p in _children(server.pid) if _is_job_worker(p)}
            assert len(workers_before) == 1

            server.send_signal(signal.SIGHUP)
            _wait_for(
                lambda: {p for p in _children(server.pid) if _is_job_worker(p)} - workers_before,
                "a new job worker after the reload",
            )
            _wait_for(lambda: "Booting worker" in log.read_text().split("reloading")[-1], "new web workers")
            # Requests wait in the listen queue while the new web worker loads the app; none is refused.
            assert _get(url + "/healthz", timeout=60)[0] == 200

            children = _children(server.pid)
            assert children
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == 0
        finally:
            if server.poll() is None:
                server.kill()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("request_id") == request_id]
    assert access and access[0]["path"] == "/readyz" and access[0]["status"] == "200"
    assert {"time", "level", "logger", "message"} <= set(access[0])
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]  # stopped and reaped, none orphaned


def test_the_console_script_starts_the_server(monkeypatch):
    """`newroles serve` is the server, not a management command of that name."""
    import newroles.serve
    from newroles import cli

    monkeypatch.setattr(newroles.serve, "main", lambda: 0)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["newroles", "serve"])
    assert stopped.value.code == 0


def test_a_job_worker_that_dies_is_started_again_after_a_pause(monkeypatch):
    from newroles.serve import Server

    server = Server(stop_timeout=1)
    spawned: list[subprocess.Popen[bytes]] = []

    def spawn_one_that_exits(args: list[str]) -> subprocess.Popen[bytes]:
        spawned.append(subprocess.Popen([sys.executable, "-c", "pass"]))
        return spawned[-1]

    monkeypatch.setattr(server, "_spawn", spawn_one_that_exits)
    server.start_worker()
    server.worker.wait()  # type: ignore[union-attr]
    server.check_worker()  # notices the exit, waits before starting another
    assert len(spawned) == 1 and server.restart_pause == 1.0
    server.worker_died_at -= server.restart_pause  # type: ignore[operator]
    server.check_worker()
    assert len(spawned) == 2
    spawned[-1].wait()
    server.check_worker()
    assert server.restart_pause == 2.0  # it died young again: a longer pause
