"""The normaliser's tables: the words, read once from roles/data/normaliser.toml, and the one rule
pattern the engine and the spelling corrector share (titles that are not a catalogue role).

The words live in a data file so a reader can review and extend them without reading the code;
the code here only gives each table its Python shape (sets as frozensets, lists as tuples).
Names keep their leading underscore: they belong to this package, not to its callers.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "normaliser.toml"


def _load(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


_WORDS = _load(WORDS_FILE)
_CLEANING: dict[str, Any] = _WORDS["cleaning"]
_RULES: dict[str, Any] = _WORDS["rules"]
_STAFF_GROUPS: dict[str, Any] = _WORDS["staff_groups"]

# Cleaning ---------------------------------------------------------------------------------------

_TRAINING_WORDS = frozenset(_CLEANING["training_words"])
_TAG_WORDS = frozenset(_CLEANING["tag_words"])
_ABBREVIATIONS: dict[str, str] = dict(_CLEANING["abbreviations"])
_PA_PERSONAL = frozenset(_CLEANING["pa_personal"])
_PA_CLINICAL = frozenset(_CLEANING["pa_clinical"])
_STR_MEDICAL = frozenset(_CLEANING["str_medical"])
_SENIORITY = frozenset(_CLEANING["seniority"])
_STOPWORDS = frozenset(_CLEANING["stopwords"])

# Rules ------------------------------------------------------------------------------------------

SUPPLEMENTARY_ALIASES: dict[str, tuple[str, ...]] = {
    slug: tuple(titles) for slug, titles in _RULES["supplementary_aliases"].items()
}
_QUALIFIER_PHRASES: dict[str, str] = dict(_RULES["qualifier_phrases"])
_AMBIGUOUS_TITLES: dict[str, tuple[str, ...]] = {
    title: tuple(slugs) for title, slugs in _RULES["ambiguous_titles"].items()
}
_WEAK_PHRASES = frozenset(_RULES["weak_phrases"])
_NOT_ALIAS_KEYS = frozenset(_RULES["not_alias_keys"])
_GENERIC_WORDS = frozenset(_RULES["generic_words"])
_KNOWN_WORDS = _GENERIC_WORDS | frozenset(_RULES["known_words"])
_REFINES: dict[str, frozenset[str]] = {slug: frozenset(refined) for slug, refined in _RULES["refines"].items()}
_HELD_WITH_A_PROFESSION = frozenset(_RULES["held_with_a_profession"])

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
    r"technical\s+instructor|educator|facilitator|"
    r"trainer|tutor|lecturer|teacher|employment\s+(?:advisor|adviser)|housing|"
    r"care\s+coordinator|activities?\s+(?:coordinator|worker|assistant)|bed\s+manager|team\s+manager|"
    r"service\s+manager|operational|operations|"
    # Support posts to a profession are not that profession.
    r"(?:occupational\s+therap\w*|physiotherap\w*|pharmacy|dietetic\w*|social\s+work|art\s+therapy|"
    r"arts\s+therapies|speech\s+(?:language\s+)?therapy)\s+(?:assistant|support\s+worker|helper|support)|"
    r"(?:occupational\s+therap\w*|physiotherap\w*|dietetic\w*)\s+technician|"
    r"(?:assistant|support\s+worker|helper)\s+(?:occupational\s+therap\w*|physiotherap\w*|social\s+work)|"
    r"(?:maintenance|estates|it|ict|lab|laboratory)\s+technician)\b"
)


def names_a_post_outside_the_catalogue(text: str) -> bool:
    """Whether a cleaned title's words name a post the catalogue does not hold (administrator, porter,
    occupational therapy assistant, ...): the rule the normaliser applies after exact aliases."""
    return _NOT_A_ROLE_RE.search(text) is not None


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
    | frozenset(_RULES["rule_words"])
)

# Staff groups -----------------------------------------------------------------------------------

# The NWD staff group every "Nurses - <field>" detailed group belongs to.
_NURSES = "Nurses & health visitors"
_EXTRA_STAFF_GROUPS: dict[str, frozenset[str]] = {
    slug: frozenset(groups) for slug, groups in _STAFF_GROUPS["extra"].items()
}
# An empty group in the file is None here: the detailed group says nothing about the role.
_DETAILED_TO_NWD: dict[str, str | None] = {
    detailed: group or None for detailed, group in _STAFF_GROUPS["detailed_to_nwd"].items()
}
_BY_SPECIALTY: dict[str, str] = dict(_WORDS["codes"]["by_specialty"])
