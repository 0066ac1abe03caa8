"""Writing a month: one trust's month of aggregates replaced by an import's, and its per-role figures.

The aggregate rows (`ExtractTitle`, `StaffCount`, `StaffRecordFigure`) are written in bulk with one
summary audit record per import (see services.py for why). `replace_month` runs in named steps:
retire the month's previous import, answer each title (role, training, review, band range), write
the titles, write the counts, and record the import's summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from newroles.audit.writes import update_row
from newroles.lib.bands import AFC_BANDS, band_index
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.workforce import pipeline as p
from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount, StaffRecordFigure, month_label
from newroles.workforce.signals import month_counted

# Titles answered below this confidence go to the trust's "titles to resolve" list with their answer
# as the suggestion: fuzzy matches and code-only answers mostly (exact aliases and rules score >= 0.88).
REVIEW_CONFIDENCE = 0.8

# The columns of the two bulk inserts, in the order their rows are built below.
TITLE_COLUMNS = (
    "extract", "trust", "month", "title", "job_role", "occupation_code", "cleaned", "role", "confidence",
    "method", "in_training", "code_conflict", "band_in_title", "candidates", "headcount", "wte",
    "band_missing", "band_unreadable", "band_outside", "wte_missing", "wte_impossible", "duplicate_rows",
    "review", "remembered", "position",
)  # fmt: skip
COUNT_COLUMNS = (
    "extract", "trust", "month", "org_unit", "area_of_work", "role", "title", "in_training", "band",
    "staff_group", "headcount", "wte",
)  # fmt: skip


def _delete_month(trust: Trust, month: dt.date) -> None:
    """Remove a trust's month of aggregate rows with plain DELETEs (the ORM would first fetch every row)."""
    with connection.cursor() as cursor:
        for model in (StaffCount, StaffRecordFigure, ExtractTitle):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE trust_id = %s AND month = %s", [trust.pk, month])


def insert_rows(model: type, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Bulk insert of rows that need no model instances (their values come checked from the pipeline).

    On PostgreSQL with COPY (psycopg's `copy`), several times faster than INSERTs; elsewhere with
    executemany, itself several times faster than bulk_create for aggregate rows.
    """
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def role_bands() -> dict[str, tuple[int, int, int | None, int | None]]:
    """slug -> (pk, newness is not established, lowest band index, highest band index)."""
    out = {}
    for role in Role.objects.all():
        low = band_index(role.band_min) if role.band_min and not role.medical else None
        high = band_index(role.band_max) if role.band_max and not role.medical else None
        out[role.slug] = (role.pk, int(role.is_new), low, high)
    return out


def needs_review(match: Any) -> bool:
    """A title the trust should look at: unresolved, or matched below REVIEW_CONFIDENCE."""
    return match.slug is None or match.confidence < REVIEW_CONFIDENCE


def replace_month(
    obj: ExtractImport,
    aggregated: p.Aggregated,
    code: str,
    actor: Any,
    extra: dict[str, Any] | None = None,
    *,
    counted_under: str = "",
) -> None:
    """Replace the trust's month with this import's aggregates (the rows of trust code `code`; "" for a
    one-trust extract), matched under catalogue version `counted_under`. Must run inside a transaction."""
    titles = aggregated.titles.filter(pl.col(p.TRUST_CODE) == code)
    cells = aggregated.cells.filter(pl.col(p.TRUST_CODE) == code)
    previous = _retire_previous(obj, actor)
    answers = _answers(titles["title_id"].to_list(), aggregated.matches, role_bands())
    cells, titles = _with_answers(cells, titles, answers)
    db_ids = _write_titles(obj, titles, aggregated.matches, aggregated.recalled)
    counted = _write_counts(obj, cells, db_ids)
    _record_import(obj, aggregated, code, titles, counted, previous, actor, extra or {}, counted_under)


def _retire_previous(obj: ExtractImport, actor: Any) -> list[ExtractImport]:
    """Delete the month's aggregate rows and mark the imports they came from no longer current."""
    trust, month = obj.trust, obj.month
    previous = list(ExtractImport.objects.filter(trust=trust, month=month, is_current=True).exclude(pk=obj.pk))
    _delete_month(trust, month)
    for old in previous:
        update_row(actor, old, {"is_current": False}, message=f"replaced by import {obj.pk}")
    return previous


def _answers(ordered_ids: list[int], matches: dict[int, Any], roles: dict[str, tuple[Any, ...]]) -> pl.DataFrame:
    """Per title (in the titles' order): its role's id, training, whether it needs review, and the
    role's band range (low, high) for the band check."""
    return pl.DataFrame(
        {
            "title_id": ordered_ids,
            "role_id": [roles[matches[t].slug][0] if matches[t].slug in roles else None for t in ordered_ids],
            "in_training": [matches[t].in_training for t in ordered_ids],
            "review": [needs_review(matches[t]) for t in ordered_ids],
            "low": [roles[matches[t].slug][2] if matches[t].slug in roles else None for t in ordered_ids],
            "high": [roles[matches[t].slug][3] if matches[t].slug in roles else None for t in ordered_ids],
        },
        schema={"title_id": pl.UInt32, "role_id": pl.Int64, "in_training": pl.Boolean, "review": pl.Boolean,
                "low": pl.Int32, "high": pl.Int32},
    )  # fmt: skip


def _with_answers(cells: pl.DataFrame, titles: pl.DataFrame, answers: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """The cells and titles joined with their title's answer; each title also gets the staff whose band
    lies outside its role's range (`band_outside`)."""
    band_order = {band: i for i, band in enumerate(AFC_BANDS)}
    cells = cells.join(answers, on="title_id", how="left").with_columns(
        band_at=pl.col(p.BAND).replace_strict(band_order, default=None, return_dtype=pl.Int32)
    )
    outside = (
        cells.filter((pl.col("band_at") < pl.col("low")) | (pl.col("band_at") > pl.col("high")))
        .group_by("title_id").agg(pl.col("headcount").sum().alias("band_outside"))
    )  # fmt: skip
    titles = (
        titles.join(outside, on="title_id", how="left").join(answers, on="title_id", how="left")
        .with_columns(pl.col(p.WTE).round(2))
    )  # fmt: skip
    return cells, titles


def _write_titles(
    obj: ExtractImport, titles: pl.DataFrame, matches: dict[int, Any], recalled: set[int]
) -> pl.DataFrame:
    """Insert the month's distinct titles; returns each pipeline title id with its database id."""
    # Candidates matter only to whoever reviews a title; the same few lists recur, so each is encoded once.
    encoded: dict[tuple[Any, ...], Any] = {}

    def candidates(match: Any, review: bool) -> Any:
        key = match.candidates if review else ()
        if key not in encoded:
            encoded[key] = connection.ops.adapt_json_value([list(c) for c in key], None)
        return encoded[key]

    # Plain values, worked out once: the loop below runs once per title.
    extract_id, trust_id, month_text = obj.pk, obj.trust.pk, connection.ops.adapt_datefield_value(obj.month)
    title_rows = []
    for position, row in enumerate(
        titles.select(
            "title_id", p.TITLE, p.JOB_ROLE, p.OCCUPATION_CODE, "headcount", p.WTE, "band_missing", "band_unreadable",
            "band_outside", "wte_missing", "wte_impossible", "duplicate_rows", "role_id", "review",
        ).iter_rows()
    ):  # fmt: skip
        title_id, title, job_role, occupation_code, headcount, wte, *problems, role_id, review = row
        m = matches[title_id]
        title_rows.append((
            extract_id, trust_id, month_text, title, job_role, occupation_code, m.cleaned[:300], role_id,
            m.confidence, m.method, m.in_training, m.code_conflict, m.band_in_title or "",
            candidates(m, review), headcount, wte, *[n or 0 for n in problems], review, title_id in recalled,
            position,
        ))  # fmt: skip
    insert_rows(ExtractTitle, TITLE_COLUMNS, title_rows)
    # The database ids of the titles just written, by their position in this import.
    ordered_ids = titles["title_id"].to_list()
    ids = dict(ExtractTitle.objects.filter(trust=obj.trust, month=obj.month).values_list("position", "pk"))
    return pl.DataFrame(
        {"title_id": ordered_ids, "title_db": [ids[position] for position in range(len(ordered_ids))]},
        schema={"title_id": pl.UInt32, "title_db": pl.Int64},
    )


def _write_counts(obj: ExtractImport, cells: pl.DataFrame, db_ids: pl.DataFrame) -> pl.DataFrame:
    """Insert the month's counts: a confident title is counted under its role alone; a title for review
    keeps its own cells. Returns the counts written."""
    counted = (
        cells.join(db_ids, on="title_id", how="left")
        .with_columns(pl.when(pl.col("review")).then(pl.col("title_db")).otherwise(None).alias("title_db"))
        .group_by([p.ORG_UNIT, p.AREA_OF_WORK, "role_id", "title_db", "in_training", p.BAND, p.STAFF_GROUP])
        .agg(pl.col("headcount").sum(), pl.col(p.WTE).sum().round(2))
        .sort("title_db", nulls_last=False)  # index entries then arrive in order: faster inserts
    )
    extract_id, trust_id, month_text = obj.pk, obj.trust.pk, connection.ops.adapt_datefield_value(obj.month)
    insert_rows(
        StaffCount,
        COUNT_COLUMNS,
        (
            (extract_id, trust_id, month_text, org_unit, area, role_id, title_db, training, band, group, headcount,
             wte)
            for org_unit, area, role_id, title_db, training, band, group, headcount, wte in counted.iter_rows()
        ),
    )  # fmt: skip
    return counted


def match_summary(titles: pl.DataFrame) -> dict[str, int]:
    """Staff and titles matched to a role with confidence, given a role only as a guess waiting for
    the trust's review, and matched to no role: three figures that add up to the whole, so a guess is
    never counted as a match."""
    confident = pl.col("role_id").is_not_null() & ~pl.col("review")
    guess = pl.col("role_id").is_not_null() & pl.col("review")
    unmatched = pl.col("role_id").is_null()
    out = {}
    for name, condition in (("confident", confident), ("review", guess), ("unmatched", unmatched)):
        chosen = titles.filter(condition)
        out[f"staff_{name}"] = int(chosen["headcount"].sum() or 0)
        out[f"titles_{name}"] = chosen.height
    return out


def _record_import(
    obj: ExtractImport,
    aggregated: p.Aggregated,
    code: str,
    titles: pl.DataFrame,
    counted: pl.DataFrame,
    previous: list[ExtractImport],
    actor: Any,
    extra: dict[str, Any],
    counted_under: str,
) -> None:
    """The one audit record for the aggregate rows: the import's own change, with the counts it wrote."""
    problems = aggregated.problems.get(code, p.TrustProblems())
    summary = {
        "rows": problems.rows,
        "titles": titles.height,
        "cells": counted.height,
        **match_summary(titles),
        "assignment_checked": aggregated.has_assignment,
        "duplicate_rows": problems.duplicate_rows,
        "band_missing": problems.band_missing,
        "band_unreadable": problems.band_unreadable,
        "unreadable_bands": problems.unreadable_bands,
        "wte_missing": problems.wte_missing,
        "wte_impossible": problems.wte_impossible,
        "impossible_wtes": problems.impossible_wtes,
        "replaced": [old.pk for old in previous],
        "titles_remembered": titles.filter(pl.col("title_id").is_in(list(aggregated.recalled))).height,
        **extra,
    }
    update_row(
        actor, obj,
        {"status": ExtractImport.DONE, "is_current": True, "summary": summary, "finished_at": timezone.now(),
         "progress": 100, "error": "", "counted_under": counted_under},
        message=(f"staff-record {month_label(obj.month)}: {problems.rows:,} rows read into {titles.height:,} titles "
                 f"and {counted.height:,} counts (aggregate rows written in bulk)"),
    )  # fmt: skip


def write_figures(obj: ExtractImport, actor: Any) -> dict[int, dict[str, Any]]:
    """Turn the month's counts into staff-record figures per role, then tell the apps built on the staff
    record (`signals.month_counted`: the map keeps its deployments' figures current). Returns the
    figures, role id -> headcount, WTE and staff in training."""
    trust, month = obj.trust, obj.month
    rows = (
        StaffCount.objects.filter(trust=trust, month=month, role__isnull=False)
        .values("role")
        .annotate(staff=Sum("headcount"), wte_sum=Sum("wte"), training=Sum("headcount", filter=Q(in_training=True)))
        .order_by()
    )
    figures = {r["role"]: {"headcount": r["staff"], "wte": r["wte_sum"], "training": r["training"]} for r in rows}
    # Per-role figures are aggregates of the import too: rewritten in bulk, covered by its audit record.
    StaffRecordFigure.objects.filter(trust=trust, month=month).delete()
    StaffRecordFigure.objects.bulk_create(
        StaffRecordFigure(
            trust=trust, role_id=role_id, month=month, extract=obj, headcount=r["headcount"],
            wte=Decimal(r["wte"] or 0).quantize(Decimal("0.01")), in_training=r["training"] or 0,
        )
        for role_id, r in figures.items()
    )  # fmt: skip
    month_counted.send(sender=ExtractImport, extract_import=obj, figures=figures, actor=actor)
    return figures
