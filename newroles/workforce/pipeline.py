"""From an extract's rows to aggregate counts: parse bands and WTE, count duplicates, group, normalise titles.

Everything row-level happens in polars, on columns only: a national extract has ~1.5M rows but a
few hundred distinct grades and WTE values, and tens of thousands of distinct titles. So grades and
WTE are parsed once per distinct value, rows are grouped into cells first, and the normaliser sees
each distinct (title, job role, occupation code) of each trust once.

The assignment number, when the file has one, lives only inside `aggregate`: it is hashed with a
random seed, the hash tells which rows repeat an assignment, and both are dropped before anything
leaves the function. Neither is ever stored.

Pure Python and polars (no Django), so the benchmark measures exactly what the import runs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from newroles.roles.normaliser import Match, Normaliser

# Field names the pipeline reads (the import maps a file's columns onto these).
TRUST_CODE = "trust_code"
ORG_UNIT = "org_unit"
COST_CENTRE = "cost_centre"
AREA_OF_WORK = "area_of_work"
ASSIGNMENT = "assignment_number"
TITLE = "title"
JOB_ROLE = "job_role"
OCCUPATION_CODE = "occupation_code"
STAFF_GROUP = "staff_group"
BAND = "band"
WTE = "wte"

# WTE outside (0, 1.5] is impossible for one assignment (hours typed as WTE, a negative correction):
# such rows are counted but their WTE is left out of the sums and reported.
WTE_MAX = 1.5

# Longest text kept per key, matching the model fields.
MAX_LENGTHS = {TITLE: 300, JOB_ROLE: 200, OCCUPATION_CODE: 10, ORG_UNIT: 200, AREA_OF_WORK: 120, STAFF_GROUP: 120}

Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _stage: str) -> None:
    return None


# --------------------------------------------------------------------------------------------------
# Bands and WTE
# --------------------------------------------------------------------------------------------------

BAND_MISSING = ""
BAND_UNREADABLE = "?"
BAND_MEDICAL = "medical"

_MEDICAL_GRADE = re.compile(
    r"consultant|doctor|registrar|foundation|core train|specialty|speciality|medical|dental|clinical fellow|"
    r"trust grade|associate specialist|staff grade|^x[a-z]\d|^m\s*&\s*d|^md\b|^mn\d"
)
_BAND_TEXT = re.compile(
    r"^(?:(?:review body|afc|agenda for change|nhs|pay)\s+)*(?:band|grade)?\s*:?\s*([1-9])"
    r"(?:\s*(?:-\s*)?(?:range\s*)?([a-d]))?(?=\b|$|\s|\()"
)


def parse_band(raw: str | None) -> str:
    """An ESR grade or pay band as an AfC band ("5", "8a"), "medical", "" when empty, "?" when unreadable.

    "Band 8" without a range is unreadable: band 8 has been split into 8a-8d since 2004.
    """
    text = (raw or "").strip().lower()
    if not text:
        return BAND_MISSING
    match = _BAND_TEXT.match(text)
    if match:
        number, letter = match.groups()
        if number == "8":
            return f"8{letter}" if letter else BAND_UNREADABLE
        return number if not letter else BAND_UNREADABLE
    if _MEDICAL_GRADE.search(text):
        return BAND_MEDICAL
    return BAND_UNREADABLE


def parse_wte(raw: str | None) -> float | None:
    """A WTE as a number, or None when empty or not a number ("1.00", "0,8" and "0.80" all read)."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------------


@dataclass
class TrustProblems:
    """Row-level problems of one trust's rows, as counts (and offending values, never people)."""

    rows: int = 0
    duplicate_rows: int = 0
    band_missing: int = 0
    band_unreadable: int = 0
    unreadable_bands: list[tuple[str, int]] = field(default_factory=list)
    wte_missing: int = 0
    wte_impossible: int = 0
    impossible_wtes: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Aggregated:
    """An extract reduced to aggregates.

    titles: one row per distinct (trust_code, title, job_role, occupation_code) with title_id,
    headcount, wte and its rows' problems (wte_missing, wte_impossible, duplicate_rows, band_missing,
    band_unreadable); matches[title_id] is its normaliser answer.
    cells: (trust_code, org_unit, area_of_work, title_id, band, staff_group) -> headcount, wte.
    """

    rows: int
    titles: pl.DataFrame
    matches: list[Match]
    cells: pl.DataFrame
    problems: dict[str, TrustProblems]
    has_assignment: bool
    recalled: set[int] = field(default_factory=set)  # title_ids whose answer came from the remembered answers

    @property
    def trust_codes(self) -> list[str]:
        return sorted(self.problems)


# --------------------------------------------------------------------------------------------------
# Aggregating
# --------------------------------------------------------------------------------------------------

_KEYS = (TRUST_CODE, ORG_UNIT, AREA_OF_WORK, TITLE, JOB_ROLE, OCCUPATION_CODE, STAFF_GROUP)


def _text_column(name: str) -> pl.Expr:
    expr = pl.col(name).fill_null("").str.strip_chars()
    limit = MAX_LENGTHS.get(name)
    if limit:
        expr = expr.str.slice(0, limit)
    if name in (OCCUPATION_CODE, TRUST_CODE):
        expr = expr.str.to_uppercase()
    return expr.alias(name)


def _value_map(series: pl.Series, parse: Callable[[str | None], Any]) -> dict[str, Any]:
    return {value: parse(value) for value in series.unique().to_list()}


def aggregate(
    frame: pl.DataFrame,
    normaliser_for: Callable[[str], Normaliser],
    *,
    trust_code: str = "",
    progress: Progress = _no_progress,
    processes: int = 1,
    memory: AnswerMemory | None = None,
) -> Aggregated:
    """Reduce the extract's rows (columns named by field) to title and cell aggregates.

    With a `trust_code` column, rows are split by trust (a national extract); otherwise every row is
    `trust_code`'s. `normaliser_for(code)` gives the normaliser holding that trust's own aliases;
    trusts that share one normaliser object share its title cache. With a `memory`, titles it
    remembers are not matched again (their title_ids are in `Aggregated.recalled`).
    """
    columns = set(frame.columns)
    if TITLE not in columns:
        raise ValueError("the extract has no title column")
    rows = frame.height
    has_assignment = ASSIGNMENT in columns
    progress(0.0, "Parsing bands and WTE")

    # Parse each distinct grade and WTE once; replace_strict maps the column through the result.
    band_raw = frame[BAND].fill_null("") if BAND in columns else pl.repeat("", rows, eager=True)
    wte_raw = frame[WTE].fill_null("") if WTE in columns else pl.repeat("", rows, eager=True)
    band_map = _value_map(band_raw, parse_band)
    wte_map = _value_map(wte_raw, parse_wte)

    keys: list[pl.Expr] = [
        (pl.col(name) if name in columns else pl.lit("")).alias(name)
        for name in _KEYS
        if name not in (TRUST_CODE, ORG_UNIT)
    ]
    keys.append((pl.col(TRUST_CODE) if TRUST_CODE in columns else pl.lit(trust_code)).alias(TRUST_CODE))
    org = pl.col(ORG_UNIT) if ORG_UNIT in columns else pl.lit(None, dtype=pl.String)
    if COST_CENTRE in columns:  # the cost centre stands in for a missing organisation unit
        org = pl.coalesce(pl.when(org.str.strip_chars() != "").then(org), pl.col(COST_CENTRE))
    keys.append(org.alias(ORG_UNIT))
    wte = pl.col("wte_raw").replace_strict(wte_map, return_dtype=pl.Float64)
    # The assignment numbers and their hashes end in this select: only the duplicate flag goes on.
    prepared = (
        frame.with_columns(band_raw=band_raw, wte_raw=wte_raw)
        .lazy()
        .select(
            *keys,
            pl.col("band_raw").replace_strict(band_map, return_dtype=pl.String).alias(BAND),
            "band_raw",
            "wte_raw",
            wte.alias(WTE),
            wte.is_null().alias("wte_missing"),
            ((wte <= 0) | (wte > WTE_MAX)).fill_null(False).alias("wte_impossible"),
            _duplicates() if has_assignment else pl.lit(False).alias("duplicate"),
        )
        .collect()
    )
    progress(0.1, "Counting")
    # Grouping on categoricals measured twice as fast as on strings for these eight keys.
    raw_cells = (
        prepared.lazy()
        .with_columns(pl.col(*_KEYS, BAND).cast(pl.Categorical))
        .group_by([*_KEYS, BAND])
        .agg(
            headcount=pl.len(),
            wte=pl.col(WTE).filter(~pl.col("wte_missing") & ~pl.col("wte_impossible")).sum(),
            wte_missing=pl.col("wte_missing").sum(),
            wte_impossible=pl.col("wte_impossible").sum(),
            duplicate_rows=pl.col("duplicate").sum(),
        )
        .with_columns(pl.col(*_KEYS, BAND).cast(pl.String))
        .collect()
    )
    problems = _problems(raw_cells, prepared)
    del prepared
    # Clean the key text on the (far fewer) grouped rows, then merge cells the cleaning made equal.
    cells = (
        raw_cells.lazy()
        .with_columns(*[_text_column(name) for name in _KEYS])
        .group_by([*_KEYS, BAND])
        .agg(pl.col("headcount", "wte", "wte_missing", "wte_impossible", "duplicate_rows").sum())
        .collect()
    )
    titles = (
        cells.group_by([TRUST_CODE, TITLE, JOB_ROLE, OCCUPATION_CODE])
        .agg(
            pl.col("headcount", WTE, "wte_missing", "wte_impossible", "duplicate_rows").sum(),
            band_missing=pl.col("headcount").filter(pl.col(BAND) == BAND_MISSING).sum(),
            band_unreadable=pl.col("headcount").filter(pl.col(BAND) == BAND_UNREADABLE).sum(),
        )
        .sort([TRUST_CODE, "headcount", TITLE], descending=[False, True, False])
        .with_row_index("title_id")
    )
    progress(0.2, "Matching titles to roles")
    recalled: set[int] = set()
    matches = _normalise(titles, normaliser_for, progress, processes, memory, recalled)
    cells = cells.join(
        titles.select(TRUST_CODE, TITLE, JOB_ROLE, OCCUPATION_CODE, "title_id"),
        on=[TRUST_CODE, TITLE, JOB_ROLE, OCCUPATION_CODE],
        how="left",
    ).select(TRUST_CODE, ORG_UNIT, AREA_OF_WORK, "title_id", BAND, STAFF_GROUP, "headcount", WTE)
    progress(1.0, "Counted")
    return Aggregated(rows, titles, matches, cells, problems, has_assignment, recalled)


def _duplicates() -> pl.Expr:
    """Whether each row's assignment number appears on another row, from a salted hash of it.

    The salt is random per import, so the hashes could not be matched across imports even if one
    were kept; none is.
    """
    assignment = pl.col(ASSIGNMENT).fill_null("").str.strip_chars()
    hashed = assignment.hash(seed=random.SystemRandom().randrange(2**63))
    return ((assignment != "") & hashed.is_duplicated()).alias("duplicate")


def _problems(raw_cells: pl.DataFrame, rows: pl.DataFrame) -> dict[str, TrustProblems]:
    """Per trust: the row-level problem counts, and the commonest unreadable grades and impossible WTEs."""
    out: dict[str, TrustProblems] = {}
    trust = _text_column(TRUST_CODE)
    for (code,), group in raw_cells.with_columns(trust).group_by([TRUST_CODE], maintain_order=True):
        found = out.setdefault(code or "", TrustProblems())
        found.rows += int(group["headcount"].sum())
        found.duplicate_rows += int(group["duplicate_rows"].sum())
        found.wte_missing += int(group["wte_missing"].sum())
        found.wte_impossible += int(group["wte_impossible"].sum())
        found.band_missing += int(group.filter(pl.col(BAND) == BAND_MISSING)["headcount"].sum())
        found.band_unreadable += int(group.filter(pl.col(BAND) == BAND_UNREADABLE)["headcount"].sum())
    odd = rows.filter((pl.col(BAND) == BAND_UNREADABLE) | pl.col("wte_impossible")).with_columns(trust)
    for (code,), group in odd.group_by([TRUST_CODE]):
        found = out.setdefault(code or "", TrustProblems())
        found.unreadable_bands = _top_values(group.filter(pl.col(BAND) == BAND_UNREADABLE), "band_raw")
        found.impossible_wtes = _top_values(group.filter(pl.col("wte_impossible")), "wte_raw")
    return out


def _top_values(frame: pl.DataFrame, column: str, *, limit: int = 10) -> list[tuple[str, int]]:
    if frame.is_empty():
        return []
    counts = frame.group_by(column).agg(pl.len().alias("n")).sort(["n", column], descending=[True, False]).head(limit)
    return [(str(value).strip()[:40], int(count)) for value, count in counts.iter_rows()]


class AnswerMemory(Protocol):
    """Answers remembered from earlier imports (`newroles.workforce.memory.TitleMemory`)."""

    def recall(self, normaliser: Normaliser, triples: Sequence[tuple[str, str, str]]) -> list[Match | None]: ...

    def learn(
        self, normaliser: Normaliser, triples: Sequence[tuple[str, str, str]], matches: Sequence[Match]
    ) -> None: ...


def _normalise(
    titles: pl.DataFrame,
    normaliser_for: Callable[[str], Normaliser],
    progress: Progress,
    processes: int,
    memory: AnswerMemory | None = None,
    recalled: set[int] | None = None,
) -> list[Match]:
    """The normaliser's answer for each title row, in title_id order.

    Trusts that share a normaliser (no aliases of their own) share the work: each distinct
    (title, job role, occupation code) is resolved once for all of them.
    """
    # Trusts that share a normaliser object share one list of distinct triples (polars finds them).
    by_normaliser: dict[int, tuple[Normaliser, list[str]]] = {}
    for code in titles[TRUST_CODE].unique(maintain_order=True).to_list():
        normaliser = normaliser_for(code or "")
        by_normaliser.setdefault(id(normaliser), (normaliser, []))[1].append(code)
    work: list[tuple[Normaliser, list[tuple[str, str, str]], list[list[int]]]] = []
    out_early: dict[int, Match] = {}
    for normaliser, codes in by_normaliser.values():
        distinct = (
            titles.filter(pl.col(TRUST_CODE).is_in(codes))
            .group_by([TITLE, JOB_ROLE, OCCUPATION_CODE], maintain_order=True)
            .agg(pl.col("title_id"))
        )
        triples = list(distinct.select(TITLE, JOB_ROLE, OCCUPATION_CODE).iter_rows())
        ids = distinct["title_id"].to_list()
        if memory is not None:  # answers remembered go straight out; only the rest are matched
            remembered = memory.recall(normaliser, triples)
            unseen: list[int] = []
            for i, match in enumerate(remembered):
                if match is None:
                    unseen.append(i)
                    continue
                for title_id in ids[i]:
                    out_early[title_id] = match
                    if recalled is not None:
                        recalled.add(title_id)
            triples, ids = [triples[i] for i in unseen], [ids[i] for i in unseen]
        work.append((normaliser, triples, ids))
    total = sum(len(triples) for _, triples, _ids in work) or 1
    out: list[Match | None] = [None] * titles.height
    for title_id, match in out_early.items():
        out[title_id] = match
    done = 0
    for normaliser, triples, ids in work:

        def report(count: int, done_before: int = done) -> None:
            progress(0.2 + 0.8 * min(done_before + count, total) / total, "Matching titles to roles")

        answered = resolve_all(normaliser, triples, processes=processes, report=report)
        if memory is not None:
            memory.learn(normaliser, triples, answered)
        for title_ids, match in zip(ids, answered, strict=True):
            for title_id in title_ids:
                out[title_id] = match
        done += len(triples)
    missing = [i for i, m in enumerate(out) if m is None]
    if missing:  # every title belongs to one triple: a gap would shift every later answer
        raise RuntimeError(f"{len(missing)} title(s) were not matched")
    return [m for m in out if m is not None]


# Below this many distinct titles a second process costs more than it saves.
PARALLEL_MIN = 20_000


def resolve_all(
    normaliser: Normaliser,
    triples: Sequence[tuple[str, str, str]],
    *,
    processes: int = 1,
    report: Callable[[int], None] | None = None,
) -> list[Match]:
    """normaliser.normalise for each (title, job role, occupation code), in order.

    The normaliser is pure Python, so one process uses one core. With processes=2 and many titles,
    a forked child takes the titles whose hash is odd while this process takes the rest; a title
    always goes to one side, so its cleaning (the costly part) is done once. The child only runs the
    normaliser (no database, no polars) and exits; if it fails, this process does its share.
    """
    report = report or (lambda _count: None)
    if processes < 2 or len(triples) < PARALLEL_MIN or not _can_fork():
        return _resolve(normaliser, triples, report)
    import multiprocessing

    mine = [i for i, t in enumerate(triples) if not hash(t[0]) & 1]
    theirs = [i for i, t in enumerate(triples) if hash(t[0]) & 1]
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, normaliser, [triples[i] for i in theirs]), daemon=True)
    child.start()
    sender.close()
    out: list[Match | None] = [None] * len(triples)
    # This side's progress stands for both: the halves are about equal.
    for i, match in zip(mine, _resolve(normaliser, [triples[i] for i in mine], lambda n: report(2 * n)), strict=True):
        out[i] = match
    try:
        their_matches = [Match(*fields) for fields in receiver.recv()]
    except (EOFError, OSError):
        their_matches = _resolve(normaliser, [triples[i] for i in theirs], lambda _n: None)
    finally:
        receiver.close()
        child.join(timeout=10)
    for i, match in zip(theirs, their_matches, strict=True):
        out[i] = match
    report(len(triples))
    return [m for m in out if m is not None]


def _resolve(
    normaliser: Normaliser, triples: Sequence[tuple[str, str, str]], report: Callable[[int], None]
) -> list[Match]:
    normalise = normaliser.normalise
    out: list[Match] = []
    step = max(len(triples) // 20, 500)
    for count, (title, job_role, occupation_code) in enumerate(triples, start=1):
        out.append(normalise(title, job_role or None, occupation_code or None))
        if count % step == 0:
            report(count)
    return out


def _child(sender: Any, normaliser: Normaliser, triples: Sequence[tuple[str, str, str]]) -> None:
    try:
        # Plain tuples pickle several times faster than the frozen dataclass.
        sender.send([_fields(m) for m in _resolve(normaliser, triples, lambda _n: None)])
    finally:
        sender.close()


def _fields(match: Match) -> tuple[Any, ...]:
    return (match.slug, match.confidence, match.method, match.in_training, match.band_in_title, match.code_conflict,
            match.cleaned, match.candidates)  # fmt: skip


def _can_fork() -> bool:
    import multiprocessing
    import sys

    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def candidates_json(match: Match) -> list[list[Any]]:
    """A match's candidates as JSON-ready [slug, score] pairs."""
    return [[slug, score] for slug, score in match.candidates]
