"""Catalogue roles in task shifts: a side may name a role by slug in place of its facts.

``{"role": "nursing_associate", "band": "4"}`` reads the role's facts from the catalogue: its name as the
occupation, its level of training and expertise, whether it is medical, its registration (statutory counts
as registered), its band when the role has only one, and the posts it is a new title for. Facts the side
states override the catalogue's (a stated ``medical`` that contradicts the catalogue's level drops that
level too). For the recipient, a ``novel_practice`` left out (or null) takes the catalogue's answer to "does
the role bring practice new to most teams?", with its reason.

This thin layer resolves slugs before the pure rule (``typology.py``, ``typology_json.py``) sees the shift,
so the rule itself never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.roles.models import Role
from newroles.skillmix.typology import Classification, NewTitle, Shift, ShiftError, Side, classify
from newroles.skillmix.typology_json import classify_many, parse_shift

CATALOGUE_DEFAULT = "the role catalogue's usual answer for this role"


def role_side_facts(role: Role) -> dict[str, Any]:
    """A catalogue role's facts in the typology's JSON side shape."""
    single_band = role.band_min if role.band_min and role.band_min == role.band_max else None
    return {
        "occupation": role.name,
        "band": None if role.medical else single_band,
        "registered": role.registration == "statutory",
        "medical": role.medical,
        "level": role.level or None,
        "role": role.slug,
        "new_title_of": [
            {"role": t["role"], "bands": list(t.get("bands", [])), "reason": t.get("reason", "")}
            for t in role.new_title_of or []
        ],
    }


def side_of_role(role: Role, band: str | None, registered: bool | None = None) -> Side:
    """A catalogue role as a side of a task shift, at a given band (none for a doctor)."""
    return Side(
        occupation=role.name,
        band=None if role.medical else (band or None),
        registered=(role.registration == "statutory") if registered is None else registered,
        medical=role.medical,
        level=role.level or None,
        role=role.slug,
        new_title_of=tuple(
            NewTitle(role=t["role"], bands=tuple(t.get("bands", [])), reason=t.get("reason", ""))
            for t in role.new_title_of or []
        ),
    )


def novel_practice_reason(role: Role) -> str | None:
    """The catalogue's reason, as the innovation reason, when the role brings practice new to most teams."""
    if not role.new_practice or not role.new_practice_reason:
        return None
    return f"{role.new_practice_reason.strip().rstrip('.')} ({CATALOGUE_DEFAULT})"


def _resolve_side(data: Any, roles: dict[str, Role], item: int | None, path: str) -> tuple[Any, Role | None]:
    if not isinstance(data, Mapping) or data.get("role") is None:
        return data, None
    slug = data["role"]
    if not isinstance(slug, str):
        raise ShiftError(item, f"{path}.role", "expected a catalogue role's slug (a string)")
    role = roles.get(slug.strip())
    if role is None:
        raise ShiftError(item, f"{path}.role", f"{slug!r} is not a role in the catalogue")
    facts = role_side_facts(role)
    stated_medical = data.get("medical")
    if "level" not in data and stated_medical is not None and stated_medical != role.medical:
        facts["level"] = None  # the caller says otherwise about being a doctor: the catalogue's level no longer fits
    return {**facts, **data, "role": role.slug}, role


def resolve_shift(data: Any, roles: dict[str, Role], *, item: int | None = None) -> Any:
    """The shift with every catalogue slug replaced by the role's facts (stated facts kept over them)."""
    if not isinstance(data, Mapping):
        return data
    resolved = dict(data)
    recipient, recipient_role = _resolve_side(data.get("recipient"), roles, item, "recipient")
    resolved["recipient"] = recipient
    sources = data.get("adopted_from")
    if isinstance(sources, list | tuple):
        resolved["adopted_from"] = [
            _resolve_side(source, roles, item, f"adopted_from[{i}]")[0] for i, source in enumerate(sources)
        ]
    if recipient_role is not None and data.get("novel_practice") is None:
        resolved["novel_practice"] = recipient_role.new_practice
        reason = novel_practice_reason(recipient_role)
        if reason and not data.get("novel_practice_reason"):
            resolved["novel_practice_reason"] = reason
    return resolved


def _named_slugs(data: Any) -> set[str]:
    """The catalogue slugs a shift (or a list of shifts) names, wherever they are."""

    def slug(side: Any) -> list[str]:
        value = side.get("role") if isinstance(side, Mapping) else None
        return [value.strip()] if isinstance(value, str) else []

    slugs: set[str] = set()
    for shift in data if isinstance(data, list | tuple) else [data]:
        if isinstance(shift, Mapping):
            sources = shift.get("adopted_from")
            slugs.update(slug(shift.get("recipient")))
            for source in sources if isinstance(sources, list | tuple) else []:
                slugs.update(slug(source))
    return slugs


def catalogue_roles(data: Any) -> dict[str, Role]:
    """The catalogue roles ``data`` names, by slug (one query; none when it names no role)."""
    slugs = _named_slugs(data)
    return {role.slug: role for role in Role.objects.filter(slug__in=slugs)} if slugs else {}


def parse_with_roles(data: Any, roles: dict[str, Role] | None = None, *, item: int | None = None) -> Shift:
    roles = catalogue_roles(data) if roles is None else roles
    return parse_shift(resolve_shift(data, roles, item=item), item=item)


def classify_with_roles(data: Any) -> Classification:
    return classify(parse_with_roles(data))


def classify_json(data: Any) -> list[dict[str, object]]:
    """Like ``typology_json.classify_many``, with catalogue slugs resolved first (one query for them all)."""
    roles = catalogue_roles(data)
    if isinstance(data, Mapping):
        return [classify(parse_with_roles(data, roles)).as_dict()]
    if isinstance(data, list | tuple):
        return [classify(parse_with_roles(entry, roles, item=i)).as_dict() for i, entry in enumerate(data)]
    return classify_many(data)  # not a shift: its error names what it got
