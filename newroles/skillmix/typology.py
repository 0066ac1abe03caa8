"""Classify a new role's skill-mix change into the five kinds of the typology.

Skill-mix is the mix of different staff in a team, the range of competencies each holds, and the ratio of
senior to junior staff (Nelson et al 2018). Bringing a new role into a team changes that mix in one or more
of five ways (Sibbald, Shen & McBride 2004; Nancarrow & Borthwick 2005), defined in ``KIND_DEFINITIONS``.

The input is a *task shift*: the recipient role, the roles its tasks are adopted from, whether the role's
scope within its own discipline becomes narrower or broader, and whether it does something new::

    {"recipient": {"occupation": "peer support", "band": "3", "registered": false, "medical": false},
     "adopted_from": [{"occupation": "mental health nursing", "band": "6", "registered": true,
                       "medical": false}],
     "own_discipline_change": "none",
     "novel_practice": false}

The rule, applied to each source in ``adopted_from``:

- a source with the same occupation as the recipient (compared case-insensitively, punctuation and spacing
  ignored) is not a cross-boundary shift and contributes no kind;
- a source from a different occupation whose level is NOT EQUAL to the recipient's gives **delegation**;
- a source from a different occupation whose level is SIMILAR gives **horizontal substitution**;
- levels are NOT EQUAL when exactly one side is medical, or their registration differs, or their Agenda for
  Change bands are two or more apart (8a-8d all count as 8); otherwise they are SIMILAR;
- when the facts cannot decide the level (say a band or the registration is unknown), the unknown facts are
  listed in ``missing`` as dotted paths (``adopted_from[0].band``) and neither kind is claimed for that
  source: a fact is never guessed.

Then ``own_discipline_change`` ``"narrower"`` gives **specialisation**, ``"broader"`` gives
**diversification**, and ``novel_practice`` gives **innovation**. A shift may be several kinds at once; a
shift with no adopted tasks, no scope change and no novelty is no change (no kinds).

Decisions on facts:

- A doctor is ``"medical": true`` and has no Agenda for Change band; a band given with ``medical: true`` is
  accepted and ignored, since doctors are paid on medical and dental terms, not on Agenda for Change.
- A doctor whose ``registered`` is not stated counts as registered: every practising doctor holds GMC
  registration. An explicit ``false`` is respected.
- ``medical`` left out means not medical (the flag marks doctors); an explicit ``null`` means unknown.
- ``registered`` and ``band`` left out, ``null`` or blank mean unknown.
- ``own_discipline_change`` left out or ``null`` means ``"none"`` and ``novel_practice`` left out or ``null``
  means ``false``: no change is claimed that was not stated.
- Band spellings are normalised for case and surrounding space (``"8A"`` is ``"8a"``), but a band must be one
  of the Agenda for Change bands: ``"Band 9"`` or ``9`` (a number) is an error, not a guess.

Limits of the rule:

- Agenda for Change bands, registration and the medical/non-medical line are proxies for the typology's
  "levels of training, expertise, power and autonomy"; they do not measure them. Two roles at the same band
  can differ in autonomy, and a band gap of one is treated as similar although it may not feel so in a team.
- The threshold (two bands apart) is a convention of this tool, not a figure from the literature.
- It classifies what is *stated* about a role. The research found that the intended change often differs from
  how staff actually work, so a classification describes a plan or a report, not what happens in practice.
- Occupations are compared by name; two names for the same occupation (a new title for an old role) will be
  read as different occupations unless the caller maps them to one canonical name first.

References (as given in the project briefing):

- Nancarrow SA and Borthwick AM (2005) Dynamic professional boundaries in the healthcare workforce.
  Sociology of Health and Illness, 27(7): 897-919. https://doi.org/10.1111/j.1467-9566.2005.00463.x
- Nelson P, Martindale AM, McBride A, Checkland K, Hodgson D (2018) Skill-mix change and the general practice
  workforce challenge. British Journal of General Practice, 68(667): 66-67.
  https://doi.org/10.3399/bjgp18X694469
- Sibbald B, Shen J and McBride A (2004) Changing the skill-mix of the healthcare workforce. Journal of
  Health Services Research and Policy, 9(Suppl 1): 28-38. https://doi.org/10.1258/135581904322724112
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from newroles.lib.bands import AFC_BANDS  # pure Python too: the typology still runs without Django

__all__ = [
    "AFC_BANDS",
    "KINDS",
    "KIND_DEFINITIONS",
    "KIND_LABELS",
    "OWN_DISCIPLINE_CHANGES",
    "Classification",
    "Shift",
    "ShiftError",
    "Side",
    "band_rank",
    "classify",
    "classify_many",
    "levels_differ",
    "normalise_band",
    "normalise_occupation",
    "parse_shift",
]

KINDS: tuple[str, ...] = (
    "delegation",
    "horizontal_substitution",
    "specialisation",
    "diversification",
    "innovation",
)

KIND_LABELS: dict[str, str] = {
    "delegation": "Delegation",
    "horizontal_substitution": "Horizontal substitution",
    "specialisation": "Specialisation",
    "diversification": "Diversification",
    "innovation": "Innovation",
}

# Verbatim from the project briefing (after Sibbald et al 2004; Nancarrow and Borthwick 2005).
KIND_DEFINITIONS: dict[str, str] = {
    "delegation": (
        "Adoption of tasks across occupational boundaries where levels of training, expertise, power, "
        "and autonomy between disciplines are not equal."
    ),
    "horizontal_substitution": (
        "Adoption of tasks by one discipline that are normally the domain of another, but where levels of "
        "training and expertise between disciplines are similar."
    ),
    "specialisation": ("Adoption of an increased level of expertise in a specific, narrower disciplinary area."),
    "diversification": "When a role expands to broader tasks and responsibilities within its own discipline.",
    "innovation": (
        "Extending the scope of service provided by doing something new, either by adding new expertise or "
        "extending the remit of existing roles into a novel area of practice."
    ),
}

OWN_DISCIPLINE_CHANGES: tuple[str, ...] = ("none", "narrower", "broader")

OwnDisciplineChange = Literal["none", "narrower", "broader"]

# Bands this many ranks apart (or more) are "not equal"; one apart still counts as similar.
BAND_GAP_NOT_EQUAL = 2


class ShiftError(ValueError):
    """A malformed task shift: names the item (position in a list, if any) and the field at fault."""

    def __init__(self, item: int | str | None, field: str, message: str) -> None:
        self.item = item
        self.field = field
        self.message = message
        super().__init__(item, field, message)

    def __str__(self) -> str:
        where = []
        if self.item is not None:
            where.append(f"item {self.item}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Side:
    """One role in a task shift: the recipient, or a role whose tasks it adopts.

    ``None`` in ``occupation``, ``band``, ``registered`` or ``medical`` means the fact is unknown.
    """

    occupation: str | None
    band: str | None = None
    registered: bool | None = None
    medical: bool | None = False


@dataclass(frozen=True)
class Shift:
    """A task shift: the recipient role, where its tasks come from, and how its own scope changes."""

    recipient: Side
    adopted_from: tuple[Side, ...] = ()
    own_discipline_change: OwnDisciplineChange = "none"
    novel_practice: bool = False


@dataclass
class Classification:
    """The kinds of skill-mix change a shift shows, why, and which facts were needed but missing.

    ``notes`` explains sources that contributed no kind (same occupation, undecidable level); it is for
    display and is not part of ``as_dict()``.
    """

    kinds: list[str]
    reasons: dict[str, str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"kinds": list(self.kinds), "reasons": dict(self.reasons), "missing": list(self.missing)}


# --- bands and levels -------------------------------------------------------------------------------------


def normalise_band(band: str) -> str:
    """Return the canonical spelling of an Agenda for Change band (``" 8A "`` -> ``"8a"``).

    Raises ``ValueError`` for anything that is not a band.
    """
    value = band.strip().lower()
    if value not in AFC_BANDS:
        raise ValueError(f"{band!r} is not an Agenda for Change band (1-9, 8a-8d)")
    return value


def band_rank(band: str) -> int:
    """The numeric level of a band for comparing levels: ``"1"``..``"9"``, with 8a-8d all ranked 8."""
    return int(normalise_band(band)[0])


def normalise_occupation(occupation: str) -> str:
    """Lower-case an occupation and reduce punctuation and runs of space to single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", occupation.casefold()).split())


def _effective_registered(side: Side) -> bool | None:
    # Every practising doctor is GMC-registered, so an unstated registration is not a real unknown for one.
    if side.registered is None and side.medical is True:
        return True
    return side.registered


def _one_medical(a: Side, b: Side) -> bool | None:
    if a.medical is None or b.medical is None:
        return None
    return a.medical != b.medical


def _registration_differs(a: Side, b: Side) -> bool | None:
    reg_a, reg_b = _effective_registered(a), _effective_registered(b)
    if reg_a is None or reg_b is None:
        return None
    return reg_a != reg_b


def _bands_apart(a: Side, b: Side) -> bool | None:
    # Bands compare two Agenda for Change roles only; a doctor has none, and a band given for one is ignored.
    if a.medical is True or b.medical is True:
        return False
    if a.medical is None or b.medical is None or a.band is None or b.band is None:
        return None
    return abs(band_rank(a.band) - band_rank(b.band)) >= BAND_GAP_NOT_EQUAL


def levels_differ(a: Side, b: Side) -> bool | None:
    """Whether two roles' levels are NOT EQUAL (True), SIMILAR (False), or cannot be decided (None).

    Not equal when any of: exactly one side is medical; registration differs; both are non-medical and
    their bands are two or more apart (8a-8d count as 8). Similar when every test is known to be false.
    Unknown facts decide nothing unless a known test already shows the levels are not equal (a
    three-valued "or").
    Symmetric in ``a`` and ``b``.
    """
    tests = (_one_medical(a, b), _registration_differs(a, b), _bands_apart(a, b))
    if any(t is True for t in tests):
        return True
    if any(t is None for t in tests):
        return None
    return False


def _undecided_facts(a: Side, a_path: str, b: Side, b_path: str) -> list[str]:
    """The unknown facts that left the level of ``a`` against ``b`` undecided, as dotted paths."""
    facts: list[str] = []
    if _one_medical(a, b) is None:
        facts += [f"{path}.medical" for side, path in ((a, a_path), (b, b_path)) if side.medical is None]
    if _registration_differs(a, b) is None:
        facts += [
            f"{path}.registered" for side, path in ((a, a_path), (b, b_path)) if _effective_registered(side) is None
        ]
    if _bands_apart(a, b) is None:
        facts += [
            f"{path}.band"
            for side, path in ((a, a_path), (b, b_path))
            if side.band is None and side.medical is not True
        ]
    return facts


# --- wording of reasons -----------------------------------------------------------------------------------


def _describe(side: Side) -> str:
    if side.medical is True:
        return "medical"
    parts = [f"band {normalise_band(side.band)}" if side.band else "band unknown"]
    registered = _effective_registered(side)
    parts.append({True: "registered", False: "not registered", None: "registration unknown"}[registered])
    return ", ".join(parts)


def _level_explanation(a: Side, b: Side) -> str:
    """Why two decided levels differ or are similar, as a phrase used inside a one-sentence reason."""
    parts: list[str] = []
    if _one_medical(a, b):
        parts.append("only one is medical")
    elif a.medical is True and b.medical is True:
        parts.append("both are medical")
    elif a.band is not None and b.band is not None:
        band_a, band_b = normalise_band(a.band), normalise_band(b.band)
        gap = abs(band_rank(band_a) - band_rank(band_b))
        if band_a == band_b:
            parts.append(f"both are band {band_a}")
        elif gap == 0:
            parts.append(f"bands {band_a} and {band_b} both count as band 8")
        else:
            apart = "one band" if gap == 1 else f"{gap} bands"
            parts.append(f"bands {band_a} and {band_b} are {apart} apart")
    registration = _registration_differs(a, b)
    if registration is True:
        parts.append("registration differs")
    elif registration is False and not (a.medical is True and b.medical is True):
        parts.append("registration is the same")
    return _join(parts)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _name(side: Side) -> str:
    return side.occupation.strip() if side.occupation else "the role"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- classification ---------------------------------------------------------------------------------------


def classify(shift: Shift) -> Classification:
    """Classify a task shift into the five kinds (see the module docstring for the rule)."""
    recipient = shift.recipient
    delegated_from: list[str] = []
    substituted_from: list[str] = []
    missing: list[str] = []
    notes: list[str] = []

    def need(path: str) -> None:
        if path not in missing:
            missing.append(path)

    for index, source in enumerate(shift.adopted_from):
        path = f"adopted_from[{index}]"
        if not recipient.occupation or not source.occupation:
            if not recipient.occupation:
                need("recipient.occupation")
            if not source.occupation:
                need(f"{path}.occupation")
            notes.append(f"{path}: the occupation is unknown, so no kind is claimed for this source.")
            continue
        if normalise_occupation(source.occupation) == normalise_occupation(recipient.occupation):
            notes.append(
                f"{path}: {source.occupation.strip()} is the recipient's own occupation, so this is not a "
                "cross-boundary shift and contributes no kind."
            )
            continue
        differ = levels_differ(recipient, source)
        if differ is None:
            for fact in _undecided_facts(recipient, "recipient", source, path):
                need(fact)
            notes.append(
                f"{path}: the level of {source.occupation.strip()} against the recipient cannot be decided "
                "from the facts given, so neither delegation nor horizontal substitution is claimed for it."
            )
            continue
        why = _level_explanation(recipient, source)
        described = f"{source.occupation.strip()} ({_describe(source)}: {why})"
        (delegated_from if differ else substituted_from).append(described)

    who = _capitalised(_name(recipient))
    who_described = f"{who} ({_describe(recipient)})"
    reasons: dict[str, str] = {}
    if delegated_from:
        reasons["delegation"] = (
            f"{who_described} adopts tasks from {_join(delegated_from)}, across an occupational boundary "
            "where levels of training, expertise, power and autonomy are not equal."
        )
    if substituted_from:
        reasons["horizontal_substitution"] = (
            f"{who_described} adopts tasks normally done by {_join(substituted_from)}, a different "
            "discipline whose levels of training and expertise are similar."
        )
    if shift.own_discipline_change == "narrower":
        reasons["specialisation"] = (
            f"{who} takes on an increased level of expertise in a narrower area of its own discipline."
        )
    elif shift.own_discipline_change == "broader":
        reasons["diversification"] = f"{who} expands to broader tasks and responsibilities within its own discipline."
    if shift.novel_practice:
        reasons["innovation"] = f"{who} extends the scope of the service into a novel area of practice."

    kinds = [kind for kind in KINDS if kind in reasons]
    return Classification(kinds=kinds, reasons={kind: reasons[kind] for kind in kinds}, missing=missing, notes=notes)


# --- parsing ----------------------------------------------------------------------------------------------


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


def _parse_side(data: object, item: int | None, path: str) -> Side:
    if not isinstance(data, Mapping):
        raise ShiftError(item, path, f"expected an object, got {_json_type(data)}")
    occupation = _optional_text(data.get("occupation"), item, f"{path}.occupation")
    band = _optional_text(data.get("band"), item, f"{path}.band")
    if band is not None:
        try:
            band = normalise_band(band)
        except ValueError as error:
            raise ShiftError(item, f"{path}.band", str(error)) from None
    registered = _optional_bool(data.get("registered"), item, f"{path}.registered")
    # Left out means "not a doctor"; an explicit null means the caller does not know.
    medical = _optional_bool(data["medical"], item, f"{path}.medical") if "medical" in data else False
    return Side(occupation=occupation, band=band, registered=registered, medical=medical)


def parse_shift(data: object, *, item: int | None = None) -> Shift:
    """Parse one task shift from JSON-like data, raising ``ShiftError`` naming the item and field at fault.

    Unknown keys are ignored; wrong types and wrong values are errors. See the module docstring for how
    left-out and null facts are read.
    """
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

    change = data.get("own_discipline_change")
    if change is None:
        change = "none"
    if not isinstance(change, str):
        raise ShiftError(item, "own_discipline_change", f"expected a string, got {_json_type(change)}")
    if change.strip().lower() not in OWN_DISCIPLINE_CHANGES:
        raise ShiftError(item, "own_discipline_change", f"{change!r} is not one of none, narrower, broader")

    novel = data.get("novel_practice")
    if novel is None:
        novel = False
    if not isinstance(novel, bool):
        raise ShiftError(item, "novel_practice", f"expected true or false, got {_json_type(novel)}")

    return Shift(
        recipient=recipient,
        adopted_from=sources,
        own_discipline_change=change.strip().lower(),  # type: ignore[arg-type]  # checked just above
        novel_practice=novel,
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
