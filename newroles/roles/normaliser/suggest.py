"""Suggestions where the normaliser abstains: the three likeliest roles for a title, each with its
evidence (the alias it resembles most and the words they share), for whoever decides the title.

A suggestion is never an answer: the import still counts the title as unmatched until the trust
decides. Scores are a weighted share of words in common (words that name no role, such as "senior"
or "team", count half), raised to the normaliser's own candidate score where it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cleaning import clean_title
from .engine import Normaliser
from .tables import _GENERIC_WORDS, _STOPWORDS


@dataclass(frozen=True)
class Suggestion:
    """A role a title may mean: its slug, a score in 0-1, the alias it resembles most, the shared words."""

    slug: str
    score: float
    alias: str
    words: tuple[str, ...]


# Words too general to name a role on their own here; "recovery" is generic to the normaliser (a
# recovery team) but in a post's title points at recovery work, so it may carry a suggestion.
_WEAK = _GENERIC_WORDS - {"recovery"}


def _weight(word: str) -> float:
    return 0.5 if word in _WEAK else 1.0


def suggest(normaliser: Normaliser, title: str, *, limit: int = 3) -> list[Suggestion]:
    """Up to `limit` roles the title may mean, best first, each with its evidence."""
    cleaned = clean_title(title or "")
    key = cleaned.segments[0] if cleaned.segments else ""
    words = {w for w in key.split() if w not in _STOPWORDS}
    if not words:
        return []
    best: dict[str, Suggestion] = {}
    # The normaliser's aliases, cleaned as titles are (same package: read directly, not copied).
    for alias, entry in normaliser._exact.items():
        if len(entry.slugs) != 1 or entry.slugs[0] is None:
            continue  # ambiguous, or a title known to be no role
        slug = entry.slugs[0]
        alias_words = set(alias.split())
        shared = words & alias_words
        if not shared or all(w in _WEAK for w in shared):
            continue  # "senior", "worker" alone say nothing about which role
        score = sum(map(_weight, shared)) / sum(map(_weight, words | alias_words))
        current = best.get(slug)
        if current is None or score > current.score:
            best[slug] = Suggestion(slug, round(score, 3), alias, tuple(sorted(shared)))
    # Where the normaliser scored a candidate higher (a close spelling), its score stands.
    for slug, score in normaliser.normalise(title).candidates:
        if slug in best and score > best[slug].score:
            best[slug] = Suggestion(slug, round(score, 3), best[slug].alias, best[slug].words)
        elif slug not in best:
            best[slug] = Suggestion(slug, round(score, 3), "", ())
    return sorted(best.values(), key=lambda s: (-s.score, s.slug))[:limit]
