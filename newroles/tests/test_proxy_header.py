"""X-Forwarded-Proto is believed only when the deployment says a proxy sets it (off by default).

Trusted unconditionally, any client could send the header and make a plain-HTTP request count as HTTPS.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "NEWROLES_DEBUG": "False",
    "NEWROLES_SECRET_KEY": secrets.token_urlsafe(50),
    "NEWROLES_ALLOWED_HOSTS": "example.org",
}
# What Django makes of a request over plain HTTP that claims, in the header, to be HTTPS.
CLAIMS_HTTPS = (
    "import django; django.setup(); from django.test import RequestFactory; "
    "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
)

pytestmark = pytest.mark.db_independent


def _is_secure(tmp_path: Path, **env: str) -> str:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newroles.settings",
        "NEWROLES_ENV_FILE": "",
        "NEWROLES_VAR_DIR": str(tmp_path),
        **PRODUCTION,
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", CLAIMS_HTTPS], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_forwarded_proto_header_is_not_trusted_by_default(tmp_path):
    assert _is_secure(tmp_path) == "False"


def test_the_forwarded_proto_header_is_trusted_when_a_proxy_sets_it(tmp_path):
    assert _is_secure(tmp_path, NEWROLES_PROXY_SSL_HEADER="X-Forwarded-Proto") == "True"


def test_the_test_settings_do_not_trust_it_either(settings):
    assert settings.SECURE_PROXY_SSL_HEADER is None
