"""Where uploaded files wait for their import, and how files left behind are cleared away.

Both import flows (the tabular import in `newroles.imports` and the staff-record extract in
`newroles.workforce`) keep an upload in a folder of the private files directory, outside the web
root, only until its import ends. These helpers are the one place that knows the folder and the rule
for a file left behind: older than its age limit, it is deleted.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

# An upload nobody has touched for a day was abandoned: both flows delete it then.
STALE_SECONDS = 24 * 60 * 60


def private_dir(name: str) -> Path:
    """The folder `name` of the private files directory, made if missing."""
    path = Path(settings.PRIVATE_FILES_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_stale_files(folder: Path, pattern: str = "*", max_age: float = STALE_SECONDS) -> list[Path]:
    """Delete the files in `folder` matching `pattern` last modified more than `max_age` seconds ago.

    Returns the paths deleted. A file removed meanwhile (by the import it belongs to) is skipped.
    """
    cutoff = time.time() - max_age
    removed = []
    for path in folder.glob(pattern):
        try:
            stale = path.is_file() and path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if stale:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
