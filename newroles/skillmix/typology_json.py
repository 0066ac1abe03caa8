"""Task shifts as JSON: read one (or a list) into the typology's ``Shift``, and classify them (pure Python).

A shift::

    {"recipient": {"occupation": "nursing associate", "band": "4", "level": "associate"},
     "adopted_from": [{"occupation": "mental health nursing", "band": "5", "level": "registered_professional"},
                      {"occupation": "pharmacy technician", "band": "4", "level": "associate"}],
     "own_discipline_change": ["narrower"],
     "novel_practice": false}

Each side (the recipient, and each role in ``adopted_from``) may give:

- ``occupation`` (string), ``band`` (an Agenda for Change band as a string: "1"-"9", "8a"-"8d");
- ``level``: one of support, associate, registered_professional, advanced, medical (spaces and hyphens read
  as underscores);
- ``registered`` and ``medical`` (true, false or null): the older facts, from which a level is derived when
  none is given (a doctor is medical; registered is registered professional; not registered is support);
- ``role``: a catalogue slug. Resolving a slug to its facts needs the catalogue (``roles_facts.py``); here it
  only links "same role, new title" relations;
- ``new_title_of``: ``[{"role": slug, "bands": ["6"], "reason": "..."}]``, the posts this side is a new title
  for.

``own_discipline_change`` is ``"none"``, ``"narrower"`` or ``"broader"`` (the older form), or an array of
``"narrower"`` and ``"broader"`` (both may hold). ``novel_practice`` is true when the role takes the service
into something new; ``novel_practice_reason`` may say why.

Left out or null: ``registered``, ``band`` and ``level`` are unknown; ``medical`` left out is false (the flag
marks doctors) and null is unknown; ``own_discipline_change`` is none; ``novel_practice`` is false. Unknown
keys are ignored; wrong types and values are errors naming the item and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.lib.levels import LEVELS, MEDICAL
from newroles.skillmix.typology import NewTitle, Shift, ShiftError, Side, classify, normalise_band, scope_changes

__all__ = ["classify_many", "parse_shift", "shift_as_json", "side_as_json"]


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _optional_text(value: object, item: int | None, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ShiftError(item, path, f"expected a string or null, got {_json_type(value)}")
    return value.strip() or None


def _optional_bool(value: object, item: int | None, path: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ShiftError(item, path, f"expected true, false or null, got {_json_type(value)}")


def _band(value: object, item: int | None, path: str) -> str | None:
    band = _optional_text(value, item, path)
    if band is None:
        return None
    try:
        return normalise_band(band)
    except ValueError as error:
        raise ShiftError(item, path, str(error)) from None


def _level(value: object, item: int | None, path: str) -> str | None:
    text = _optional_text(value, item, path)
    if text is None:
        return None
    level = "_".join(text.lower().replace("-", " ").split())
    if level not in LEVELS:
        raise ShiftError(item, path, f"{text!r} is not one of {', '.join(LEVELS)}")
    return level


def _new_titles(value: object, item: int | None, path: str) -> tuple[NewTitle, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ShiftError(item, path, f"expected an array, got {_json_type(value)}")
    titles = []
    for index, entry in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(entry, Mapping):
            raise ShiftError(item, where, f"expected an object, got {_json_type(entry)}")
        role = _optional_text(entry.get("role"), item, f"{where}.role")
        if role is None:
            raise ShiftError(item, f"{where}.role", "is required")
        bands = entry.get("bands") or []
        if not isinstance(bands, list | tuple):
            raise ShiftError(item, f"{where}.bands", f"expected an array, got {_json_type(bands)}")
        checked = tuple(b for i, band in enumerate(bands) if (b := _band(band, item, f"{where}.bands[{i}]")))
        reason = _optional_text(entry.get("reason"), item, f"{where}.reason") or ""
        titles.append(NewTitle(role=role, bands=checked, reason=reason))
    return tuple(titles)


def _parse_side(data: object, item: int | None, path: str) -> Side:
    if not isinstance(data, Mapping):
        raise ShiftError(item, path, f"expected an object, got {_json_type(data)}")
    level = _level(data.get("level"), item, f"{path}.level")
    # Left out means "not a doctor"; an explicit null means the caller does not know.
    medical = _optional_bool(data["medical"], item, f"{path}.medical") if "medical" in data else None
    if level is not None and medical is not None and medical != (level == MEDICAL):
        raise ShiftError(
            item, f"{path}.level", f"{level} contradicts medical: {str(medical).lower()} (a doctor's level is medical)"
        )
    if medical is None and "medical" not in data:
        medical = False
    return Side(
        occupation=_optional_text(data.get("occupation"), item, f"{path}.occupation"),
        band=_band(data.get("band"), item, f"{path}.band"),
        registered=_optional_bool(data.get("registered"), item, f"{path}.registered"),
        medical=medical,
        level=level,
        role=_optional_text(data.get("role"), item, f"{path}.role"),
        new_title_of=_new_titles(data.get("new_title_of"), item, f"{path}.new_title_of"),
    )


def _scope(value: object, item: int | None) -> tuple[str, ...]:
    if value is not None and not isinstance(value, str | list | tuple):
        raise ShiftError(item, "own_discipline_change", f"expected a string or an array, got {_json_type(value)}")
    if isinstance(value, list | tuple) and not all(isinstance(entry, str) for entry in value):
        raise ShiftError(item, "own_discipline_change", "expected an array of strings")
    try:
        return scope_changes(value)  # type: ignore[arg-type]  # checked just above
    except ValueError as error:
        raise ShiftError(item, "own_discipline_change", str(error)) from None


def parse_shift(data: object, *, item: int | None = None) -> Shift:
    """Parse one task shift from JSON-like data, raising ``ShiftError`` naming the item and field at fault."""
    if not isinstance(data, Mapping):
        raise ShiftError(item, "", f"expected a shift object, got {_json_type(data)}")
    if data.get("recipient") is None:
        raise ShiftError(item, "recipient", "is required")
    recipient = _parse_side(data["recipient"], item, "recipient")

    raw_sources = data.get("adopted_from")
    if raw_sources is None:
        raw_sources = []
    if not isinstance(raw_sources, list | tuple):
        raise ShiftError(item, "adopted_from", f"expected an array, got {_json_type(raw_sources)}")
    sources = tuple(_parse_side(source, item, f"adopted_from[{i}]") for i, source in enumerate(raw_sources))

    novel = data.get("novel_practice")
    if novel is None:
        novel = False
    if not isinstance(novel, bool):
        raise ShiftError(item, "novel_practice", f"expected true or false, got {_json_type(novel)}")

    return Shift(
        recipient=recipient,
        adopted_from=sources,
        own_discipline_change=_scope(data.get("own_discipline_change"), item),
        novel_practice=novel,
        novel_practice_reason=_optional_text(data.get("novel_practice_reason"), item, "novel_practice_reason"),
    )


def classify_many(data: object) -> list[dict[str, object]]:
    """Classify a list of task shifts, or one shift object, returning one ``as_dict()`` per shift.

    Raises ``ShiftError`` for the first malformed shift; in a list the error names its index as the item.
    """
    if isinstance(data, Mapping):
        return [classify(parse_shift(data)).as_dict()]
    if isinstance(data, list | tuple):
        return [classify(parse_shift(entry, item=i)).as_dict() for i, entry in enumerate(data)]
    raise ShiftError(None, "", f"expected a shift object or an array of shifts, got {_json_type(data)}")


def side_as_json(side: Side) -> dict[str, Any]:
    """A side in the JSON shape ``parse_shift`` reads (the older four facts, then the newer ones when set)."""
    out: dict[str, Any] = {
        "occupation": side.occupation,
        "band": side.band,
        "registered": side.registered,
        "medical": side.medical,
    }
    if side.level is not None:
        out["level"] = side.level
    if side.role is not None:
        out["role"] = side.role
    if side.new_title_of:
        out["new_title_of"] = [{"role": t.role, "bands": list(t.bands), "reason": t.reason} for t in side.new_title_of]
    return out


def shift_as_json(shift: Shift) -> dict[str, Any]:
    """A shift in the JSON shape ``parse_shift`` (and ``newroles skillmix classify``) reads."""
    scope = list(scope_changes(shift.own_discipline_change))
    out: dict[str, Any] = {
        "recipient": side_as_json(shift.recipient),
        "adopted_from": [side_as_json(source) for source in shift.adopted_from],
        # The older single answer where it says everything, so older readers still understand it.
        "own_discipline_change": scope if len(scope) > 1 else (scope[0] if scope else "none"),
        "novel_practice": shift.novel_practice,
    }
    if shift.novel_practice_reason:
        out["novel_practice_reason"] = shift.novel_practice_reason
    return out
