"""Classify a new role's skill-mix change into the five kinds of the typology.

Skill-mix is the mix of different staff in a team, the range of competencies each holds, and the ratio of
senior to junior staff (Nelson et al 2018). Bringing a new role into a team changes that mix in one or more
of five ways (Sibbald, Shen & McBride 2004; Nancarrow & Borthwick 2005), defined in ``KIND_DEFINITIONS``.

The input is a *task shift*: the recipient role, the roles its tasks are adopted from, how the role's scope
within its own discipline changes, and whether it does something new (JSON form and parsing in
``typology_json.py``; catalogue roles by slug in ``roles_facts.py``).

**Levels, not regulators.** Delegation and horizontal substitution differ by whether the two disciplines'
"levels of training and expertise" are equal. Each side has a level (``newroles.lib.levels``): support,
associate, registered professional, advanced and consultant practice, medical. Registration does not measure
it: a CBT therapist on an accredited register is trained to the level of a registered professional. Where a
side states no level (the older input), it is derived as before: a doctor is medical, a registered non-doctor
a registered professional, an unregistered one support.

The rule, applied to each source in ``adopted_from``:

- a source with the recipient's own occupation (compared case-insensitively, punctuation and spacing ignored)
  is not a cross-boundary shift and contributes no kind;
- a source the recipient is only a new title for ("same role, new title": a post renamed at the same band,
  as the catalogue records for the mental health practitioner) is no skill-mix change and contributes no kind;
- otherwise the two are NOT at a similar level when their levels differ, or, at one level, their Agenda for
  Change bands are two or more steps apart; SIMILAR otherwise. Each band is a step, 8a, 8b, 8c and 8d
  included (7 and 8a are one step apart, 7 and 8c three). Bands 8a-8d are separate bands with their own
  job-evaluation scores and pay, and a band 8c nurse consultant stands well above a band 7 practitioner:
  counting 8a-8d as one band 8 called that pair similar. Doctors have no bands: two doctors are similar;
- SIMILAR gives **horizontal substitution**;
- NOT similar gives **delegation** only when the tasks move *down*: the source is at the higher level (or,
  at one level, the higher band). Tasks moving *up* (a band 6 nurse absorbing support workers' tasks after
  support posts are cut) are not delegation. The briefing's definition ("adoption of tasks across
  occupational boundaries where levels ... are not equal") does not say which way; Sibbald et al (2004)
  define delegation as moving a task *down* a traditional ladder, and Nancarrow and Borthwick's (2005)
  vertical substitution, whose wording the briefing follows, is discussed as tasks passing to the less
  trained discipline (from doctors to nurses, from professionals to assistants). A more trained role
  absorbing a less trained one's tasks is none of the five kinds, so an upward shift gives no kind, and a
  note says why. The note names the choice because a reader who takes vertical substitution to run both
  ways would count the shift;
- when the facts cannot decide (a band, registration or level unknown where it matters), the unknown facts
  are listed in ``missing`` as dotted paths (``adopted_from[0].band``) and no kind is claimed for that
  source: a fact is never guessed. The decision is three-valued: every level the unknown facts allow is
  tried, and a kind is claimed only when every possibility gives it.

Then ``"narrower"`` within its own discipline gives **specialisation** and ``"broader"`` gives
**diversification** (both may hold on one shift: an advanced practitioner can go deeper and broader at
once), and ``novel_practice`` gives **innovation**. A shift may be several kinds at once; a shift with no
kind is no change, and ``notes`` says why each source contributed none.

Decisions on facts:

- A doctor (``medical``) has no Agenda for Change band; a band given with one is ignored.
- A stated ``level`` settles whether the side is medical; the parser refuses a level that contradicts a
  stated ``medical``.
- ``medical`` left out means not medical; ``registered``, ``band`` and ``level`` left out mean unknown.
- A doctor whose ``registered`` is false is still at the medical level: registration does not change a
  doctor's training.

Limits of the rule:

- A level per role is a proxy for "levels of training, expertise, power and autonomy". A consultant
  psychologist is at consultant level although the catalogue puts clinical psychologists at the registered
  professional level; a shift can state the level of the post it is about.
- The threshold (two band steps) is a convention of this tool, not a figure from the literature.
- It classifies what is *stated* about a role. The research found that the intended change often differs from
  how staff actually work, so a classification describes a plan or a report, not what happens in practice.
- Occupations are compared by name, and new titles only where the catalogue (or the caller) records them.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

from newroles.lib.bands import AFC_BANDS, band_index  # pure Python too: the typology still runs without Django
from newroles.lib.levels import LEVEL_LABELS, LEVELS, MEDICAL, REGISTERED_PROFESSIONAL, SUPPORT, level_rank

__all__ = [
    "AFC_BANDS",
    "KINDS",
    "KIND_DEFINITIONS",
    "KIND_LABELS",
    "LEVELS",
    "OWN_DISCIPLINE_CHANGES",
    "Classification",
    "LevelComparison",
    "NewTitle",
    "Shift",
    "ShiftError",
    "Side",
    "band_rank",
    "classify",
    "compare_levels",
    "effective_level",
    "levels_differ",
    "new_title_relation",
    "normalise_band",
    "normalise_occupation",
    "scope_changes",
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

# The older single answer; a shift now holds any of "narrower" and "broader" (none: neither).
OWN_DISCIPLINE_CHANGES: tuple[str, ...] = ("none", "narrower", "broader")
SCOPE_CHANGES: tuple[str, ...] = ("narrower", "broader")

# Bands this many steps apart (or more) are "not equal"; one step apart still counts as similar.
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
class NewTitle:
    """'Same role, new title': the side is only a new title for a post of ``role`` at one of ``bands``.

    No bands means any band. Either way both posts must be at the same band: a post at another band is a
    different post, not a renamed one.
    """

    role: str
    bands: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Side:
    """One role in a task shift: the recipient, or a role whose tasks it adopts.

    ``None`` in ``occupation``, ``band``, ``registered``, ``medical`` or ``level`` means the fact is unknown.
    ``role`` is the catalogue slug, when the side is a catalogue role (it links new-title relations).
    """

    occupation: str | None
    band: str | None = None
    registered: bool | None = None
    medical: bool | None = False
    level: str | None = None
    role: str | None = None
    new_title_of: tuple[NewTitle, ...] = ()

    def __post_init__(self) -> None:
        if self.level is not None:
            if self.level not in LEVELS:
                raise ValueError(f"{self.level!r} is not a level ({', '.join(LEVELS)})")
            # A stated level settles whether the side is a doctor.
            object.__setattr__(self, "medical", self.level == MEDICAL)


def scope_changes(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The scope changes within its own discipline, in canonical order: ``"broader"`` -> ``("broader",)``.

    Takes the older single answer (``"none"``, ``"narrower"``, ``"broader"``) or any collection of
    ``"narrower"`` and ``"broader"`` (``"none"`` in it adds nothing). ValueError for anything else.
    """
    items = [value] if value is None or isinstance(value, str) else list(value)
    chosen = set()
    for item in items:
        name = "none" if item is None else item.strip().lower() if isinstance(item, str) else item
        if name not in OWN_DISCIPLINE_CHANGES:
            raise ValueError(f"{item!r} is not one of none, narrower, broader")
        if name != "none":
            chosen.add(name)
    return tuple(change for change in SCOPE_CHANGES if change in chosen)


@dataclass(frozen=True)
class Shift:
    """A task shift: the recipient role, where its tasks come from, and how its own scope changes.

    ``own_discipline_change`` accepts the older single answer or a collection, and is kept as a tuple of
    ``"narrower"`` and ``"broader"`` (see ``scope_changes``). ``novel_practice_reason`` says why the practice
    is new, when known (for example the catalogue's reason when its answer was used).
    """

    recipient: Side
    adopted_from: tuple[Side, ...] = ()
    own_discipline_change: tuple[str, ...] | str = ()
    novel_practice: bool = False
    novel_practice_reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "own_discipline_change", scope_changes(self.own_discipline_change))


@dataclass
class Classification:
    """The kinds of skill-mix change a shift shows, why, which facts were needed but missing, and notes.

    ``notes`` says why a source contributed no kind (own occupation, a new title, tasks moving up, facts
    that cannot decide), so a shift with no kind still has its reason.
    """

    kinds: list[str]
    reasons: dict[str, str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "kinds": list(self.kinds),
            "reasons": dict(self.reasons),
            "missing": list(self.missing),
            "notes": list(self.notes),
        }


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
    """The step of a band for comparing levels: ``"1"``..``"7"`` are 1-7, 8a-8d are 8-11 and 9 is 12."""
    return band_index(normalise_band(band)) + 1


def normalise_occupation(occupation: str) -> str:
    """Lower-case an occupation and reduce punctuation and runs of space to single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", occupation.casefold()).split())


def effective_level(side: Side) -> str | None:
    """The side's level: stated, or derived from ``medical`` and ``registered``; None when unknown."""
    if side.level is not None:
        return side.level
    if side.medical is True:
        return MEDICAL
    if side.medical is False and side.registered is not None:
        return REGISTERED_PROFESSIONAL if side.registered else SUPPORT
    return None


def _possible_levels(side: Side) -> tuple[str, ...]:
    """Every level the side's known facts allow (one when the level is known)."""
    level = effective_level(side)
    if level is not None:
        return (level,)
    # Unknown: the medical flag is unknown, or a non-doctor's registration is.
    if side.registered is None:
        non_medical: tuple[str, ...] = (SUPPORT, REGISTERED_PROFESSIONAL)
    else:
        non_medical = (REGISTERED_PROFESSIONAL if side.registered else SUPPORT,)
    return non_medical if side.medical is False else (*non_medical, MEDICAL)


def _band_gap(a: Side, b: Side) -> int | None:
    if a.band is None or b.band is None:
        return None
    return band_rank(b.band) - band_rank(a.band)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _outcome(level_a: str, level_b: str, gap: int | None) -> int | None:
    """How b stands against a for one pair of levels: 1 higher, -1 lower, 0 similar, None unknown."""
    if level_a != level_b:
        return _sign(level_rank(level_b) - level_rank(level_a))
    if level_a == MEDICAL:
        return 0  # doctors have no bands
    if gap is None:
        return None
    return 0 if abs(gap) < BAND_GAP_NOT_EQUAL else _sign(gap)


@dataclass(frozen=True)
class LevelComparison:
    """How one role's level stands against another's.

    ``differ``: not at a similar level (True), similar (False), cannot be decided (None).
    ``direction``: when they differ, 1 when the second role is at the higher level, -1 when at the lower,
    None when the facts cannot tell which.
    """

    differ: bool | None
    direction: int | None


def compare_levels(a: Side, b: Side) -> LevelComparison:
    """Compare ``b``'s level with ``a``'s, trying every level the unknown facts allow (see the docstring)."""
    gap = _band_gap(a, b)
    outcomes = {_outcome(la, lb, gap) for la, lb in product(_possible_levels(a), _possible_levels(b))}
    if None in outcomes or (0 in outcomes and len(outcomes) > 1):
        return LevelComparison(None, None)
    if outcomes == {0}:
        return LevelComparison(False, None)
    return LevelComparison(True, outcomes.pop() if len(outcomes) == 1 else None)


def levels_differ(a: Side, b: Side) -> bool | None:
    """Whether two roles' levels are NOT EQUAL (True), SIMILAR (False), or cannot be decided (None).

    Not equal when the levels differ or, at one level other than medical, the bands are two or more steps
    apart. Symmetric in ``a`` and ``b``.
    """
    return compare_levels(a, b).differ


def new_title_relation(recipient: Side, source: Side) -> tuple[Side, Side, NewTitle] | None:
    """The 'same role, new title' relation between the two, if either is a new title for the other.

    Returns (the newer title, the older post, the relation). Both posts must be at one known band.
    """
    if recipient.band is None or source.band is None or recipient.band != source.band:
        return None
    for newer, older in ((recipient, source), (source, recipient)):
        for relation in newer.new_title_of:
            if older.role and relation.role == older.role and (not relation.bands or older.band in relation.bands):
                return newer, older, relation
    return None


def _undecided_facts(a: Side, a_path: str, b: Side, b_path: str, *, by_level: bool) -> list[str]:
    """The unknown facts that left the level of ``a`` against ``b`` undecided, as dotted paths.

    An unknown level is asked for as the ``level`` in a shift that states levels or names roles
    (``by_level``), and as the older ``medical`` and ``registered`` facts otherwise.
    """
    sides = ((a, a_path), (b, b_path))
    unknown = [(side, path) for side, path in sides if effective_level(side) is None]
    if by_level:
        facts = [f"{path}.level" for _, path in unknown]
    else:
        facts = [f"{path}.medical" for side, path in unknown if side.medical is None]
        facts += [f"{path}.registered" for side, path in unknown if side.registered is None]
    # Bands matter only when the two could be at one level other than medical.
    if set(_possible_levels(a)) & set(_possible_levels(b)) - {MEDICAL}:
        facts += [f"{path}.band" for side, path in sides if side.band is None]
    return facts


# --- wording of reasons -----------------------------------------------------------------------------------


def _level_words(level: str) -> str:
    return LEVEL_LABELS[level].lower()


def _describe(side: Side) -> str:
    if side.medical is True:
        return "medical"
    parts = [f"band {normalise_band(side.band)}" if side.band else "band unknown"]
    level = effective_level(side)
    if side.level is not None:
        parts.append(f"{_level_words(side.level)} level")
    elif level is not None:
        registration = "registered" if side.registered else "not registered"
        parts.append(f"{registration}, so {_level_words(level)} level")
    else:
        parts.append("level unknown")
    return ", ".join(parts)


def _bands_phrase(a: Side, b: Side) -> str:
    if a.medical is True or b.medical is True or a.band is None or b.band is None:
        return ""
    band_a, band_b = normalise_band(a.band), normalise_band(b.band)
    gap = abs(band_rank(band_a) - band_rank(band_b))
    if gap == 0:
        return f"both are band {band_a}"
    return f"bands {band_a} and {band_b} are {'one band' if gap == 1 else f'{gap} bands'} apart"


def _level_explanation(recipient: Side, source: Side, comparison: LevelComparison) -> str:
    """Why a decided source's level stands where it does against the recipient's, as a phrase."""
    level_r, level_s = effective_level(recipient), effective_level(source)
    parts: list[str] = []
    if level_r is not None and level_s is not None and level_r != level_s:
        parts.append(f"a {'higher' if comparison.direction == 1 else 'lower'} level of training and expertise")
    elif level_r is not None and level_r == level_s:
        parts.append("both are medical" if level_r == MEDICAL else "the same level")
    elif recipient.medical is True or source.medical is True:
        parts.append("only one is medical")
    bands = _bands_phrase(recipient, source)
    if bands:
        parts.append(bands)
    return "; ".join(parts)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _name(side: Side) -> str:
    return side.occupation.strip() if side.occupation else "the role"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clause(text: str) -> str:
    """A sentence turned into a clause: no final full stop, lower-case first word unless a name or acronym."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# --- classification ---------------------------------------------------------------------------------------


def classify(shift: Shift) -> Classification:
    """Classify a task shift into the five kinds (see the module docstring for the rule)."""
    recipient = shift.recipient
    delegated_from: list[str] = []
    substituted_from: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    who = _capitalised(_name(recipient))
    who_described = f"{who} ({_describe(recipient)})"
    by_level = any(side.level is not None or side.role is not None for side in (recipient, *shift.adopted_from))

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
            notes.append("A source's occupation is unknown, so no kind is claimed for it.")
            continue
        name = source.occupation.strip()
        if normalise_occupation(name) == normalise_occupation(recipient.occupation):
            notes.append(
                f"{_capitalised(name)} is the recipient's own occupation, so this is not a cross-boundary shift "
                "and contributes no kind."
            )
            continue
        relation = new_title_relation(recipient, source)
        if relation is not None:
            newer, older, title = relation
            note = (
                f"{_capitalised(_name(newer))} is a new title for a band {older.band} {_name(older).lower()} post: "
                "the same role under a new name is no skill-mix change, so this source contributes no kind."
            )
            notes.append(f"{note} {title.reason.strip()}" if title.reason.strip() else note)
            continue
        comparison = compare_levels(recipient, source)
        if comparison.differ is None or (comparison.differ and comparison.direction is None):
            for fact in _undecided_facts(recipient, "recipient", source, path, by_level=by_level):
                need(fact)
            notes.append(
                f"The level of {name} against {_name(recipient)} cannot be decided from the facts given, so "
                "neither delegation nor horizontal substitution is claimed for it."
            )
            continue
        described = f"{name} ({_describe(source)}: {_level_explanation(recipient, source, comparison)})"
        if not comparison.differ:
            substituted_from.append(described)
        elif comparison.direction == 1:
            delegated_from.append(described)
        else:
            notes.append(
                f"Tasks move up a level: {who_described} takes on tasks of {described}, so no kind is claimed "
                "for it: delegation is tasks passed to a role with less training, and the five kinds have none "
                "for tasks moving up."
            )

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
    scope = scope_changes(shift.own_discipline_change)
    if "narrower" in scope:
        reasons["specialisation"] = (
            f"{who} takes on an increased level of expertise in a narrower area of its own discipline."
        )
    if "broader" in scope:
        reasons["diversification"] = f"{who} expands to broader tasks and responsibilities within its own discipline."
    if shift.novel_practice:
        why = f": {_clause(shift.novel_practice_reason)}" if shift.novel_practice_reason else ""
        reasons["innovation"] = f"{who} extends the scope of the service into a novel area of practice{why}."

    kinds = [kind for kind in KINDS if kind in reasons]
    return Classification(kinds=kinds, reasons={kind: reasons[kind] for kind in kinds}, missing=missing, notes=notes)
