"""The staff record's two settings are declared in settings.py and read from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from newroles.workforce import files

ROOT = Path(__file__).resolve().parents[3]


def test_the_settings_are_declared_with_their_defaults() -> None:
    assert settings.WORKFORCE_MAX_UPLOAD_BYTES == 250 * 1024 * 1024
    assert settings.WORKFORCE_PROCESSES == 2
    with override_settings(WORKFORCE_MAX_UPLOAD_BYTES=1234):
        assert files.max_upload_bytes() == 1234


def test_the_environment_sets_them() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newroles.settings",
        "NEWROLES_ENV_FILE": "",
        "NEWROLES_DEBUG": "True",
        "NEWROLES_WORKFORCE_MAX_UPLOAD_BYTES": "1000",
        "NEWROLES_WORKFORCE_PROCESSES": "3",
    }
    code = "from django.conf import settings; print(settings.WORKFORCE_MAX_UPLOAD_BYTES, settings.WORKFORCE_PROCESSES)"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1000", "3"]
