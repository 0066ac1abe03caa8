"""Other classifications of skill-mix change the map's charts can show beside the rule's.

The rule (the deployments' own intended and actual kinds) is the map's; a higher app (evidence: the research
team's own classifications) registers another here, from its `panels.py`, and the map asks for it by key
(`?kinds=researchers`) without importing that app. Each source says who may see it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KindSource:
    """A classification: its key and label, who may see it, and its count of deployments per kind key."""

    key: str
    label: str
    may_see: Callable[[Any], bool]
    counts: Callable[[], Mapping[str, int]]


_SOURCES: dict[str, KindSource] = {}


def register(source: KindSource) -> None:
    _SOURCES[source.key] = source


def available(user: Any) -> list[KindSource]:
    """The classifications `user` may see (higher apps register theirs when their panels are discovered)."""
    from newroles.lib.panels import discover

    discover()
    return [s for s in _SOURCES.values() if s.may_see(user)]


def for_user(user: Any, key: str) -> KindSource | None:
    return next((s for s in available(user) if s.key == key), None)
