"""Import tests keep uploads in a temporary folder, so "nothing was stored" can be checked by listing it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR
