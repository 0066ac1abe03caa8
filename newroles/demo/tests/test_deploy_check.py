"""Production settings pass `manage.py check --deploy`; run in a subprocess with a clean environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def _manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    # No .env either: these tests say what the environment alone does (the checkout may hold a developer's .env).
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NEWROLES_VAR_DIR": str(tmp_path)}
    clean.update({"NEWROLES_ENV_FILE": "", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "NEWROLES_DEBUG": "False",
    "NEWROLES_SECRET_KEY": secrets.token_urlsafe(50),
    "NEWROLES_ALLOWED_HOSTS": "example.org",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "security.W" not in result.stdout + result.stderr


def test_the_deploy_check_catches_debug(tmp_path):
    """The same check, proving it would notice: debug on is a security warning."""
    result = _manage(tmp_path, "check", "--deploy", **{**PRODUCTION, "NEWROLES_DEBUG": "True"})
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWROLES_DEBUG": "False"}, "Set NEWROLES_SECRET_KEY"),
        ({**PRODUCTION, "NEWROLES_DEBUG": "perhaps"}, "NEWROLES_DEBUG must be true or false"),
        ({**PRODUCTION, "NEWROLES_DB": "oracle"}, "NEWROLES_DB must be 'sqlite' or 'postgres'"),
    ],
)
def test_bad_settings_refuse_to_start(tmp_path, env, message):
    result = _manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert message in result.stderr
