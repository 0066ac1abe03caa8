"""Where settings come from: the environment first, then the project's `.env`, and production stays strict.

Each case starts Python in a subprocess with a clean environment, because settings are read once at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The checkout under test, ahead of any editable install elsewhere on the path.
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.db_independent

SHOW_SETTINGS = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'debug': settings.DEBUG, 'secret_key': settings.SECRET_KEY, 'hosts': settings.ALLOWED_HOSTS}))"
)


def _settings(tmp_path: Path, env_file: Path | str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newroles.settings",
        "NEWROLES_VAR_DIR": str(tmp_path / "var"),
        "NEWROLES_ENV_FILE": str(env_file),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def _loaded(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def dotenv(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    path.write_text(
        "# local\nNEWROLES_DEBUG=True\nNEWROLES_SECRET_KEY=from-the-file\nNEWROLES_ALLOWED_HOSTS=file.test\n"
    )
    return path


def test_the_env_file_fills_in_unset_variables(tmp_path, dotenv):
    assert _loaded(_settings(tmp_path, dotenv)) == {
        "debug": True,
        "secret_key": "from-the-file",
        "hosts": ["file.test"],
    }


def test_real_environment_variables_beat_the_env_file(tmp_path, dotenv):
    loaded = _loaded(_settings(tmp_path, dotenv, NEWROLES_SECRET_KEY="from-the-env", NEWROLES_ALLOWED_HOSTS="env.test"))
    assert loaded["secret_key"] == "from-the-env"
    assert loaded["hosts"] == ["env.test"]
    assert loaded["debug"] is True  # still from the file: only what the environment sets wins


def test_a_missing_env_file_is_fine(tmp_path):
    loaded = _loaded(_settings(tmp_path, tmp_path / "no-such.env", NEWROLES_DEBUG="True"))
    assert loaded["debug"] is True


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _settings(tmp_path, tmp_path / "no-such.env", NEWROLES_DEBUG="False")
    assert result.returncode != 0
    assert "Set NEWROLES_SECRET_KEY" in result.stderr


def test_debug_off_in_the_environment_is_not_undone_by_the_file(tmp_path):
    """A server that says NEWROLES_DEBUG=False stays strict even if a stray .env turns debug on."""
    env_file = tmp_path / ".env"
    env_file.write_text("NEWROLES_DEBUG=True\n")
    result = _settings(tmp_path, env_file, NEWROLES_DEBUG="False")
    assert result.returncode != 0
    assert "Set NEWROLES_SECRET_KEY" in result.stderr


def test_the_default_env_file_is_the_project_roots_whatever_the_working_directory(tmp_path):
    """Without NEWROLES_ENV_FILE the file read is BASE_DIR/.env, not one in the working directory."""
    (tmp_path / ".env").write_text("NEWROLES_SECRET_KEY=from-the-working-directory\n")
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "NEWROLES_VAR_DIR": str(tmp_path / "var"),
        "NEWROLES_DEBUG": "True",
    }
    code = (
        "import json, newroles.settings as s; print(json.dumps({'base': str(s.BASE_DIR), 'secret_key': s.SECRET_KEY}))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=clean, cwd=tmp_path, capture_output=True, text=True)
    loaded = _loaded(result)
    assert loaded["secret_key"] != "from-the-working-directory"
    assert Path(loaded["base"]) == ROOT
