"""Pseudonymisation of transcripts before anything is stored: pure functions, no models.

What the product knows to be identifying is replaced by a bracketed label: participant names given at upload
(`[PARTICIPANT J1]`), names the researcher adds at review (`[NAME]`), trusts and teams of the register
(`[TRUST]`, `[TEAM]`), the study's local names (`[WARD]`, `[SITE]`, `[PLACE]`, `[SERVICE]`), email
addresses, telephone numbers, NHS numbers (only those whose mod-11 check digit is right, so a reference
number is not mistaken for one), National Insurance numbers, postcodes and dates of birth (a date next to
"born", "DOB" or "date of birth"). Every replacement is listed, with the capitalised words that remain and
may be names, for the researcher to confirm before the text is saved.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newroles.evidence.transcripts import Turn

_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"  # noqa: E501
_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("email", "[EMAIL]", re.compile(r"\b[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+\b")),
    (
        "date_of_birth",
        "[DATE OF BIRTH]",
        re.compile(rf"(?i)(?:\bd\.?o\.?b\.?|\bdate of birth|\bborn(?:\s+on)?)\s*(?:is|was|:|-)?\s*(?P<value>{_DATE})"),
    ),
    ("nhs_number", "[NHS NUMBER]", re.compile(r"(?<![\d\w])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\w])")),
    (
        "ni_number",
        "[NI NUMBER]",
        re.compile(
            r"(?i)\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
        ),
    ),
    (
        "postcode",
        "[POSTCODE]",
        re.compile(r"(?i)\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b"),
    ),
    (
        "phone",
        "[PHONE]",
        re.compile(r"(?<![\d\w])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}(?![\d\w])"),
    ),
]

# Capitalised words that are not names, so the review is not buried in them.
_COMMON = """I I'm I've I'd I'll A An The And But Or So If When Where What Why How Who Which That This These Those Then
    There Their They We You He She It Our Your My Yes No Okay OK Well Um Erm Er Oh Right Sure Also Just Because
    Some Many Most All Any Each Every One Two Three First Second Phase Trust Trusts NHS England English HR ESR
    ICB ICBs PCN PCNs SOP SOPs CQC HEE Health Care Mental Social Service Services Team Teams Ward Board Council
    Interviewer Researcher Participant Facilitator Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December Covid Band Nurse
    Nursing Associate Associates Practitioner Practitioners Peer Support Worker Workers Physician Clinical
    Psychology Approved Clinician Wellbeing Responsible London North South East West Midlands"""
COMMON_WORDS = frozenset(_COMMON.split())
_NAME_LIKE = re.compile(r"(?<![\[\w])[A-Z][a-z]+(?:[\-'’][A-Z]?[a-z]+)?(?![\]\w])")


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's mod-11 check: weights 10..2 on the first nine digits; 11 - (sum mod 11) is the tenth
    digit, 11 counting as 0 and 10 meaning the number cannot be valid."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class Replacement:
    """One replacement made: where (turn index, or -1 for a speaker label), what was there and what replaced it."""

    turn: int
    kind: str
    original: str
    label: str


@dataclass
class Result:
    """Pseudonymised turns, the replacements made and the name-like words left, for the review."""

    turns: list[Turn]
    replacements: list[Replacement] = field(default_factory=list)
    name_like: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """Terms the product knows: (term, label, kind), longest first so 'Sheffield Health' beats 'Sheffield'."""

    terms: tuple[tuple[str, str, str], ...]

    @classmethod
    def build(cls, items: Iterable[tuple[str, str, str]]) -> Known:
        seen: dict[str, tuple[str, str, str]] = {}
        for term, label, kind in items:
            term = " ".join(term.split())
            if len(term) >= 3 and term.lower() not in seen:
                seen[term.lower()] = (term, label, kind)
        return cls(tuple(sorted(seen.values(), key=lambda t: -len(t[0]))))


def participant_terms(names: dict[str, str]) -> list[tuple[str, str, str]]:
    """From 'full name -> code' (given at upload, never stored): the full name and each part of it."""
    terms = []
    for name, code in names.items():
        label = f"[PARTICIPANT {code}]"
        terms.append((name, label, "participant"))
        for part in name.split():
            if len(part) >= 3 and part[0].isupper():
                terms.append((part, label, "participant"))
    return terms


def _known_pattern(known: Known) -> re.Pattern[str] | None:
    if not known.terms:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, t.split())) for t, _, _ in known.terms)
    return re.compile(rf"(?i)(?<![\w@])(?:{alternatives})(?![\w@])")


def _spans(text: str, known: Known, known_re: re.Pattern[str] | None) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, label) of everything identifying in `text`, overlaps resolved (earliest, longest)."""
    found: list[tuple[int, int, str, str]] = []
    if known_re is not None:
        lookup = {t.lower(): (label, kind) for t, label, kind in known.terms}
        for match in known_re.finditer(text):
            label, kind = lookup[" ".join(match.group().split()).lower()]
            found.append((match.start(), match.end(), kind, label))
    for kind, label, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("value") if "value" in pattern.groupindex else match.span()
            if kind == "nhs_number" and not nhs_number_valid(match.group()):
                continue
            found.append((start, end, kind, label))
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str, str]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _apply(text: str, index: int, known: Known, known_re: re.Pattern[str] | None) -> tuple[str, list[Replacement]]:
    out, made, last = [], [], 0
    for start, end, kind, label in _spans(text, known, known_re):
        out += [text[last:start], label]
        made.append(Replacement(index, kind, text[start:end], label))
        last = end
    out.append(text[last:])
    return "".join(out), made


def name_like_words(turns: Sequence[Turn]) -> list[tuple[str, int]]:
    """Capitalised words left that are not common words and not the first word of a sentence, with counts."""
    counts: Counter[str] = Counter()
    for turn in turns:
        for value in (turn.speaker, turn.text):
            for match in _NAME_LIKE.finditer(value):
                word = match.group()
                before = value[: match.start()].rstrip()
                sentence_start = not before or before[-1] in '.!?:"“‘(…'
                if word in COMMON_WORDS or (sentence_start and value is turn.text):
                    continue
                counts[word] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def pseudonymise(
    turns: Sequence[Turn], *, participants: dict[str, str] | None = None, known: Iterable[tuple[str, str, str]] = ()
) -> Result:
    """Replace what is known to identify, in every turn's text and speaker label.

    `participants` maps names given at upload to their codes; a speaker label that is such a name becomes
    the bare code (J1), the usual way a transcript names its speakers.
    """
    participants = participants or {}
    table = Known.build([*participant_terms(participants), *known])
    known_re = _known_pattern(table)
    by_name = {" ".join(n.split()).lower(): code for n, code in participants.items()}
    result = Result(turns=[])
    for index, turn in enumerate(turns):
        speaker = turn.speaker
        code = by_name.get(" ".join(speaker.split()).lower())
        if code is not None:
            result.replacements.append(Replacement(-1, "participant", speaker, code))
            speaker = code
        else:
            speaker, made = _apply(speaker, -1, table, known_re)
            result.replacements.extend(made)
        text, made = _apply(turn.text, index, table, known_re)
        result.replacements.extend(made)
        result.turns.append(Turn(speaker, text))
    result.name_like = name_like_words(result.turns)
    return result
