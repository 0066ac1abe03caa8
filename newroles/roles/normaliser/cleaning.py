"""Cleaning a raw staff-record title into matching keys: lower case, spelling drift, band and grade
text, restriction tags, training words, abbreviations (those that depend on the words around them
too), seniority words, and segments at team, ward and site separators. Pure Python."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .tables import (
    _ABBREVIATIONS,
    _AMBIGUOUS_TITLES,
    _PA_CLINICAL,
    _PA_PERSONAL,
    _SENIORITY,
    _STOPWORDS,
    _STR_MEDICAL,
    _TAG_WORDS,
    _TRAINING_WORDS,
)


@dataclass(frozen=True, slots=True)
class CleanedTitle:
    """A title after cleaning: its segments (title first, then team/ward/site parts) and flags."""

    segments: tuple[str, ...]
    in_training: bool
    band: str | None
    psychiatry_doctor: bool  # names psychiatry beside a doctor's word ("ST4 Old Age Psychiatry")


# Spelling drift, applied in order to the whole lower-cased title before it is split into words.
# Each rule has a literal trigger: most titles contain none, and a substring test is far cheaper
# than a regex scan (this keeps the exact-alias path above 20,000 titles a second).
_SPELLING: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (trigger, re.compile(pattern), replacement)
    for trigger, pattern, replacement in (
        ("well", r"well[\s\-]+being", "wellbeing"),
        ("educational", r"\beducational\b", "education"),
        ("&", r"&", " and "),
        ("+", r"\+", " and "),
        ("care", r"\bhealth[\s\-]+care\b", "healthcare"),
        ("ordinator", r"\bco[\s\-]?ordinator", "coordinator"),
        ("pract", r"\bpract(?:ioner|icioner|itoner|itionner|icionner|tioner)s?\b", "practitioner"),
        ("speciality", r"\bspeciality\b", "specialty"),
        ("behavioral", r"\bbehavioral\b", "behavioural"),
        ("physician", r"\bphysician'?s\b", "physician"),
        ("medical", r"\bnon[\s\-]+medical\b", "non medical"),
        ("multi", r"\bmulti[\s\-]*professional\b", "multi professional"),
        ("dietician", r"\bdietician\b", "dietitian"),
        ("coun", r"\bcoun(?:cill?or|sel+or)\b", "counsellor"),
        ("psych", r"\bpsych\.? nurse\b", "psychiatric nurse"),
        ("young", r"\bchildren\s+(?:and\s+)?young\s+people'?s?", "childrens"),
        ("child", r"\bchild(?:ren)?'?s\b", "childrens"),
        ("clin", r"\bclin\.?\s+psych(?:ologist)?\b", "clinical psychologist"),
        ("recovery", r"\bsupport,?\s*time,?\s*(?:and\s+)?recovery\b", "support time recovery"),
        ("s/n", r"\bs/n\b", "staff nurse"),
    )
)

# Agenda for Change band or grade written in the title; group 1 is the band.
_BAND_RE = re.compile(
    r"\b(?:(?:agenda\s+for\s+change\s+|afc\s*)?(?:band|grade|afc)\s*:?\s*(8\s?[a-d]|[1-9])"
    r"(?:\s*(?:[\-/]|to)\s*(?:8\s?[a-d]|[1-9]))?"
    r"|b\s?(8[a-d]|[1-9])"
    r"|(8[a-d]))\b"
)

# Training words (the words themselves are in roles/data/normaliser.toml): single words are looked up per
# word; phrases need a regex, run only when one of their trigger substrings is in the title (most titles
# have none, and this is the hot path). "resident doctor" is the current name for a doctor in training.
_TRAINING_PHRASES_RE = re.compile(
    r"\b(?:in\s+training|pre\s*reg(?:istration)?|core\s+trainee|specialty\s+registrar|specialist\s+registrar|"
    r"higher\s+trainee|resident\s+doctors?|foundation\s+(?:year|doctor|trainee)|foundation(?=\s+pharmacist)|"
    r"degree\s+apprentice)\b"
)
_TRAINING_TRIGGERS = ("training", "reg", "trainee", "resident", "foundation", "apprentice")

# ESR restriction and contract tags: the same split into words (in the data file) and gated phrases.
_TAG_PHRASES_RE = re.compile(
    r"\b(?:fixed\s+term(?:\s+contract)?|maternity\s+(?:cover|leave)|mat\s+(?:cover|leave)|career\s+break|"
    r"zero\s+hours?|newly\s+qualified|job\s+share|part\s+time|full\s+time|new\s+post|bank\s+only)\b"
)
_TAG_TRIGGERS = ("term", "cover", "leave", "break", "zero", "newly", "share", "time", "new post", "only")

# Doctors: the words that make "psychiatry" in a title mean a psychiatrist, not a team.
_DOCTOR_RE = re.compile(
    r"\b(?:doctor|dr|consultant|registrar|specialty\s+doctor|locum|fellow|medic|medical|clinical\s+fellow|"
    r"ct[1-3]|st[1-8]|core\s+trainee|higher\s+trainee|spr|associate\s+specialist|staff\s+grade)\b"
)
_PSYCHIATRY_RE = re.compile(r"\bpsychiatry\b|\bpsychiatric\b(?!\s+(?:nurse|nursing|liaison\s+nurse))")

# Team, ward and site separators: " - ", "|", " / ", ":", ",", ";", " @ ".
_SEPARATORS = str.maketrans(dict.fromkeys(";:,@", "|"))
_UNICODE_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_DIGIT_RE = re.compile(r"\d")
_CAMEL_RE = re.compile(r"(?<=[a-z]{2})(?=[A-Z])")  # not "StR" (specialty registrar)
_NON_WORD_RE = re.compile(r"[^a-z0-9\s|]+")

# Words dropped from every segment before matching.
_DROPPED = _SENIORITY | _STOPWORDS | _TAG_WORDS | _TRAINING_WORDS


def _has_training_phrase(text: str) -> bool:
    return any(trigger in text for trigger in _TRAINING_TRIGGERS) and _TRAINING_PHRASES_RE.search(text) is not None


def _expand_context(tokens: list[str], title_words: set[str], band: str | None, in_training: bool) -> list[str]:
    """Expand the abbreviations whose meaning depends on the words around them (NA, PA, STR, SW).

    tokens is one segment; title_words all words of the title, since the context is often in another
    segment ("PA - Psychiatry")."""
    out: list[str] = []
    words = title_words
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok == "pa":
            if nxt == "to" or words & _PA_PERSONAL:
                out.append("personal assistant")
            elif words & _PA_CLINICAL or in_training:
                out.append("physician associate")
            else:
                out.append("pa")  # left ambiguous: a code or job role may settle it
        elif tok == "na":
            # Nursing associates are band 4 and trained; nursing assistants are bands 2-3.
            if in_training or band == "4" or "registered" in words:
                out.append("nursing associate")
            elif band in {"2", "3"}:
                out.append("nursing assistant")
            else:
                out.append("na")
        elif tok == "str":
            if words & _STR_MEDICAL:
                out.append("specialty registrar")
            else:
                out.append("support time recovery worker" if nxt != "worker" else "support time recovery")
        elif tok == "sw":
            others = set(tokens) - _SENIORITY - {"sw"}
            out.append("social worker" if not others or others <= {"amhp", "student"} else "sw")
        else:
            out.append(_ABBREVIATIONS.get(tok, tok))
    return out


def clean_title(title: str | None) -> CleanedTitle:
    """Clean a raw title into matching keys, one per segment, with the flags found on the way.

    String methods do most of the work and each regex runs once per title, because an extract has
    tens of thousands of distinct titles."""
    if not title:
        return CleanedTitle((), False, None, False)
    text = title if title.islower() or title.isupper() else _CAMEL_RE.sub(" ", title)  # "StaffNurse"
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_UNICODE_PUNCTUATION)
    for trigger, pattern, replacement in _SPELLING:
        if trigger in text:
            text = pattern.sub(replacement, text)

    band: str | None = None
    if _DIGIT_RE.search(text):  # every band pattern has a digit
        bands: list[str] = []

        def take_band(match: re.Match[str]) -> str:
            bands.append(next(g for g in match.groups() if g).replace(" ", ""))
            return " "

        text = _BAND_RE.sub(take_band, text)
        band = bands[0] if bands else None

    # Segments: " - ", "|", " / ", ";", ":", ",", "@" separate title, team, ward and site.
    text = " ".join(text.translate(_SEPARATORS).split())
    text = text.replace(" / ", "|").replace(" -", "|").replace("- ", "|").replace("'", "")
    text = _NON_WORD_RE.sub(" ", text)
    if any(trigger in text for trigger in _TAG_TRIGGERS):
        text = _TAG_PHRASES_RE.sub(" ", text)
    parts = [part.split() for part in text.split("|")]
    title_words = {word for tokens in parts for word in tokens}
    pre_training = not title_words.isdisjoint(_TRAINING_WORDS) or _has_training_phrase(text)
    expanded = " | ".join(" ".join(_expand_context(tokens, title_words, band, pre_training)) for tokens in parts)
    # Flags read after expansion, so "TNA" counts as training and "StR" as a doctor.
    in_training = pre_training or _has_training_phrase(expanded)
    psychiatry_doctor = (
        "psychiat" in expanded
        and _PSYCHIATRY_RE.search(expanded) is not None
        and _DOCTOR_RE.search(expanded) is not None
    )
    if in_training:
        expanded = _TRAINING_PHRASES_RE.sub(" ", expanded)

    segments: list[str] = []
    for part in expanded.split("|"):
        kept: list[str] = []
        for tok in part.split():
            if tok in _DROPPED or not tok.isalpha():
                continue
            if kept and kept[-1] == tok:  # "STR worker" -> "... recovery worker worker"
                continue
            kept.append(tok)
        if kept:
            segments.append(" ".join(kept))
    return CleanedTitle(tuple(segments), in_training, band, psychiatry_doctor)


def is_ambiguous_title(title: str) -> bool:
    """Whether a title, cleaned, is one that could mean more than one role ("NA", "Approved Clinician"):
    the normaliser answers it only with a code as evidence, and so must every exact-title lookup."""
    segments = clean_title(title or "").segments
    return bool(segments) and segments[0] in _AMBIGUOUS_TITLES
