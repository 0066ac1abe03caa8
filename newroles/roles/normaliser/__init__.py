"""The title normaliser: messy staff-record job titles to catalogue role slugs (see engine.py).

Pure Python, no Django: the workforce import, title resolution for the map, the CLI and the
benchmark share it. What builds it from the database (the catalogue's aliases and codes, a trust's
own titles) is `newroles.roles.titles`.
"""

from .cleaning import CleanedTitle, clean_title, is_ambiguous_title
from .codes import OccupationCode, load_occupation_codes
from .engine import METHODS, NORMALISER_VERSION, Match, Normaliser
from .files import OUTPUT_COLUMNS, load_catalogue_roles, normalise_csv
from .scores import ANSWER_THRESHOLD, FUZZY_CUTOFF
from .suggest import Suggestion, suggest
from .tables import SUPPLEMENTARY_ALIASES, names_a_post_outside_the_catalogue

__all__ = [
    "ANSWER_THRESHOLD",
    "FUZZY_CUTOFF",
    "METHODS",
    "NORMALISER_VERSION",
    "OUTPUT_COLUMNS",
    "SUPPLEMENTARY_ALIASES",
    "CleanedTitle",
    "Match",
    "Normaliser",
    "OccupationCode",
    "Suggestion",
    "clean_title",
    "is_ambiguous_title",
    "load_catalogue_roles",
    "load_occupation_codes",
    "names_a_post_outside_the_catalogue",
    "normalise_csv",
    "suggest",
]
