"""Turn messy staff-record job titles into canonical role slugs from the role catalogue.

Staff-record (ESR) coding of new roles is erratic: one role appears under many titles, job roles and
occupation codes, and ESR does not link them, so any combination can be entered. This module reads a
title (and, when present, the ESR job role and NHS occupation code) and answers with a catalogue slug,
a confidence between 0 and 1, how it got there, and flags. It abstains rather than guess: a wrong
role in a national count is worse than an unresolved title, which a person can resolve once and
turn into an alias.

The steps, in the order they are tried for a title:

1. cleaning: lower case, spelling drift, band and grade text, restriction tags, training words,
   abbreviations, seniority words, split into segments at team/ward/site separators; then each
   unknown word is split ("staffnurse") or corrected ("pyschologist") against the catalogue's words;
2. an exact alias (a trust's own learned aliases first, then the catalogue's names and aliases,
   then the supplementary aliases below);
3. rules: titles that are not a catalogue role (administrative, other professions), the longest
   catalogue phrase found inside the title, and ambiguous abbreviations;
4. fuzzy matching (rapidfuzz, Damerau-Levenshtein) over names and aliases, above a calibrated
   cutoff, for misspellings the word-by-word corrector in step 1 could not fix.

Codes are evidence beside the title: an occupation code or job role that denotes a role confirms
the title (higher confidence), answers alone when the title says nothing ("Band 4", "Practitioner"),
settles an ambiguous title ("NA" coded as a nursing associate), and is flagged when it contradicts
the title (a clinical associate in psychology coded as a nursing support worker).

Pure Python: no Django import, so the importer, the CLI and the benchmark share it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

__all__ = [
    "FUZZY_CUTOFF",
    "METHODS",
    "CleanedTitle",
    "Match",
    "Normaliser",
    "OccupationCode",
    "clean_title",
    "load_catalogue_roles",
    "load_occupation_codes",
    "normalise_csv",
]

METHODS = ("code", "exact_alias", "rule", "fuzzy", "abstain")

# --------------------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------------------

# Lowest fuzzy score (Damerau-Levenshtein similarity of the word-sorted cleaned title to a name or
# alias, 0-100) at which a fuzzy match answers. Calibrated on tests/data/labelled_titles.csv by 5-fold
# cross-validation (test_fuzzy_cutoff_is_calibrated): on each four folds, the lowest cutoff whose
# fuzzy answers reach 0.95 precision; the folds chose 81-82. Set one point above, because fuzzy
# answers are few (15 of the 965 rows): every right fuzzy match there scores >= 84.6 and the nearest
# near miss ("Sports Therapist" -> arts therapist) 81.2.
FUZZY_CUTOFF = 83.0
# A fuzzy winner must beat the best different role by this many points, or the title is ambiguous
# ("wellbeing practitioner" is as close to three roles).
FUZZY_MARGIN = 4.0
# Answers whose final confidence falls below this are returned as abstentions.
ANSWER_THRESHOLD = 0.5
# A title answer at least this confident stands against a contradicting code.
CONFIDENT_TITLE = 0.75

CONF_EXACT = 0.98
CONF_TRUST_ALIAS = 0.99
CONF_PHRASE = 0.92  # a catalogue phrase inside a longer title ("Peer Support Worker PICU")
CONF_SUPPLEMENTARY = 0.9
CONF_PSYCHIATRY_RULE = 0.88
FUZZY_CONF_LOW, FUZZY_CONF_HIGH = 0.6, 0.85
# A code speaking alone is weaker than a title: codes are entered from a short list, often the
# nearest one rather than the right one.
CODE_ONLY_GENERIC_FACTOR = 0.9  # title says nothing about the role ("Band 4", "Practitioner")
CODE_ONLY_UNKNOWN_FACTOR = 0.7  # title names something the catalogue does not know


# --------------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------------


class OccupationCode(NamedTuple):
    """One NHS occupation code (NHS Occupation Code Manual v22.1, NHS England, OGL v3.0)."""

    name: str
    level: str
    detailed_staff_group: str
    valid: bool


@dataclass(frozen=True, slots=True)
class Match:
    """The normaliser's answer for one (title, job role, occupation code).

    method says where the answer came from: "exact_alias", "rule" or "fuzzy" when the title resolved
    (a code that agrees raises the confidence but leaves the method); "code" when the occupation code
    or job role answered because the title was generic, ambiguous or weak; "abstain" when slug is
    None. candidates lists the likeliest roles with scores, also when abstaining, for whoever resolves
    the title by hand. cleaned is the cleaned title segment the answer rests on.
    """

    slug: str | None
    confidence: float
    method: str  # one of METHODS
    in_training: bool
    band_in_title: str | None
    code_conflict: bool
    cleaned: str
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class CleanedTitle:
    """A title after cleaning: its segments (title first, then team/ward/site parts) and flags."""

    segments: tuple[str, ...]
    in_training: bool
    band: str | None
    psychiatry_doctor: bool  # names psychiatry beside a doctor's word ("ST4 Old Age Psychiatry")


# --------------------------------------------------------------------------------------------------
# Loading reference data
# --------------------------------------------------------------------------------------------------


def load_occupation_codes(path: str | Path) -> dict[str, OccupationCode]:
    """Read the occupation code lookup CSV into code -> OccupationCode.

    Source: NHS England, NHS Occupation Code Manual v22.1, Open Government Licence v3.0.
    """
    codes: dict[str, OccupationCode] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            codes[row["occupation_code"].strip().upper()] = OccupationCode(
                name=row["occupation_code_name"].strip(),
                level=row["occupation_level"].strip(),
                detailed_staff_group=row["detailed_staff_group"].strip(),
                valid=row["is_currently_valid"].strip().lower() in {"true", "1", "yes", "y"},
            )
    return codes


def load_catalogue_roles(path: str | Path) -> list[dict[str, Any]]:
    """Read the roles list from a catalogue.json file (schema in roles/data/SCHEMA.md)."""
    with open(path, encoding="utf-8") as handle:
        return list(json.load(handle)["roles"])


# --------------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------------

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

# Words that say the post-holder is training for the role; flagged, then dropped before matching.
# ct1-3 / st1-8 / fy1-2 are doctors' training grades; "resident doctor" is the current name for a
# doctor in training. Single words are looked up per word; phrases need a regex, run only when one
# of their trigger substrings is in the title (most titles have none, and this is the hot path).
_TRAINING_WORDS = frozenset(
    {
        "trainee",
        "trainees",
        "apprentice",
        "apprentices",
        "apprenticeship",
        "student",
        "students",
        "tna",
        "tpwp",
        "tcwp",
        "temhp",
        "tmhwp",
        "spr",
        "rnda",
        "nda",
        "prereg",
        "preregistration",
        "fy1",
        "fy2",
    }
    | {f"ct{i}" for i in range(1, 4)}
    | {f"st{i}" for i in range(1, 9)}
)
_TRAINING_PHRASES_RE = re.compile(
    r"\b(?:in\s+training|pre\s*reg(?:istration)?|core\s+trainee|specialty\s+registrar|specialist\s+registrar|"
    r"higher\s+trainee|resident\s+doctors?|foundation\s+(?:year|doctor|trainee)|foundation(?=\s+pharmacist)|"
    r"degree\s+apprentice)\b"
)
_TRAINING_TRIGGERS = ("training", "reg", "trainee", "resident", "foundation", "apprentice")

# ESR restriction and contract tags, and other words that never change the role; the same split
# into words and gated phrases.
_TAG_WORDS = frozenset(
    {
        "bank",
        "ftc",
        "secondment",
        "seconded",
        "locum",
        "pool",
        "acting",
        "temp",
        "temporary",
        "interim",
        "honorary",
        "hon",
        "agency",
        "relief",
        "perm",
        "permanent",
        "preceptee",
        "preceptorship",
        "nq",
        "rotational",
        "rotation",
        "night",
        "nights",
        "day",
        "days",
        "vacancy",
        "vacant",
        "wte",
        "fte",
        "hrs",
        "hours",
    }
)
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

# Context-free abbreviations, word -> expansion.
_ABBREVIATIONS: dict[str, str] = {
    "psw": "peer support worker",
    "mhp": "mental health practitioner",
    "acp": "advanced clinical practitioner",
    "anp": "advanced nurse practitioner",
    "mpac": "multi professional approved clinician",
    "nmrc": "non medical responsible clinician",
    "mhwp": "mental health wellbeing practitioner",
    "cap": "clinical associate psychologist",
    "cwp": "childrens wellbeing practitioner",
    "emhp": "education mental health practitioner",
    "app": "associate psychological practitioner",
    "pwp": "psychological wellbeing practitioner",
    "tpwp": "psychological wellbeing practitioner",
    "tcwp": "childrens wellbeing practitioner",
    "temhp": "education mental health practitioner",
    "tmhwp": "mental health wellbeing practitioner",
    "amhp": "approved mental health professional",
    "rmn": "registered mental health nurse",
    "cpn": "community psychiatric nurse",
    "hca": "healthcare assistant",
    "hcsw": "healthcare support worker",
    "csw": "clinical support worker",
    "ot": "occupational therapist",
    "hit": "high intensity therapist",
    "hi": "high intensity",
    "mh": "mental health",
    "cyp": "childrens",
    "splw": "social prescribing link worker",
    "hwbc": "health wellbeing coach",
    "physio": "physiotherapist",
    "occ": "occupational",
    "clin": "clinical",
    "assoc": "associate",
    "asst": "assistant",
    "snr": "senior",
    "sr": "senior",
    "mgr": "manager",
    "cons": "consultant",
    "rgn": "registered general nurse",
    "rnld": "learning disability nurse",
    "ld": "learning disability",
    "rc": "responsible clinician",
    "tna": "nursing associate",
    "rna": "registered nursing associate",
    "dr": "doctor",
    "psychol": "psychologist",
    "cbt": "cbt",
}

# "PA" means physician associate beside clinical words, personal assistant beside these.
_PA_PERSONAL = frozenset(
    {
        "to",
        "personal",
        "secretary",
        "exec",
        "executive",
        "director",
        "ceo",
        "chief",
        "chair",
        "board",
        "admin",
        "administrator",
        "office",
    }
)
_PA_CLINICAL = frozenset(
    {
        "psychiatry",
        "psychiatric",
        "medicine",
        "medical",
        "mental",
        "physical",
        "clinical",
        "physician",
        "inpatient",
        "liaison",
    }
)
# "STR" means specialty registrar (a doctor) beside these, else support, time and recovery.
_STR_MEDICAL = frozenset({"psychiatry", "psychiatric", "medicine", "medical", "registrar", "doctor", "psych"})

# Words that rank a post but do not change the role ("Senior Peer Support Worker" is a peer support
# worker). "Consultant", "advanced", "assistant" and "specialist" are not here: they name other roles
# (nurse consultant, advanced practitioner, assistant psychologist) or are kept for phrases.
_SENIORITY = frozenset({"senior", "principal", "lead", "deputy", "junior", "qualified", "registered"})
_STOPWORDS = frozenset({"and", "of", "in", "the", "for", "with", "a", "an", "at", "on", "within", "band"})
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


# --------------------------------------------------------------------------------------------------
# Rule tables
# --------------------------------------------------------------------------------------------------

# Titles the catalogue may not list that mean one of its roles. Used only for slugs the catalogue
# has; the catalogue's own aliases come first.
SUPPLEMENTARY_ALIASES: dict[str, tuple[str, ...]] = {
    "peer_support_worker": (
        "peer support worker",
        "peer worker",
        "peer support",
        "peer mentor",
        "peer specialist",
        "peer supporter",
        "peer support practitioner",
        "peer recovery worker",
        "peer coach",
        "lived experience practitioner",
        "lived experience worker",
        "lived experience peer",
    ),
    "mental_health_practitioner": ("mental health practitioner", "primary care mental health practitioner"),
    "nursing_associate": ("nursing associate", "nurse associate", "registered nursing associate"),
    "physician_associate": (
        "physician associate",
        "physician assistant",
        "mental health physician associate",
    ),
    "advanced_practitioner": (
        "advanced practitioner",
        "advanced clinical practitioner",
        "advanced nurse practitioner",
        "advanced practice nurse",
        "advanced mental health practitioner",
    ),
    "multi_professional_approved_clinician": (
        "multi professional approved clinician",
        "non medical responsible clinician",
        "non medical approved clinician",
        "approved clinician non medical",
        "responsible clinician non medical",
    ),
    "mental_health_wellbeing_practitioner": (
        "mental health wellbeing practitioner",
        "adult mental health wellbeing practitioner",
    ),
    "clinical_associate_in_psychology": (
        "clinical associate psychology",
        "clinical associate psychologist",
        "clinical associate applied psychology",
    ),
    "childrens_wellbeing_practitioner": ("childrens wellbeing practitioner",),
    "education_mental_health_practitioner": ("education mental health practitioner",),
    "associate_psychological_practitioner": ("associate psychological practitioner",),
    "psychological_wellbeing_practitioner": ("psychological wellbeing practitioner",),
    "paramedic": ("paramedic", "mental health paramedic", "paramedic practitioner"),
    "social_prescribing_link_worker": (
        "social prescribing link worker",
        "social prescriber",
        "link worker",
        "social prescribing worker",
    ),
    "health_and_wellbeing_coach": ("health wellbeing coach", "wellbeing coach", "health coach"),
    "mental_health_nurse": (
        "mental health nurse",
        "registered mental health nurse",
        "nurse",
        "staff nurse",
        "community psychiatric nurse",
        "community mental health nurse",
        "psychiatric nurse",
        "charge nurse",
        "ward sister",
        "sister",
        "ward manager",
        "matron",
        "modern matron",
        "nurse manager",
        "clinical nurse specialist",
        "nurse specialist",
        "nurse prescriber",
        "community nurse",
    ),
    "psychiatrist": (
        "psychiatrist",
        "consultant psychiatrist",
        "medical psychotherapist",
    ),
    "clinical_psychologist": ("clinical psychologist", "consultant clinical psychologist"),
    "assistant_psychologist": ("assistant psychologist", "psychology assistant", "assistant clinical psychologist"),
    "occupational_therapist": ("occupational therapist",),
    "social_worker": ("social worker", "mental health social worker"),
    "approved_mental_health_professional": (
        "approved mental health professional",
        "approved mental health practitioner",
    ),
    "healthcare_support_worker": (
        "healthcare support worker",
        "healthcare assistant",
        "nursing assistant",
        "support worker",
        "clinical support worker",
        "nursing auxiliary",
        "mental health support worker",
        "care assistant",
        "nursing support worker",
        "ward assistant",
    ),
    "support_time_recovery_worker": ("support time recovery worker", "support time recovery"),
    "pharmacist": ("pharmacist", "clinical pharmacist"),
    "nurse_consultant": ("nurse consultant", "consultant nurse"),
    "cbt_therapist": (
        "cbt therapist",
        "cognitive behavioural therapist",
        "cognitive behavioural psychotherapist",
        "high intensity therapist",
        "high intensity cbt therapist",
        "cbt psychotherapist",
        "high intensity cognitive behavioural therapist",
    ),
    "counsellor": ("counsellor",),
    "psychotherapist": (
        "psychotherapist",
        "family therapist",
        "systemic psychotherapist",
        "systemic family therapist",
        "family systemic psychotherapist",
        "childrens psychotherapist",
        "child adolescent psychotherapist",
    ),
    "physiotherapist": ("physiotherapist",),
    "dietitian": ("dietitian",),
    "arts_therapist": (
        "arts therapist",
        "art therapist",
        "art psychotherapist",
        "music therapist",
        "drama therapist",
        "dramatherapist",
        "dance movement psychotherapist",
        "music psychotherapist",
    ),
}

# Phrases that make a longer title a multi-professional approved clinician ("Clinical Psychologist
# (Approved Clinician)"); a psychiatrist who is an approved clinician stays a psychiatrist (_REFINES).
_QUALIFIER_PHRASES: dict[str, str] = {
    "approved clinician": "multi_professional_approved_clinician",
    "responsible clinician": "multi_professional_approved_clinician",
}

# Titles that must not resolve to a catalogue role even if they contain a role's words: non-clinical
# posts, professions the catalogue does not hold, and support posts to a profession (an
# "Occupational Therapy Assistant" is not an occupational therapist). Checked after exact aliases, so a
# trust can still teach the normaliser an exception.
_NOT_A_ROLE_RE = re.compile(
    r"\b(?:personal\s+assistant|secretary|secretarial|administrator|admin|administration|administrative|"
    r"receptionist|reception|clerk|clerical|typist|medical\s+records|coder|porter|domestic|housekeeper|"
    r"housekeeping|cleaner|catering|chef|cook|estates|maintenance|electrician|plumber|gardener|driver|"
    r"finance|accountant|payroll|hr|human\s+resources|recruitment|workforce|analyst|data|information|"
    r"governance|director|chief\s+executive|ceo|chair|chairman|non\s+executive|governor|volunteer|"
    r"chaplain|chaplaincy|facilities|security|procurement|communications|librarian|head|business|"
    r"project|programme|officer|midwife|midwifery|health\s+visitor|podiatrist|chiropodist|optometrist|"
    r"dentist|dental|radiographer|orthoptist|audiologist|phlebotomist|"
    # Nurses of other fields: the catalogue's nurse is the mental health nurse.
    r"learning\s+disabilit(?:y|ies)\s+nurse|general\s+nurse|adult\s+nurse|childrens\s+nurse|"
    r"paediatric\s+nurse|school\s+nurse|district\s+nurse|practice\s+nurse|theatre\s+nurse|nursery\s+nurse|"
    r"physical\s+health\s+nurse|infection\s+(?:prevention\s+|control\s+)+nurse|tissue\s+viability|"
    r"occupational\s+health|"
    r"assistant\s+practitioner|technical\s+instructor|educator|facilitator|"
    r"trainer|tutor|lecturer|teacher|employment\s+(?:specialist|advisor|adviser)|housing|"
    r"care\s+coordinator|activities?\s+(?:coordinator|worker|assistant)|bed\s+manager|team\s+manager|"
    r"service\s+manager|operational|operations|"
    # Support posts to a profession are not that profession.
    r"(?:occupational\s+therap\w*|physiotherap\w*|pharmacy|dietetic\w*|social\s+work|art\s+therapy|"
    r"arts\s+therapies|speech\s+(?:language\s+)?therapy)\s+(?:assistant|support\s+worker|helper|support)|"
    r"(?:occupational\s+therap\w*|physiotherap\w*|dietetic\w*)\s+technician|"
    r"(?:assistant|support\s+worker|helper)\s+(?:occupational\s+therap\w*|physiotherap\w*|social\s+work)|"
    r"(?:maintenance|estates|it|ict|lab|laboratory)\s+technician)\b"
)

# Exact titles that could mean more than one role: abstain unless a code settles it. A catalogue
# alias of the same spelling does not override this (the catalogue may list "NA" for nursing
# associate, but in staff records NA as often means nursing assistant); a trust's own alias does.
_AMBIGUOUS_TITLES: dict[str, tuple[str, ...]] = {
    "na": ("nursing_associate", "healthcare_support_worker"),
    "pa": ("physician_associate",),
    "ap": ("advanced_practitioner",),  # as often an assistant practitioner, a role the catalogue lacks
    "wellbeing practitioner": (
        "mental_health_wellbeing_practitioner",
        "childrens_wellbeing_practitioner",
        "psychological_wellbeing_practitioner",
    ),
    "associate psychologist": ("clinical_associate_in_psychology", "associate_psychological_practitioner"),
    "psychological practitioner": (
        "associate_psychological_practitioner",
        "psychological_wellbeing_practitioner",
    ),
    "specialty registrar": ("psychiatrist",),
    "associate nurse": ("nursing_associate", "mental_health_nurse"),
}

# Phrases so general that they name a catalogue role only beside setting words.
_WEAK_PHRASES = frozenset({"support worker"})

# Marks an ambiguous phrase among the phrase table's slugs.
_AMBIGUOUS_MARK = "?"

# Cleaned keys that name a discipline or service, not a post: an alias that cleans down to one of
# these ("Core Trainee in Psychiatry" -> "psychiatry") would make every team name match.
_NOT_ALIAS_KEYS = frozenset(
    {
        "psychiatry",
        "psychology",
        "nursing",
        "medicine",
        "pharmacy",
        "social work",
        "occupational therapy",
        "mental health",
        "doctor",
        "resident doctor",
        "resident doctor psychiatry",
    }
)

# Words that say nothing about which role: a title made only of these (and setting words) is
# generic ("Practitioner", "Band 6 Clinician - Crisis Team", "Bank Staff").
_GENERIC_WORDS = frozenset(
    """practitioner clinician clinical worker team member staff manager leader coordinator assistant
    associate specialist therapist consultant doctor specialty community crisis home treatment
    inpatient outpatient ward unit service services mental health adult adults older people young
    children childrens adolescent camhs cmht picu forensic perinatal liaison early intervention eip
    recovery access acute hub north south east west central locality night day duty general psychiatry
    multidisciplinary mdt support care trust nhs hospital site base other generic various floating
    post role vacancy practice psychological psychology nursing nurses therapies therapy medical
    employee person bank pool locum trainee apprentice student interim new senior lead""".split()  # noqa: SIM905
)

# Setting and team words: they never name a role, so the spelling corrector must leave them alone.
_KNOWN_WORDS = _GENERIC_WORDS | frozenset(
    """ward wards unit clinic team teams hub base north south east west city county district borough
    locality liaison crisis eating disorders disorder dementia memory perinatal forensic secure rehab
    rehabilitation substance misuse drug alcohol addiction addictions homeless homelessness prison
    gender identity neuro neurodevelopmental autism adhd psychosis personality veterans talking iapt
    primary secondary schools school college university universities learning disability disabilities
    older adult infant parent family carers carer discharge assessment triage intake gateway
    placement placements step down step up high dependency low intensity high intensity picu
    urgent emergency department ed hospital hospitals centre center house lodge court road street
    nights days weekend weekends registered qualified""".split()  # noqa: SIM905
)

# Every word the rules themselves look for: the spelling corrector must never turn one of them into
# something else ("personal" is not a misspelt "person").
_RULE_WORDS = (
    _KNOWN_WORDS
    | frozenset(re.findall(r"[a-z]{3,}", _NOT_A_ROLE_RE.pattern))
    | frozenset(w for expansion in _ABBREVIATIONS.values() for w in expansion.split())
    | frozenset(w for title in _AMBIGUOUS_TITLES for w in title.split())
    | _PA_PERSONAL
    | _PA_CLINICAL
    | _STR_MEDICAL
    | frozenset(
        {
            "personal",
            "assistant",
            "physician",
            "associate",
            "psychiatry",
            "psychiatric",
            "specialty",
            "registrar",
            "nursing",
            "nurse",
            "doctor",
        }
    )
)

# A role that refines another: when a title names both ("Social Worker (AMHP)", "Mental Health
# Practitioner - RMN"), the refined role is the answer.
_REFINES: dict[str, frozenset[str]] = {
    "approved_mental_health_professional": frozenset(
        {"social_worker", "mental_health_nurse", "occupational_therapist", "clinical_psychologist"}
    ),
    "multi_professional_approved_clinician": frozenset(
        {
            "mental_health_nurse",
            "clinical_psychologist",
            "occupational_therapist",
            "social_worker",
            "nurse_consultant",
            "advanced_practitioner",
            "cbt_therapist",
            "psychotherapist",
            "arts_therapist",
        }
    ),
    "nurse_consultant": frozenset({"mental_health_nurse"}),
    "advanced_practitioner": frozenset(
        {
            "mental_health_nurse",
            "pharmacist",
            "paramedic",
            "occupational_therapist",
            "physiotherapist",
            "social_worker",
            "mental_health_practitioner",
        }
    ),
    "mental_health_practitioner": frozenset({"mental_health_nurse", "occupational_therapist", "social_worker"}),
    "cbt_therapist": frozenset({"mental_health_nurse", "psychotherapist", "counsellor"}),
    "psychotherapist": frozenset({"mental_health_nurse"}),
    "arts_therapist": frozenset({"psychotherapist"}),
    "peer_support_worker": frozenset({"healthcare_support_worker", "support_time_recovery_worker"}),
    "support_time_recovery_worker": frozenset({"healthcare_support_worker"}),
    "nursing_associate": frozenset({"healthcare_support_worker"}),
    "physician_associate": frozenset({"mental_health_practitioner"}),
    "education_mental_health_practitioner": frozenset({"mental_health_practitioner"}),
    # A psychiatrist who is an approved clinician is a psychiatrist.
    "psychiatrist": frozenset({"psychotherapist", "multi_professional_approved_clinician"}),
}

# Roles a person holds on top of a profession: a code for that profession does not contradict them.
_HELD_WITH_A_PROFESSION = frozenset(
    {
        "approved_mental_health_professional",
        "multi_professional_approved_clinician",
        "nurse_consultant",
        "advanced_practitioner",
        "mental_health_practitioner",
        "cbt_therapist",
        "psychotherapist",
    }
)

# Staff groups a role's post-holders are legitimately coded under besides the catalogue's own
# staff_group: roles open to several professions, and psychology roles whose trainee or associate
# posts are coded as support to ST&T staff.
_NURSES = "Nurses & health visitors"
_STT = "Scientific, therapeutic & technical staff"
_SUPPORT_STT = "Support to ST&T staff"
_SUPPORT_NURSES = "Support to doctors, nurses & midwives"
_EXTRA_STAFF_GROUPS: dict[str, frozenset[str]] = {
    "mental_health_practitioner": frozenset({_NURSES, _STT}),
    "advanced_practitioner": frozenset({_NURSES, _STT, "Ambulance staff"}),
    "multi_professional_approved_clinician": frozenset({_NURSES, _STT}),
    "approved_mental_health_professional": frozenset({_NURSES, _STT}),
    "cbt_therapist": frozenset({_NURSES, _STT}),
    "psychotherapist": frozenset({_NURSES, _STT, "HCHS doctors"}),
    "counsellor": frozenset({_NURSES, _STT}),
    "nurse_consultant": frozenset({_NURSES}),
    "peer_support_worker": frozenset({_SUPPORT_NURSES, _SUPPORT_STT}),
    "support_time_recovery_worker": frozenset({_SUPPORT_NURSES, _SUPPORT_STT}),
    "healthcare_support_worker": frozenset({_SUPPORT_NURSES, _SUPPORT_STT}),
    "social_prescribing_link_worker": frozenset({_SUPPORT_NURSES, _SUPPORT_STT, "NHS infrastructure support"}),
    "health_and_wellbeing_coach": frozenset({_SUPPORT_NURSES, _SUPPORT_STT, "NHS infrastructure support"}),
    "paramedic": frozenset({"Ambulance staff", _STT}),
    "clinical_associate_in_psychology": frozenset({_STT, _SUPPORT_STT}),
    "associate_psychological_practitioner": frozenset({_STT, _SUPPORT_STT}),
    "psychological_wellbeing_practitioner": frozenset({_STT, _SUPPORT_STT}),
    "mental_health_wellbeing_practitioner": frozenset({_STT, _SUPPORT_STT}),
    "childrens_wellbeing_practitioner": frozenset({_STT, _SUPPORT_STT}),
    "education_mental_health_practitioner": frozenset({_STT, _SUPPORT_STT}),
    "assistant_psychologist": frozenset({_STT, _SUPPORT_STT}),
    "clinical_psychologist": frozenset({_STT, _SUPPORT_STT}),
    "physician_associate": frozenset({_STT}),
}

# Detailed staff group of an occupation code -> NWD staff group. None: the group says nothing
# about the role (non-funded staff, general payments, groups split across several NWD groups).
_DETAILED_TO_NWD: dict[str, str | None] = {
    "HCHS doctors": "HCHS doctors",
    "Allied health professionals": _STT,
    "Healthcare scientists": _STT,
    "Other scientific, therapeutic & technical staff": _STT,
    "Support to AHPs": _SUPPORT_STT,
    "Support to healthcare scientists": _SUPPORT_STT,
    "Support to other ST&T staff": _SUPPORT_STT,
    "Nursing support staff": _SUPPORT_NURSES,
    "Nursing, health visiting & midwifery learners": _SUPPORT_NURSES,
    "Health visitors - community health": _NURSES,
    "Midwives": "Midwives",
    "Ambulance staff": "Ambulance staff",
    "Ambulance personnel & trainees": "Support to ambulance staff",
    "Managers": "NHS infrastructure support",
    "Senior managers": "NHS infrastructure support",
    "Clerical & administrative": "NHS infrastructure support",
    "Estates (maintenance & works)": "NHS infrastructure support",
    "Healthcare assistants & support workers": None,
}


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _nwd_group(detailed_staff_group: str) -> str | None:
    if detailed_staff_group.startswith("Nurses - "):
        return _NURSES
    return _DETAILED_TO_NWD.get(detailed_staff_group)


def _specialty(code: OccupationCode) -> str:
    """The care setting or specialty part of an occupation code name ("X in Y" -> "y")."""
    _, sep, tail = code.name.rpartition(" in ")
    return tail.lower() if sep else ""


# Strength of a code's evidence. Specific: the code exists for that role. Profession: the code names
# the profession. Family: the code names a broad kind of post the role is one of.
_SPECIFIC, _PROFESSION, _FAMILY = 0.85, 0.75, 0.6


def _occupation_rule(code: OccupationCode) -> tuple[str | None, float, bool]:
    """What an occupation code says about the role: (slug, strength, in_training), read from its
    level, staff group and specialty. Slugs the catalogue lacks are dropped by the caller."""
    level = code.level
    group = code.detailed_staff_group
    specialty = _specialty(code)
    if level == "Nursing Associate":
        return "nursing_associate", _SPECIFIC, False
    if level == "Student Nursing Associate":
        return "nursing_associate", _SPECIFIC, True
    if level == "Nurse Consultant":
        return "nurse_consultant", _SPECIFIC if group == "Nurses - mental health" else _PROFESSION, False
    if group == "Nurses - mental health":
        return "mental_health_nurse", _PROFESSION, False
    if group == "Nursing support staff" and level in {
        "Healthcare Assistant",
        "Support Worker",
        "Nursing Assistant/Auxiliary",
    }:
        return "healthcare_support_worker", _FAMILY, False
    if group == "HCHS doctors" and ("psychiatry" in specialty or "psychotherapy" in specialty):
        return "psychiatrist", _PROFESSION, False
    qualified = level in {
        "Therapist",
        "Scientist",
        "Consultant Therapist/Scientist",
        "AHP Manager",
        "Other ST&T Manager",
    }
    trainee = level == "Student/Trainee"
    by_specialty = {
        "applied psychology": "clinical_psychologist",
        "occupational therapy": "occupational_therapist",
        "art/music/dramatherapy": "arts_therapist",
        "physiotherapy": "physiotherapist",
        "dietetics": "dietitian",
        "pharmacy": "pharmacist",
    }
    slug = by_specialty.get(specialty)
    if slug and (qualified or trainee):
        return slug, _PROFESSION, trainee
    if specialty == "applied psychology" and level == "Assistant":
        return "assistant_psychologist", _PROFESSION, False
    if group == "Ambulance staff" and "paramedic" in level.lower():
        return "paramedic", _PROFESSION, False
    return None, 0.0, False


# --------------------------------------------------------------------------------------------------
# The normaliser
# --------------------------------------------------------------------------------------------------


class _Evidence(NamedTuple):
    """What a code says: a role (or None), how strongly, training, and the code's own NWD staff group
    (None for job roles, whose role's staff groups stand in)."""

    slug: str | None
    strength: float
    in_training: bool
    group: str | None
    specific: bool  # the code denotes that role, not just a kind of post


_NO_EVIDENCE = _Evidence(None, 0.0, False, None, False)


class _TitleResult(NamedTuple):
    """What the title alone says. kind: resolved, negative, ambiguous, generic, unknown or empty."""

    kind: str
    slug: str | None
    confidence: float
    method: str
    cleaned: str
    candidates: tuple[tuple[str, float], ...]
    in_training: bool  # from an alias marked in training


class _AliasEntry(NamedTuple):
    slugs: tuple[str | None, ...]  # more than one: ambiguous; (None,): known not to be a role
    confidence: float
    in_training: bool


class Normaliser:
    """Resolve titles against a role catalogue. Build once; every table is precomputed here.

    roles: the catalogue's role dicts (schema in roles/data/SCHEMA.md).
    occupation_codes: code -> OccupationCode, e.g. from load_occupation_codes().
    extra_aliases: a trust's learned (title, slug) pairs, matched before the catalogue's aliases and
    every rule (codes still count as evidence beside them). A slug of None or "" records a title the
    trust marked "not a new role": the normaliser abstains on it.
    """

    def __init__(
        self,
        roles: Sequence[Mapping[str, Any]],
        occupation_codes: Mapping[str, OccupationCode] | None = None,
        extra_aliases: Iterable[tuple[str, str | None]] = (),
    ) -> None:
        self._roles: dict[str, Mapping[str, Any]] = {}
        for role in roles:
            slug = role.get("slug")
            if not slug:
                raise ValueError(f"catalogue role without a slug: {role.get('name')!r}")
            self._roles[slug] = role
        if not self._roles:
            raise ValueError("the role catalogue is empty")

        self._groups: dict[str, frozenset[str]] = {
            slug: frozenset({role.get("staff_group", "")}) | _EXTRA_STAFF_GROUPS.get(slug, frozenset())
            for slug, role in self._roles.items()
        }
        self._exact: dict[str, _AliasEntry] = {}
        self._phrases: dict[str, str] = {}
        self._build_aliases(extra_aliases)
        self._max_phrase = max((len(p.split()) for p in self._phrases), default=1)
        self._vocabulary = frozenset(w for key in [*self._exact, *self._phrases] for w in key.split()) | _RULE_WORDS
        # Sorted for the spelling corrector: with a set, a tie ("traiene": trainee or trainer, both at the
        # same ratio) went to whichever word the process's string hashing put first, so the same title
        # could resolve differently from one run to the next.
        self._vocabulary_sorted = sorted(self._vocabulary)
        # Fuzzy choices: one entry per distinct key, with its slug.
        fuzzy_pairs = [
            (key, entry.slugs[0])
            for key, entry in self._exact.items()
            if len(entry.slugs) == 1 and entry.slugs[0] is not None and len(key) >= 4
        ]
        self._fuzzy_keys = [_sorted_words(key) for key, _ in fuzzy_pairs]
        self._fuzzy_slugs = [slug for _, slug in fuzzy_pairs]

        self._occupation: dict[str, _Evidence] = {}
        self._build_occupation_evidence(occupation_codes or {})
        # Roles that have occupation codes of their own (nursing associate: NGx, NHx).
        self._coded_slugs = frozenset(e.slug for e in self._occupation.values() if e.slug and e.specific)
        self._job_roles: dict[str, _Evidence] = {}
        self._build_job_role_evidence()

        self._title_cache: dict[str, tuple[_TitleResult, CleanedTitle]] = {}
        self._job_role_cache: dict[str, _Evidence] = {}
        self._word_cache: dict[str, str] = {}
        # Distinct titles share far fewer distinct segments: an extract's 36,000 titles are mostly a few
        # thousand role texts and team or site names ("Tickhill Road") in different combinations. Both
        # steps depend on the key alone, so each segment is resolved, and each fuzzy key scored, once.
        self._segment_cache: dict[str, _TitleResult | None] = {}
        self._fuzzy_cache: dict[str, tuple[str | None, float, tuple[tuple[str, float], ...]]] = {}
        # Likewise an extract's ~80,000 (title, job role, code) triples carry a few dozen distinct pieces
        # of code evidence, and many triples differ only in a code that says nothing: the answer depends
        # on the title and the evidence alone, so it is worked out once per (title, evidence).
        self._evidence_cache: dict[tuple[str | None, str | None], tuple[_Evidence, ...]] = {}
        self._answer_cache: dict[tuple[str, tuple[_Evidence, ...]], Match] = {}

    # ---- construction ---------------------------------------------------------------------------

    def _add_exact(self, key: str, slug: str | None, confidence: float, in_training: bool, *, override: bool) -> None:
        if not key:
            return
        current = self._exact.get(key)
        if current is None or override or confidence > current.confidence:
            self._exact[key] = _AliasEntry((slug,), confidence, in_training)
        elif confidence == current.confidence and slug not in current.slugs:
            self._exact[key] = _AliasEntry((*current.slugs, slug), confidence, False)
        elif slug in current.slugs:
            # The same key from a name and from a trainee alias: training comes from the title.
            self._exact[key] = _AliasEntry(current.slugs, confidence, current.in_training and in_training)

    def _build_aliases(self, extra_aliases: Iterable[tuple[str, str | None]]) -> None:
        # Supplementary aliases first (lowest priority), then the catalogue, then the trust's own.
        for slug, titles in SUPPLEMENTARY_ALIASES.items():
            if slug not in self._roles:
                continue
            for title in titles:
                for key in clean_title(title).segments[:1]:
                    if key in _AMBIGUOUS_TITLES or key in _NOT_ALIAS_KEYS:
                        continue
                    self._add_exact(key, slug, CONF_SUPPLEMENTARY, False, override=False)
                    self._phrases.setdefault(key, slug)
        for slug, role in self._roles.items():
            entries = [(role.get("name", ""), False)] + [
                (a.get("title", ""), bool(a.get("in_training"))) for a in role.get("aliases") or ()
            ]
            for title, alias_training in entries:
                cleaned = clean_title(title)
                if len(cleaned.segments) != 1:
                    continue
                key = cleaned.segments[0]
                if key in _AMBIGUOUS_TITLES or key in _NOT_ALIAS_KEYS:
                    continue
                # An alias's training mark only matters when cleaning cannot see it in the words.
                training = alias_training and not cleaned.in_training
                self._add_exact(key, slug, CONF_EXACT, training, override=False)
                self._phrases[key] = slug
        for phrase, slug in _QUALIFIER_PHRASES.items():
            if slug in self._roles:
                self._phrases.setdefault(phrase, slug)
        for phrase in _AMBIGUOUS_TITLES:
            self._phrases[phrase] = _AMBIGUOUS_MARK + phrase
        for title, slug in extra_aliases:
            slug = slug or None
            if slug is not None and slug not in self._roles:
                raise ValueError(f"extra alias {title!r} names a slug not in the catalogue: {slug!r}")
            for key in clean_title(title).segments[:1]:
                self._add_exact(key, slug, CONF_TRUST_ALIAS, False, override=True)

    def _build_occupation_evidence(self, occupation_codes: Mapping[str, OccupationCode]) -> None:
        from_catalogue: dict[str, list[tuple[str, bool]]] = {}
        for slug, role in self._roles.items():
            for code in role.get("codes") or ():
                if code.get("system") == "occupation_code" and code.get("code"):
                    from_catalogue.setdefault(code["code"].strip().upper(), []).append(
                        (slug, bool(code.get("in_training")))
                    )
        for code, info in occupation_codes.items():
            key = code.strip().upper()
            group = _nwd_group(info.detailed_staff_group)
            slug, strength, training = _occupation_rule(info)
            specific = strength >= _SPECIFIC
            listed = from_catalogue.get(key)
            if listed:
                slugs = {s for s, _ in listed}
                if len(slugs) == 1:
                    slug, strength, specific = listed[0][0], _SPECIFIC, True
                    training = training or any(t for _, t in listed)
                elif slug not in slugs:
                    slug, strength = None, 0.0  # several roles share the code: it says only the group
            if slug is not None and slug not in self._roles:
                slug, strength, training, specific = None, 0.0, False, False
            if not info.valid:
                strength *= 0.8  # a retired code: entered from an old list, weaker evidence
            self._occupation[key] = _Evidence(slug, strength, training, group, specific)
        # Codes the catalogue names but the lookup lacks still count as evidence.
        for key, listed in from_catalogue.items():
            if key not in self._occupation and len({s for s, _ in listed}) == 1:
                slug = listed[0][0]
                self._occupation[key] = _Evidence(slug, _SPECIFIC, any(t for _, t in listed), None, True)

    def _build_job_role_evidence(self) -> None:
        for slug, role in self._roles.items():
            for code in role.get("codes") or ():
                if code.get("system") not in {"nwd_job_role", "sds_job_role"}:
                    continue
                evidence = _Evidence(slug, _SPECIFIC, bool(code.get("in_training")), None, True)
                for text in (code.get("code"), code.get("label")):
                    if text:
                        self._job_roles.setdefault(text.strip().lower(), evidence)

    # ---- title ----------------------------------------------------------------------------------

    def _correct_word(self, word: str) -> str:
        """Fix a word the vocabulary does not know: split run-together words ("staffnurse"), else the
        closest vocabulary word ("pyschologist"). At ratio 85 a short word can only gain or lose one
        letter ("per" -> "peer"), so place names and team codes are left alone."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        fixed = word
        vocabulary = self._vocabulary
        if len(word) >= 3 and word not in vocabulary:
            for cut in range(3, len(word) - 2) if len(word) >= 7 else ():
                if word[:cut] in vocabulary and word[cut:] in vocabulary:
                    fixed = f"{word[:cut]} {word[cut:]}"
                    break
            else:
                best = process.extractOne(word, self._vocabulary_sorted, scorer=fuzz.ratio, score_cutoff=85)
                if best is not None:
                    fixed = best[0]
        self._word_cache[word] = fixed
        return fixed

    def _phrase_matches(self, key: str) -> list[tuple[str, str]]:
        """(phrase, slug) of the longest catalogue phrases inside key, left to right, no overlaps."""
        words = key.split()
        found: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            for size in range(min(self._max_phrase, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                slug = self._phrases.get(phrase)
                if slug is not None:
                    found.append((phrase, slug))
                    i += size
                    break
            else:
                i += 1
        return found

    def _resolve_phrases(self, slugs: list[str]) -> tuple[str | None, tuple[str, ...]]:
        """One slug from the phrases' slugs, or None with the possible roles when they disagree."""
        roles = [s for s in slugs if not s.startswith(_AMBIGUOUS_MARK)]
        if not roles and slugs:
            # Only an ambiguous phrase ("Associate Psychologist (Adult)"): its possible roles.
            possible = _AMBIGUOUS_TITLES[slugs[0][len(_AMBIGUOUS_MARK) :]]
            return None, tuple(s for s in possible if s in self._roles)
        distinct = list(dict.fromkeys(roles))
        if len(distinct) <= 1:
            return (distinct[0] if distinct else None), tuple(distinct)
        remaining = [s for s in distinct if not any(s in _REFINES.get(o, ()) for o in distinct if o != s)]
        return (remaining[0] if len(remaining) == 1 else None), tuple(distinct)

    def _resolve_segment(self, key: str) -> _TitleResult | None:
        """Resolve one cleaned segment by exact alias and rules; None when the segment names no role."""
        try:
            return self._segment_cache[key]
        except KeyError:
            result = self._segment_cache[key] = self._resolve_segment_uncached(key)
            return result

    def _resolve_segment_uncached(self, key: str) -> _TitleResult | None:
        entry = self._exact.get(key)
        if entry is not None:
            if entry.slugs == (None,):
                return _TitleResult("negative", None, entry.confidence, "exact_alias", key, (), False)
            if len(entry.slugs) == 1:
                slug = entry.slugs[0]
                return _TitleResult(
                    "resolved",
                    slug,
                    entry.confidence,
                    "exact_alias",
                    key,
                    ((slug, entry.confidence),),
                    entry.in_training,
                )
            candidates = tuple((s, 0.5) for s in entry.slugs if s)
            return _TitleResult("ambiguous", None, 0.0, "abstain", key, candidates, False)
        ambiguous = _AMBIGUOUS_TITLES.get(key)
        if ambiguous is not None:
            candidates = tuple((s, 0.5) for s in ambiguous if s in self._roles)
            return _TitleResult("ambiguous", None, 0.0, "abstain", key, candidates, False)
        if _NOT_A_ROLE_RE.search(key):
            return _TitleResult("negative", None, 0.0, "rule", key, (), False)
        matches = self._phrase_matches(key)
        if matches and all(phrase in _WEAK_PHRASES for phrase, _ in matches):
            # A weak phrase beside words that are not setting words names another job: a "Family
            # Support Worker" is not a healthcare support worker, a "Ward Support Worker" is.
            others = key.split()
            for phrase, _ in matches:
                for word in phrase.split():
                    others.remove(word)
            if any(word not in _GENERIC_WORDS for word in others):
                matches = []
        slug, found = self._resolve_phrases([slug for _, slug in matches])
        if slug is not None:
            return _TitleResult("resolved", slug, CONF_PHRASE, "rule", key, ((slug, CONF_PHRASE),), False)
        if matches:
            # Several roles' words, or an ambiguous phrase, inside a longer title: fuzzy matching
            # on the whole segment may still settle it ("Wellbeing Practitioner (Children's)").
            candidates = tuple((s, 0.5) for s in found)
            return _TitleResult("maybe", None, 0.0, "abstain", key, candidates, False)
        return None

    def _fuzzy(self, key: str) -> tuple[str | None, float, tuple[tuple[str, float], ...]]:
        """Best fuzzy role for key: (slug or None when below the cutoff or ambiguous, score 0-100,
        candidates). Damerau-Levenshtein counts a transposition ("nusre") as one edit; sorting the
        words first ignores word order."""
        cached = self._fuzzy_cache.get(key)
        if cached is None:
            cached = self._fuzzy_cache[key] = self._fuzzy_uncached(key)
        return cached

    def _fuzzy_uncached(self, key: str) -> tuple[str | None, float, tuple[tuple[str, float], ...]]:
        hits = process.extract(
            _sorted_words(key),
            self._fuzzy_keys,
            scorer=DamerauLevenshtein.normalized_similarity,
            limit=12,
            score_cutoff=0.5,
        )
        best: dict[str, float] = {}
        for _, similarity, index in hits:
            slug = self._fuzzy_slugs[index]
            best[slug] = max(best.get(slug, 0.0), similarity * 100.0)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        candidates = tuple((slug, round(score / 100.0, 3)) for slug, score in ranked[:5])
        if not ranked or ranked[0][1] < FUZZY_CUTOFF:
            return None, ranked[0][1] if ranked else 0.0, candidates
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
            return None, ranked[0][1], candidates
        return ranked[0][0], ranked[0][1], candidates

    def _is_generic(self, key: str) -> bool:
        return all(word in _GENERIC_WORDS for word in key.split())

    def _resolve_title(self, title: str) -> tuple[_TitleResult, CleanedTitle]:
        cleaned = clean_title(title)
        segments = tuple(" ".join(self._correct_word(w) for w in seg.split()) for seg in cleaned.segments)
        if not segments:
            return _TitleResult("empty", None, 0.0, "abstain", "", (), False), cleaned
        unknown: list[str] = []
        maybe: _TitleResult | None = None
        for key in segments:
            result = self._resolve_segment(key)
            if result is not None and result.kind != "maybe":
                return result, cleaned
            if result is not None:
                maybe = maybe or result
                unknown.append(key)
            elif not self._is_generic(key):
                unknown.append(key)
        if cleaned.psychiatry_doctor and "psychiatrist" in self._roles:
            conf = CONF_PSYCHIATRY_RULE
            return (
                _TitleResult("resolved", "psychiatrist", conf, "rule", segments[0], (("psychiatrist", conf),), False),
                cleaned,
            )
        best: tuple[str | None, float, tuple[tuple[str, float], ...], str] = (None, 0.0, (), "")
        for key in unknown:
            slug, score, candidates = self._fuzzy(key)
            if slug is not None and score > best[1]:
                best = (slug, score, candidates, key)
            elif best[0] is None and not best[2] and candidates:
                best = (None, 0.0, candidates, key)
        slug, score, candidates, key = best
        if slug is not None:
            share = (score - FUZZY_CUTOFF) / max(100.0 - FUZZY_CUTOFF, 1.0)
            conf = FUZZY_CONF_LOW + (FUZZY_CONF_HIGH - FUZZY_CONF_LOW) * share
            return _TitleResult("resolved", slug, conf, "fuzzy", key, candidates, False), cleaned
        if maybe is not None:
            return maybe._replace(kind="ambiguous"), cleaned
        kind = "unknown" if unknown else "generic"
        shown = unknown[0] if unknown else segments[0]
        return _TitleResult(kind, None, 0.0, "abstain", shown, candidates, False), cleaned

    def _title(self, title: str) -> tuple[_TitleResult, CleanedTitle]:
        cached = self._title_cache.get(title)
        if cached is None:
            if len(self._title_cache) > 500_000:  # bound memory on a long-lived instance
                self._title_cache.clear()
                self._segment_cache.clear()
                self._fuzzy_cache.clear()
            cached = self._title_cache[title] = self._resolve_title(title)
        return cached

    # ---- codes ----------------------------------------------------------------------------------

    def _job_role_evidence(self, job_role: str) -> _Evidence:
        key = job_role.strip().lower()
        cached = self._job_role_cache.get(key)
        if cached is not None:
            return cached
        evidence = self._job_roles.get(key)
        if evidence is None:
            # An ESR job role ("Staff Nurse", "Healthcare Assistant") read as a title, without fuzzy
            # matching: job roles come from a fixed list, so a near miss is a different job role.
            cleaned = clean_title(job_role)
            evidence = _NO_EVIDENCE
            for segment in cleaned.segments:
                result = self._resolve_segment(segment)
                if result is None:
                    continue
                if result.kind == "resolved" and result.slug is not None:
                    evidence = _Evidence(
                        result.slug,
                        _PROFESSION if result.confidence >= CONF_EXACT else _FAMILY,
                        cleaned.in_training or result.in_training,
                        None,
                        False,
                    )
                break
        self._job_role_cache[key] = evidence
        return evidence

    def _evidence(self, job_role: str | None, occupation_code: str | None) -> tuple[_Evidence, ...]:
        """The occupation code's and the job role's evidence, those that say anything."""
        key = (job_role, occupation_code)
        cached = self._evidence_cache.get(key)
        if cached is None:
            if len(self._evidence_cache) > 100_000:  # bound memory on a long-lived instance
                self._evidence_cache.clear()
            cached = self._evidence_cache[key] = self._evidence_uncached(job_role, occupation_code)
        return cached

    def _evidence_uncached(self, job_role: str | None, occupation_code: str | None) -> tuple[_Evidence, ...]:
        found: list[_Evidence] = []
        if occupation_code and occupation_code.strip():
            occupation = self._occupation.get(occupation_code.strip().upper())
            if occupation is not None and (occupation.slug or occupation.group):
                found.append(occupation)
        if job_role and job_role.strip():
            job = self._job_role_evidence(job_role)
            if job.slug:
                found.append(job)
        return tuple(found)

    @staticmethod
    def _combined(evidence: tuple[_Evidence, ...]) -> _Evidence:
        """One answer from the codes alone: agreeing codes strengthen it; disagreeing codes weaken
        the stronger one."""
        named = [e for e in evidence if e.slug is not None]
        if not named:
            return _NO_EVIDENCE
        best = max(named, key=lambda e: e.strength)
        others = [e for e in named if e is not best]
        if not others:
            return best
        if all(e.slug == best.slug for e in others):
            return best._replace(
                strength=min(0.95, best.strength + 0.05), in_training=any(e.in_training for e in named)
            )
        return best._replace(strength=best.strength * 0.8)

    def _contradicts(self, slug: str, evidence: _Evidence) -> bool:
        """Whether a code's evidence contradicts the role a title resolved to."""
        if evidence.slug == slug:
            return False
        if evidence.slug is not None:
            if evidence.slug in _HELD_WITH_A_PROFESSION and slug in _REFINES[evidence.slug]:
                return False  # the code is more precise than the title: a nurse who is an MHP
            if slug in _HELD_WITH_A_PROFESSION and evidence.slug in _REFINES[slug]:
                # The code names the title's underlying profession: fine for a role without a code
                # of its own (an AMHP coded as a social worker), a miscoding for one with its own (a
                # nurse consultant coded as a staff nurse).
                return evidence.specific and slug in self._coded_slugs
            if evidence.specific and slug in self._coded_slugs:
                return True  # a role with codes of its own recorded under another role's code
        # Otherwise the staff groups decide: a peer support worker (no code of its own) recorded as a
        # support worker is erratic but plausible; a clinical associate in psychology recorded as
        # nursing support staff is not.
        if evidence.group is not None:
            code_groups = frozenset({evidence.group})
        elif evidence.slug is not None:
            code_groups = self._groups[evidence.slug]
        else:
            return False
        return not (code_groups & self._groups[slug])

    # ---- public ---------------------------------------------------------------------------------

    def normalise(self, title: str | None, job_role: str | None = None, occupation_code: str | None = None) -> Match:
        """Resolve one title, with its ESR job role and occupation code when the extract has them."""
        title = title or ""
        evidence = self._evidence(job_role, occupation_code)
        key = (title, evidence)
        match = self._answer_cache.get(key)
        if match is None:
            if len(self._answer_cache) > 500_000:  # bound memory on a long-lived instance
                self._answer_cache.clear()
            match = self._answer_cache[key] = self._answer(title, evidence)
        return match

    def _answer(self, title: str, evidence: tuple[_Evidence, ...]) -> Match:
        result, cleaned = self._title(title)
        training = cleaned.in_training or result.in_training
        band = cleaned.band

        def answer(slug: str | None, conf: float, method: str, conflict: bool, is_training: bool) -> Match:
            candidates = result.candidates
            if slug is not None and conf < ANSWER_THRESHOLD:
                candidates = ((slug, round(conf, 3)), *[c for c in candidates if c[0] != slug])
                slug = None
            if slug is None:
                method, conf = "abstain", 0.0
                for e in evidence:  # a code's suggestion helps whoever resolves the title by hand
                    if e.slug and all(c[0] != e.slug for c in candidates):
                        candidates = (*candidates, (e.slug, round(e.strength, 3)))
            elif not candidates or candidates[0][0] != slug:
                candidates = ((slug, round(conf, 3)), *[c for c in candidates if c[0] != slug])
            return Match(
                slug=slug,
                confidence=round(max(0.0, min(conf, 1.0)), 3),
                method=method,
                in_training=is_training if slug is not None else training,
                band_in_title=band,
                code_conflict=conflict,
                cleaned=result.cleaned,
                candidates=tuple(candidates[:5]),
            )

        if result.kind == "resolved" and result.slug is not None:
            slug = result.slug
            agreeing = [e for e in evidence if e.slug == slug]
            conflict = any(self._contradicts(slug, e) for e in evidence)
            if agreeing:
                strength = max(e.strength for e in agreeing)
                conf = min(0.995, 1.0 - (1.0 - result.confidence) * (1.0 - strength))
                is_training = training or any(e.in_training for e in agreeing)
                return answer(slug, conf * (0.9 if conflict else 1.0), result.method, conflict, is_training)
            if conflict:
                code = self._combined(evidence)
                if result.confidence >= CONFIDENT_TITLE or code.slug is None:
                    return answer(slug, result.confidence * 0.9, result.method, True, training)
                # A weak (fuzzy) title against a code naming another role: the code is likelier right.
                return answer(code.slug, code.strength * 0.7, "code", True, code.in_training)
            return answer(slug, result.confidence, result.method, False, training)

        if result.kind == "ambiguous":
            # A code that names one of the title's possible roles settles it.
            possible = {c[0] for c in result.candidates}
            settling = [e for e in evidence if e.slug in possible]
            if settling:
                best = max(settling, key=lambda e: e.strength)
                return answer(best.slug, max(best.strength, 0.8), "code", False, training or best.in_training)
            return answer(None, 0.0, "abstain", False, training)

        if result.kind == "negative":
            # Not a catalogue role; a code made for a role is worth a look.
            return answer(None, 0.0, "abstain", any(e.slug and e.specific for e in evidence), training)

        # Generic, unknown or empty title: only the codes can speak.
        code = self._combined(evidence)
        if code.slug is not None:
            factor = CODE_ONLY_UNKNOWN_FACTOR if result.kind == "unknown" else CODE_ONLY_GENERIC_FACTOR
            return answer(code.slug, code.strength * factor, "code", False, training or code.in_training)
        return answer(None, 0.0, "abstain", False, training)

    def normalise_many(self, rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[Match]:
        """Normalise rows, each a mapping with `title` (and optional `job_role`, `occupation_code`) or a
        (title, job_role, occupation_code) sequence. Each distinct triple is resolved once: an
        extract of 1.5M rows has tens of thousands of distinct triples."""
        by_triple: dict[tuple[str, str, str], Match] = {}
        by_raw: dict[tuple[Any, ...], Match] = {}  # rows given as tuples: skip re-stripping repeats
        out: list[Match] = []
        for row in rows:
            if type(row) is tuple:
                match = by_raw.get(row)
                if match is not None:
                    out.append(match)
                    continue
            triple = _triple(row)
            match = by_triple.get(triple)
            if match is None:
                match = by_triple[triple] = self.normalise(triple[0], triple[1] or None, triple[2] or None)
            if type(row) is tuple:
                by_raw[row] = match
            out.append(match)
        return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _triple(row: Mapping[str, Any] | Sequence[Any]) -> tuple[str, str, str]:
    if isinstance(row, Mapping):
        return _text(row.get("title")), _text(row.get("job_role")), _text(row.get("occupation_code"))
    values = [*row, None, None, None]
    return _text(values[0]), _text(values[1]), _text(values[2])


# --------------------------------------------------------------------------------------------------
# CSV in, CSV out
# --------------------------------------------------------------------------------------------------

OUTPUT_COLUMNS = ("role_slug", "confidence", "method", "in_training")


def normalise_csv(in_path: str | Path, out_path: str | Path, normaliser: Normaliser) -> int:
    """Read a CSV with a `title` column (and optional `job_role`, `occupation_code`) and write it back
    with role_slug (empty when abstaining), confidence (0-1, 3 d.p.), method and in_training added.
    Returns the number of data rows written."""
    with open(in_path, newline="", encoding="utf-8-sig") as source:
        reader = csv.DictReader(source)
        fields = [f.strip() for f in reader.fieldnames or []]
        if "title" not in fields:
            found = ", ".join(fields) if fields else "no header row"
            raise ValueError(f"{in_path}: no 'title' column (found: {found})")
        reader.fieldnames = fields
        clashes = [c for c in OUTPUT_COLUMNS if c in fields]
        if clashes:
            raise ValueError(f"{in_path}: input already has output column(s) {', '.join(clashes)}")
        rows = list(reader)
    matches = normaliser.normalise_many(rows)
    with open(out_path, "w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=[*fields, *OUTPUT_COLUMNS], extrasaction="ignore")
        writer.writeheader()
        for row, match in zip(rows, matches, strict=True):
            writer.writerow(
                {
                    **row,
                    "role_slug": match.slug or "",
                    "confidence": f"{match.confidence:.3f}",
                    "method": match.method,
                    "in_training": "true" if match.in_training else "false",
                }
            )
    return len(rows)
