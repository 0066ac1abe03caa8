"""The review between a transcript's upload and its saving, held outside the database.

The uploaded file is read in memory and never written. What the review needs (the pseudonymised turns, the
list of replacements with what they replaced, the name-like words left) is kept in one file of the private
files directory, named by a random token and readable only by the researcher who uploaded it, until the
source is saved or the review is cancelled, when it is deleted; one left for an hour is deleted by the
worker's sweep. Nothing of it reaches the database (or its WAL file) or the session, so what the review
shows as "replaced" is never stored.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from newroles.evidence.pseudonymise import Replacement, Result
from newroles.evidence.transcripts import Turn
from newroles.lib.uploads import private_dir, remove_stale_files

FOLDER = "evidence-review"
MAX_AGE = 60 * 60  # an hour: a review is done in one sitting


def _path(token: str) -> Path:
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 64:
        raise KeyError(token)
    return private_dir(FOLDER) / f"{token}.json"


def stage(*, user_id: int, result: Result, meta: dict[str, Any]) -> str:
    token = secrets.token_urlsafe(24)
    data = {
        "user_id": user_id,
        "meta": meta,
        "turns": [asdict(t) for t in result.turns],
        "replacements": [asdict(r) for r in result.replacements],
        "name_like": result.name_like,
    }
    path = _path(token)
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(0o600)
    return token


def load(token: str, user_id: int) -> tuple[Result, dict[str, Any]]:
    """The staged review, for the researcher who staged it; KeyError when there is none (or not theirs)."""
    try:
        data = json.loads(_path(token).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KeyError(token) from exc
    if data["user_id"] != user_id:
        raise KeyError(token)
    result = Result(
        turns=[Turn(**t) for t in data["turns"]],
        replacements=[Replacement(**r) for r in data["replacements"]],
        name_like=[(w, n) for w, n in data["name_like"]],
    )
    return result, data["meta"]


def discard(token: str) -> None:
    with contextlib.suppress(KeyError):
        _path(token).unlink(missing_ok=True)


def sweep() -> list[Path]:
    """Delete reviews abandoned for more than an hour."""
    return remove_stale_files(private_dir(FOLDER), "*.json", MAX_AGE)
