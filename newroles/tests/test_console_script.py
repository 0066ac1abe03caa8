"""After `make install`, the `newroles` command works in a shell with nothing exported.

A copy of the project stands in for a fresh clone: its `.env` is written by the Makefile's own recipe, and
the console script runs from another directory with no NEWROLES_* variable set. The copy keeps the real
`var/` and `.env` of this checkout out of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).parent / "newroles"

pytestmark = pytest.mark.db_independent


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("Makefile", "manage.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, clone / name)
    shutil.copytree(ROOT / "newroles", clone / "newroles", ignore=shutil.ignore_patterns("__pycache__", "tests"))
    subprocess.run(["make", "-s", "-C", str(clone), ".env"], check=True, capture_output=True, timeout=60)
    return clone


def _newroles(clone: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        # The console script imports the copy, as an editable install in a fresh clone imports the clone.
        "PYTHONPATH": str(clone),
    }
    return subprocess.run([str(CONSOLE_SCRIPT), *args], env=env, cwd=home, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the newroles console script is not installed")
def test_the_console_script_runs_with_nothing_exported(fresh_clone, tmp_path):
    env_file = (fresh_clone / ".env").read_text()
    assert "for local use only" in env_file
    assert "NEWROLES_DEBUG=True" in env_file
    assert "NEWROLES_SECRET_KEY=" in env_file and "NEWROLES_SECRET_KEY=\n" not in env_file
    home = tmp_path / "home"
    home.mkdir()

    migrated = _newroles(fresh_clone, home, "migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    coverage = _newroles(fresh_clone, home, "mapping", "coverage", "--format", "json")

    assert coverage.returncode == 0, coverage.stderr
    assert set(json.loads(coverage.stdout)) == {"regions", "total"}
    assert (fresh_clone / "var" / "newroles.sqlite3").exists()  # the clone's own database, not this checkout's


def test_make_install_keeps_an_existing_env_file(fresh_clone):
    before = (fresh_clone / ".env").read_text()
    subprocess.run(["make", "-s", "-C", str(fresh_clone), ".env"], check=True, capture_output=True, timeout=60)
    assert (fresh_clone / ".env").read_text() == before
