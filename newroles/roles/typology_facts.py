"""The skill-mix typology's facts about each catalogue role, from ``roles/data/typology.json``.

One JSON object::

    {"as_of": "2026", "about": "...",
     "levels": {LEVEL: "what the level means", ...},
     "sources": {KEY: "a public source, cited in full", ...},
     "roles": {SLUG: {"level": LEVEL, "level_reason": str, "level_source": [KEY, ...],
                      "new_practice": bool, "new_practice_reason": str, "new_practice_source": [KEY, ...],
                      "new_title_of": [{"role": SLUG, "bands": [BAND, ...], "reason": str,
                                        "source": [KEY, ...]}, ...]}}}

``level`` is one of ``newroles.lib.levels.LEVELS``; ``new_practice`` is the usual answer to "does the role
bring practice new to most teams?" (the innovation question's default); ``new_title_of`` names posts this
role is only a new title for ("same role, new title"), at the bands listed, when both posts are at the same
band. Sources are cited in full on the role, so a reader never needs the key.

The facts are kept apart from ``catalogue.json`` because they are the typology's reading of the catalogue,
loaded onto every role whatever a curator has changed (they are not edited in the app).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newroles.accounts import policy
from newroles.audit.writes import update_row
from newroles.lib.bands import AFC_BANDS
from newroles.lib.levels import LEVELS
from newroles.roles.models import Role

TYPOLOGY_PATH = Path(__file__).resolve().parent / "data" / "typology.json"
SEED = "reference data: roles/data/typology.json"


class TypologyDataError(ValueError):
    """typology.json names an unknown role, level, band or source."""


def read_typology_data(path: Path = TYPOLOGY_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _cite(keys: list[str], sources: dict[str, str], where: str) -> str:
    unknown = [key for key in keys if key not in sources]
    if unknown:
        raise TypologyDataError(f"{where}: unknown source {', '.join(unknown)}")
    return "; ".join(sources[key] for key in keys)


def role_typology_fields(slug: str, entry: dict[str, Any], data: dict[str, Any], slugs: set[str]) -> dict[str, Any]:
    """Model field values for one role of typology.json, with its sources cited in full."""
    sources = data["sources"]
    if entry["level"] not in LEVELS:
        raise TypologyDataError(f"{slug}: level {entry['level']!r} is not one of {', '.join(LEVELS)}")
    titles = []
    for relation in entry.get("new_title_of", []):
        if relation["role"] not in slugs:
            raise TypologyDataError(f"{slug}: new_title_of names {relation['role']!r}, not a catalogue role")
        bands = [str(band) for band in relation.get("bands", [])]
        if not set(bands) <= set(AFC_BANDS):
            raise TypologyDataError(f"{slug}: new_title_of bands {bands} are not Agenda for Change bands")
        titles.append(
            {
                "role": relation["role"],
                "bands": bands,
                "reason": relation["reason"],
                "source": _cite(relation["source"], sources, f"{slug} new_title_of"),
            }
        )
    return {
        "level": entry["level"],
        "level_reason": entry["level_reason"],
        "level_source": _cite(entry["level_source"], sources, f"{slug} level_source"),
        "new_practice": bool(entry["new_practice"]),
        "new_practice_reason": entry["new_practice_reason"],
        "new_practice_source": _cite(entry["new_practice_source"], sources, f"{slug} new_practice_source"),
        "new_title_of": titles,
    }


def load_typology_facts(*, actor: Any = policy.SYSTEM, path: Path = TYPOLOGY_PATH) -> dict[str, int]:
    """Write typology.json's facts onto the catalogue's roles (audited; a role already matching is left alone).

    Called by the catalogue loader once the roles exist. A role of the file missing from the catalogue is an
    error, not a skip: the content tests keep the two files in step.
    """
    counts = {"typology_roles": 0, "typology_roles_changed": 0}
    if not path.exists():
        return counts
    data = read_typology_data(path)
    roles = {role.slug: role for role in Role.objects.all()}
    for slug, entry in data["roles"].items():
        role = roles.get(slug)
        if role is None:
            raise TypologyDataError(f"{slug}: in typology.json but not in the role catalogue")
        fields = role_typology_fields(slug, entry, data, set(roles))
        counts["typology_roles"] += 1
        if any(getattr(role, name) != value for name, value in fields.items()):
            update_row(actor, role, fields, message=SEED)
            counts["typology_roles_changed"] += 1
    return counts
