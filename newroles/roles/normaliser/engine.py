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
   then the supplementary aliases in roles/data/normaliser.toml);
3. rules: titles that are not a catalogue role (administrative, other professions), the longest
   catalogue phrase found inside the title, and ambiguous abbreviations;
4. fuzzy matching (rapidfuzz, Damerau-Levenshtein) over names and aliases, above a calibrated
   cutoff, for misspellings the word-by-word corrector in step 1 could not fix.

Codes are evidence beside the title: an occupation code or job role that denotes a role confirms
the title (higher confidence), answers alone when the title says nothing ("Band 4", "Practitioner"),
settles an ambiguous title ("NA" coded as a nursing associate), and is flagged when it contradicts
the title (a clinical associate in psychology coded as a nursing support worker).

Pure Python: no Django import, so the importer, the CLI and the benchmark share it. This module holds
the normaliser itself; `cleaning` cleans a title, `codes` reads what a code says, `tables` holds the
words (from roles/data/normaliser.toml) and `files` reads and writes CSV. Imports between them are
relative so the package stays free of the rest of the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from .cleaning import CleanedTitle, clean_title
from .codes import OccupationCode, _CodeEvidence, _Evidence
from .scores import (
    AMBIGUOUS_CANDIDATE_SCORE,
    ANSWER_CACHE_LIMIT,
    ANSWER_THRESHOLD,
    CODE_ONLY_GENERIC_FACTOR,
    CODE_ONLY_UNKNOWN_FACTOR,
    CODE_OVER_WEAK_TITLE_FACTOR,
    CONF_EXACT,
    CONF_PHRASE,
    CONF_PSYCHIATRY_RULE,
    CONF_SUPPLEMENTARY,
    CONF_TRUST_ALIAS,
    CONFIDENT_TITLE,
    CONFLICT_FACTOR,
    FUZZY_CANDIDATE_SIMILARITY,
    FUZZY_CONF_HIGH,
    FUZZY_CONF_LOW,
    FUZZY_CUTOFF,
    FUZZY_MARGIN,
    MAX_COMBINED_CONFIDENCE,
    SETTLED_BY_CODE_FLOOR,
    SETTLED_BY_STAFF_GROUP,
    WORD_CORRECTION_RATIO,
)
from .tables import (
    _AMBIGUOUS_TITLES,
    _EXTRA_STAFF_GROUPS,
    _GENERIC_WORDS,
    _HELD_WITH_A_PROFESSION,
    _NOT_A_ROLE_RE,
    _NOT_ALIAS_KEYS,
    _QUALIFIER_PHRASES,
    _REFINES,
    _RULE_WORDS,
    _WEAK_PHRASES,
    SUPPLEMENTARY_ALIASES,
)

METHODS = ("code", "exact_alias", "rule", "fuzzy", "abstain")

# Raise when the engine's logic changes what it answers: the staff record's remembered answers were
# given by an older engine and are matched again (a change to the word tables is noticed by itself).
NORMALISER_VERSION = 2


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


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


# Marks an ambiguous phrase among the phrase table's slugs.
_AMBIGUOUS_MARK = "?"


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


class Normaliser(_CodeEvidence):
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

    # ---- title ----------------------------------------------------------------------------------

    def _correct_word(self, word: str) -> str:
        """Fix a word the vocabulary does not know: split run-together words ("staffnurse"), else the
        closest vocabulary word ("pyschologist"). At WORD_CORRECTION_RATIO a short word can only gain or lose one
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
                best = process.extractOne(
                    word, self._vocabulary_sorted, scorer=fuzz.ratio, score_cutoff=WORD_CORRECTION_RATIO
                )
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
        # An ambiguous phrase that qualifies a profession named beside it ("Clinical Psychologist
        # (Approved Clinician)") means its qualifier role; the refines table then picks between them, so a
        # consultant psychiatrist who is the responsible clinician stays a psychiatrist.
        roles += [
            _QUALIFIER_PHRASES[s[len(_AMBIGUOUS_MARK) :]]
            for s in slugs
            if s.startswith(_AMBIGUOUS_MARK) and _QUALIFIER_PHRASES.get(s[len(_AMBIGUOUS_MARK) :]) in self._roles
        ]
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
            candidates = tuple((s, AMBIGUOUS_CANDIDATE_SCORE) for s in entry.slugs if s)
            return _TitleResult("ambiguous", None, 0.0, "abstain", key, candidates, False)
        ambiguous = _AMBIGUOUS_TITLES.get(key)
        if ambiguous is not None:
            candidates = tuple((s, AMBIGUOUS_CANDIDATE_SCORE) for s in ambiguous if s in self._roles)
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
            candidates = tuple((s, AMBIGUOUS_CANDIDATE_SCORE) for s in found)
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
            score_cutoff=FUZZY_CANDIDATE_SIMILARITY,
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
            if len(self._title_cache) > ANSWER_CACHE_LIMIT:  # bound memory on a long-lived instance
                self._title_cache.clear()
                self._segment_cache.clear()
                self._fuzzy_cache.clear()
            cached = self._title_cache[title] = self._resolve_title(title)
        return cached

    # ---- public ---------------------------------------------------------------------------------

    def normalise(self, title: str | None, job_role: str | None = None, occupation_code: str | None = None) -> Match:
        """Resolve one title, with its ESR job role and occupation code when the extract has them."""
        title = title or ""
        evidence = self._evidence(job_role, occupation_code)
        key = (title, evidence)
        match = self._answer_cache.get(key)
        if match is None:
            if len(self._answer_cache) > ANSWER_CACHE_LIMIT:  # bound memory on a long-lived instance
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
                conf = min(MAX_COMBINED_CONFIDENCE, 1.0 - (1.0 - result.confidence) * (1.0 - strength))
                is_training = training or any(e.in_training for e in agreeing)
                return answer(slug, conf * (CONFLICT_FACTOR if conflict else 1.0), result.method, conflict, is_training)
            if conflict:
                code = self._combined(evidence)
                if result.confidence >= CONFIDENT_TITLE or code.slug is None:
                    return answer(slug, result.confidence * CONFLICT_FACTOR, result.method, True, training)
                # A weak (fuzzy) title against a code naming another role: the code is likelier right.
                return answer(code.slug, code.strength * CODE_OVER_WEAK_TITLE_FACTOR, "code", True, code.in_training)
            return answer(slug, result.confidence, result.method, False, training)

        if result.kind == "ambiguous":
            settled = self._settle(tuple(c[0] for c in result.candidates), evidence)
            if settled is not None:
                slug, conf, in_training = settled
                return answer(slug, conf, "code", False, training or in_training)
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

    def _settle(self, possible: tuple[str, ...], evidence: tuple[_Evidence, ...]) -> tuple[str, float, bool] | None:
        """Which of an ambiguous title's possible roles the codes settle it on: (slug, confidence, in
        training), or None when they say nothing that tells the roles apart.

        In order: a code naming one of the roles; a code naming the profession one of them is held on
        top of ("Approved Clinician" coded as a mental health nurse is a multi-professional approved
        clinician, since a nurse cannot be the psychiatrist); a code whose staff group fits only one of
        them (a non-medical code against a medical one), which answers below review level.
        """
        naming = [e for e in evidence if e.slug in possible]
        if naming:
            best = max(naming, key=lambda e: e.strength)
            return best.slug, max(best.strength, SETTLED_BY_CODE_FLOOR), best.in_training  # type: ignore[return-value]
        for e in sorted(evidence, key=lambda e: -e.strength):
            held = [s for s in possible if s in _HELD_WITH_A_PROFESSION and e.slug in _REFINES.get(s, ())]
            if len(held) == 1:
                return held[0], max(e.strength, SETTLED_BY_CODE_FLOOR), False
        for e in evidence:
            if e.group is None:
                continue
            fitting = [s for s in possible if e.group in self._groups[s]]
            if len(fitting) == 1:
                return fitting[0], SETTLED_BY_STAFF_GROUP, False
        return None

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
