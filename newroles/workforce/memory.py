"""Remembered answers: each distinct (title, job role, occupation code) is matched to a role once, and
its answer kept (`TitleAnswer`) with the versions of what it depends on, so a later month, or another
trust's extract, sends the normaliser only the titles it has never seen.

What an answer depends on, and how a change is noticed without anyone having to say so:
- the normaliser (`NORMALISER_VERSION`) and its word tables (their text),
- the national catalogue: roles, approved national aliases, codes and the occupation code lookup,
- for a trust with titles of its own, its aliases and "not a new role" decisions.
The first two make `catalogue_version`, the third `decision_version`: each is a digest of the very
data the normaliser is built from, so any edit (a curator's alias, a trust's decision) changes it and
the answers given under the old one are no longer recalled; they are matched again and replaced.

Answers hold titles and codes only (see docs/data-protection.md): never an assignment number, a name
or a count of staff.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from newroles.organisations.models import Trust
from newroles.roles import normaliser as pure
from newroles.roles import titles
from newroles.roles.normaliser import tables
from newroles.workforce import month
from newroles.workforce.models import TitleAnswer

Triple = tuple[str, str, str]
Scope = tuple[int | None, str]  # (trust id or None for national answers, decision version)

ANSWER_COLUMNS = (
    "trust", "title", "job_role", "occupation_code", "cleaned", "slug", "confidence", "method", "in_training",
    "code_conflict", "band_in_title", "candidates", "catalogue_version", "decision_version", "answered_at",
)  # fmt: skip


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=list).encode()).hexdigest()[:40]


def catalogue_version(roles: list[dict[str, Any]], codes: dict[str, pure.OccupationCode]) -> str:
    """The version of everything national an answer rests on (see the module's docstring)."""
    words = tables.WORDS_FILE.read_text(encoding="utf-8")
    return _digest([pure.NORMALISER_VERSION, words, roles, sorted((k, list(v)) for k, v in codes.items())])


def current_catalogue_version() -> str:
    """The catalogue version as it stands now (reads the catalogue and the occupation codes)."""
    by_trust = titles.Normalisers()
    return catalogue_version(by_trust.roles, by_trust.codes)


def decision_version(trust: Trust, by_trust: titles.Normalisers) -> str:
    """The version of a trust's own titles (its aliases and "not a new role" decisions)."""
    not_new = by_trust.not_new(trust) if by_trust.not_new is not None else ()
    return _digest(titles.trust_aliases(trust, not_new))


class TitleMemory:
    """The remembered answers an import reads and adds to: recall before matching, learn what was matched,
    then `save` inside the import's transaction.

    `normaliser_for(trust)` gives the same normalisers as `titles.Normalisers` (so trusts without titles
    of their own share one, and its answers) and notes which answers each may recall.
    """

    def __init__(self, by_trust: titles.Normalisers) -> None:
        self.by_trust = by_trust
        self.catalogue_version = catalogue_version(by_trust.roles, by_trust.codes)
        self._scopes: dict[int, Scope] = {}
        self._known: dict[Scope, dict[Triple, pure.Match]] = {}
        self._learned: dict[Scope, dict[Triple, pure.Match]] = defaultdict(dict)
        self.recalled = 0
        self.matched = 0

    def normaliser_for(self, trust: Trust | None) -> pure.Normaliser:
        normaliser = self.by_trust.for_trust(trust)
        if id(normaliser) not in self._scopes:
            if trust is None or normaliser is self.by_trust.national():
                self._scopes[id(normaliser)] = (None, "")
            else:
                self._scopes[id(normaliser)] = (trust.pk, decision_version(trust, self.by_trust))
        return normaliser

    def _scope(self, normaliser: pure.Normaliser) -> Scope:
        return self._scopes.get(id(normaliser), (None, ""))

    def recall(self, normaliser: pure.Normaliser, triples: Sequence[Triple]) -> list[pure.Match | None]:
        """The remembered answer for each triple, or None where it must be matched."""
        scope = self._scope(normaliser)
        if scope not in self._known:
            self._known[scope] = _load(scope, self.catalogue_version)
        known = self._known[scope]
        out = [known.get(t) for t in triples]
        self.recalled += sum(m is not None for m in out)
        return out

    def learn(self, normaliser: pure.Normaliser, triples: Sequence[Triple], matches: Sequence[pure.Match]) -> None:
        """Note answers just matched, to be saved with the import."""
        learned = self._learned[self._scope(normaliser)]
        for triple, match in zip(triples, matches, strict=True):
            learned[triple] = match
        self.matched += len(triples)

    def save(self) -> int:
        """Write the answers learned (replacing any given under older versions); returns how many.

        Remembered answers are derived rows, written in bulk like the import's aggregates and covered by
        its audit record (its summary says how many answers were recalled and how many learned)."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        written = 0
        table = TitleAnswer._meta.db_table
        for (trust_id, version), learned in self._learned.items():
            if not learned:
                continue
            owner = "trust_id IS NULL" if trust_id is None else "trust_id = %s"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE {owner} AND (catalogue_version <> %s OR decision_version <> %s)",
                    [*([] if trust_id is None else [trust_id]), self.catalogue_version, version],
                )
            rows = [
                (trust_id, title, job_role, code, m.cleaned[:300], m.slug or "", m.confidence, m.method, m.in_training,
                 m.code_conflict, m.band_in_title or "", json.dumps([list(c) for c in m.candidates]),
                 self.catalogue_version, version, now)
                for (title, job_role, code), m in learned.items()
            ]  # fmt: skip
            month.insert_rows(TitleAnswer, ANSWER_COLUMNS, rows)
            self._known.setdefault((trust_id, version), {}).update(learned)
            written += len(rows)
        self._learned.clear()
        return written


def _load(scope: Scope, version: str) -> dict[Triple, pure.Match]:
    """Every answer of the scope given under the current versions, by its triple."""
    trust_id, decisions = scope
    owner = "trust_id IS NULL" if trust_id is None else "trust_id = %s"
    sql = (
        "SELECT title, job_role, occupation_code, slug, confidence, method, in_training, band_in_title, "
        f"code_conflict, cleaned, candidates FROM {TitleAnswer._meta.db_table} "
        f"WHERE {owner} AND catalogue_version = %s AND decision_version = %s"
    )
    params = [*([] if trust_id is None else [trust_id]), version, decisions]
    out: dict[Triple, pure.Match] = {}
    # Tens of thousands of answers share a few hundred candidate lists: each is decoded once.
    decoded: dict[Any, tuple[tuple[str, float], ...]] = {}

    def candidates(value: Any) -> tuple[tuple[str, float], ...]:
        key = value if isinstance(value, str | bytes) else json.dumps(value)
        if key not in decoded:
            parsed = json.loads(value) if isinstance(value, str | bytes) else value
            decoded[key] = tuple((s, float(score)) for s, score in parsed or ())
        return decoded[key]

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for title, job_role, code, slug, confidence, method, training, band, conflict, cleaned, cands in cursor:
            out[(title, job_role, code)] = pure.Match(
                slug or None,
                confidence,
                method,
                bool(training),
                band or None,
                bool(conflict),
                cleaned,
                candidates(cands),
            )
    return out
