"""Signs of life of the background worker, and the sweeps it runs every minute.

The worker (`newroles worker`) runs django-tasks' database worker with a companion thread that, every
`SWEEP_SECONDS`, runs every registered sweep (each app registers its own in `AppConfig.ready`: finding
runs whose worker died, deleting uploads left behind) and then touches a heartbeat file. The heartbeat
is a file's modification time, not a database row, so it keeps beating while an import holds the
database's write lock, and reading it needs no database.

`worker_seen_within(seconds)` is the readiness check's question: has a worker beaten that recently?
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 60

Sweep = Callable[[], object]
_SWEEPS: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    """Have the worker run `sweep()` every minute (and `sweep_all()` run it). Registering again replaces it."""
    _SWEEPS[name] = sweep


def sweep_all() -> dict[str, object]:
    """Run every registered sweep; one failing is logged and does not stop the others."""
    results: dict[str, object] = {}
    for name, sweep in list(_SWEEPS.items()):
        try:
            results[name] = sweep()
        except Exception:  # a sweep is housekeeping: the next minute tries again
            logger.exception("sweep %s failed", name)
            results[name] = None
    return results


_KEEP_ALIVE: dict[int, Callable[[], object]] = {}


@contextlib.contextmanager
def keep_alive(beat_job: Callable[[], object]) -> Iterator[None]:
    """While the block runs, the worker's sweep thread calls `beat_job()` every minute before sweeping.

    For a job that cannot beat for itself while one long transaction runs (an import's commit): its
    heartbeat stays fresh wherever another connection may write (PostgreSQL), so no sweep fails it. On
    SQLite the transaction holds the write lock, and no sweep can write until it ends either.
    """
    key = id(beat_job)
    _KEEP_ALIVE[key] = beat_job
    try:
        yield
    finally:
        _KEEP_ALIVE.pop(key, None)


def _beat_jobs() -> None:
    for beat_job in list(_KEEP_ALIVE.values()):
        try:
            beat_job()
        except Exception:  # the database busy: the next minute tries again
            logger.warning("could not refresh a running job's heartbeat", exc_info=True)


def heartbeat_path() -> Path:
    return Path(settings.VAR_DIR) / "worker.heartbeat"


def beat() -> None:
    """Record that a worker is alive now."""
    path = heartbeat_path()
    path.write_text(f"{os.getpid()}\n")
    os.utime(path)


def last_seen() -> float | None:
    """When a worker last beat (seconds since the epoch), or None if never."""
    try:
        return heartbeat_path().stat().st_mtime
    except FileNotFoundError:
        return None


def worker_seen_within(seconds: float) -> bool:
    """Whether a background worker has shown a sign of life in the last `seconds` (it beats every minute)."""
    seen = last_seen()
    return seen is not None and time.time() - seen <= seconds


def start_sweeper(interval: float = SWEEP_SECONDS, stop: threading.Event | None = None) -> threading.Thread:
    """Start the worker's companion thread: beat, sweep, wait, until `stop` is set or the process ends."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            beat()
            _beat_jobs()
            sweep_all()
            close_old_connections()  # this thread's own connection: never keep a stale one
            beat()
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="newroles-sweeper", daemon=True)
    thread.start()
    return thread
