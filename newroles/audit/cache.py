"""Figures that stay true until the data changes, kept in each process and keyed by the newest change record.

Every write goes through `audit.writes`, which records a ChangeRecord, so the newest record (its id and time)
names a version of the whole database: what a page computed under one version is right until the next write,
whoever makes it and in whichever process. Asking costs one indexed query; a costly page (the national map's
picture and charts) is then computed once per version per process instead of on every request.

Each process keeps what it computed; the `pages` cache (files under var/cache, `settings.CACHES`) shares it
with the server's other processes, so a change costs one computation per page rather than one per process.

Only values that are the same for everyone sharing the key may be cached: callers put whatever decides what a
user may see (their trusts, admin or not) into the key. `settings.PAGE_CACHE` turns it off (the test suite does,
because test data made outside the services writes no change record); tests of this module turn it on.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from newroles.audit.models import ChangeRecord

T = TypeVar("T")

MAX_ENTRIES = 512  # per process, per version: enough for every region, role and shading of the map pages

_lock = threading.Lock()
_entries: dict[Hashable, Any] = {}
_computing: dict[Hashable, threading.Lock] = {}  # one lock per key being computed under this version
_version: tuple[Any, ...] | None = None


def data_version() -> tuple[Any, ...]:
    """The newest change record's id and time: it changes whenever anything is written."""
    newest = ChangeRecord.objects.order_by("-pk").values_list("pk", "time").first()
    return newest or (0, None)


def until_change(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned before for `key` if nothing has been written since.

    Threads of one process asking for the same key after a write wait for the first one's result instead
    of each computing it: right after a change every reader of a busy page arrives at once, and computing
    the same figures side by side would only slow them all.
    """
    global _version
    if not getattr(settings, "PAGE_CACHE", True):
        return compute()
    version = data_version()  # read before computing: a write landing meanwhile leaves a newer version
    with _lock:
        if version != _version:
            _entries.clear()
            _computing.clear()
            _version = version
        if key in _entries:
            return _entries[key]
        key_lock = _computing.setdefault(key, threading.Lock())
    with key_lock:
        with _lock:
            if _version == version and key in _entries:
                return _entries[key]
        value = _shared(version, key, compute)
        with _lock:
            if _version == version and len(_entries) < MAX_ENTRIES:
                _entries[key] = value
    return value


_MISSING = object()
_code_stamp: str | None = None


def code_stamp() -> str:
    """Names this version of the code: the shared cache outlives a process, and a drawing pickled by older
    code (other fields, other templates) must not be read by newer code after an upgrade, even when no data
    changed. Every process of one checkout computes the same stamp, once."""
    global _code_stamp
    if _code_stamp is None:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".toml", ".json") and "tests" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size};".encode())
        _code_stamp = digest.hexdigest()[:16]
    return _code_stamp


def _shared(version: tuple[Any, ...], key: Hashable, compute: Callable[[], T]) -> T:
    """What another process computed for `key` under this version, or `compute()`, handed to the others."""
    if "pages" not in settings.CACHES:
        return compute()
    shared = caches["pages"]
    name = "page:" + hashlib.sha256(repr((code_stamp(), version, key)).encode()).hexdigest()
    value = shared.get(name, _MISSING)
    if value is _MISSING:
        value = compute()
        shared.set(name, value)
    return value
