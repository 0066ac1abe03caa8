"""Months and counts: reading a month, the months a trust has, and its staff counted by role."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.workforce.models import MONTH_FORMAT, ExtractImport, ExtractTitle, StaffCount
from newroles.workforce.month import REVIEW_CONFIDENCE


def parse_month(text: str) -> dt.date:
    """'2025-03' -> 1 March 2025. Raises ValueError with a readable message."""
    try:
        value = dt.datetime.strptime(text.strip(), MONTH_FORMAT).date()
    except ValueError:
        raise ValueError(f"'{text}' is not a month: give it as YYYY-MM, e.g. 2025-03.") from None
    if not 2000 <= value.year <= 2100:
        raise ValueError(f"'{text}' is not a plausible month.")
    return value


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def current_imports(trust: Trust) -> list[ExtractImport]:
    return list(ExtractImport.objects.filter(trust=trust, is_current=True).order_by("-month"))


def latest_month(trust: Trust) -> dt.date | None:
    return (
        ExtractImport.objects.filter(trust=trust, is_current=True)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def previous_month(trust_ids: Iterable[int], month: dt.date) -> dt.date | None:
    """The latest month before `month` with a current import for any of the trusts."""
    return (
        ExtractImport.objects.filter(trust_id__in=list(trust_ids), is_current=True, month__lt=month)
        .order_by("-month").values_list("month", flat=True).first()
    )  # fmt: skip


def month_coverage() -> dict[dt.date, set[int]]:
    """Each month with a current import, and the trusts that sent it."""
    coverage: dict[dt.date, set[int]] = {}
    for month, trust_id in ExtractImport.objects.filter(is_current=True).values_list("month", "trust_id"):
        coverage.setdefault(month, set()).add(trust_id)
    return coverage


def widest_month(coverage: dict[dt.date, set[int]]) -> dt.date | None:
    """The most recent of the months sent by the most trusts: the national pages open on it, so that
    one trust sending a newer month first does not take the national figures over."""
    return max(coverage, key=lambda m: (len(coverage[m]), m)) if coverage else None


def last_sent(coverage: dict[dt.date, set[int]]) -> dict[int, dt.date]:
    """Each trust's most recent month with a current import."""
    latest: dict[int, dt.date] = {}
    for month, trust_ids in coverage.items():
        for trust_id in trust_ids:
            if month > latest.get(trust_id, dt.date.min):
                latest[trust_id] = month
    return latest


@dataclass
class RoleCount:
    """Staff counted under one role (or, with role None, under unresolved titles)."""

    role: Role | None
    headcount: int
    wte: Decimal
    in_training: int
    trusts: int = 1
    guessed: int = 0  # of the headcount, staff whose title's role is a guess waiting for review


def counts_by_role(trust_ids: Sequence[int], month: dt.date) -> list[RoleCount]:
    """Headcount, WTE and staff in training per role for the trusts' month, most staff first."""
    rows = (
        StaffCount.objects.filter(trust_id__in=trust_ids, month=month)
        .values("role")
        .annotate(
            staff=Sum("headcount"), wte_sum=Sum("wte"), training=Sum("headcount", filter=Q(in_training=True)),
            guessed=Sum("headcount", filter=Q(title__isnull=False, title__confidence__lt=REVIEW_CONFIDENCE)),
        )
        .order_by()
    )  # fmt: skip
    roles = Role.objects.in_bulk([r["role"] for r in rows if r["role"]])
    out = [
        RoleCount(
            roles.get(r["role"]) if r["role"] else None, r["staff"], r["wte_sum"] or Decimal(0), r["training"] or 0,
            guessed=(r["guessed"] or 0) if r["role"] else 0,
        )
        for r in rows
    ]  # fmt: skip
    out.sort(key=lambda c: (c.role is None, -c.headcount))
    return out


# Matched, waiting for review, unmatched -------------------------------------------------------------

MATCH_KEYS = ("confident", "review", "unmatched")


def match_figures(titles: QuerySet[ExtractTitle]) -> dict[str, int]:
    """Staff and titles as they stand now: matched to a role with confidence (or decided by the trust),
    given a role only as a guess still waiting for review, and matched to no role. Keys as an import's
    summary has them (`staff_confident`, `titles_review`, ...): the three add up to the whole."""
    guess = Q(role__isnull=False, review=True, confidence__lt=REVIEW_CONFIDENCE)
    conditions = {"confident": Q(role__isnull=False) & ~guess, "review": guess, "unmatched": Q(role__isnull=True)}
    aggregates = {}
    for key, condition in conditions.items():
        aggregates[f"staff_{key}"] = Sum("headcount", filter=condition, default=0)
        aggregates[f"titles_{key}"] = Count("pk", filter=condition)
    return {k: int(v or 0) for k, v in titles.aggregate(**aggregates).items()}


def month_match_figures(trust: Trust, month: dt.date) -> dict[str, int]:
    """The trust's month as it stands now (after its decisions), split as `match_figures`."""
    return match_figures(ExtractTitle.objects.filter(trust=trust, month=month, extract__is_current=True))


def import_match_figures(obj: ExtractImport) -> dict[str, int] | None:
    """What an import found: from its summary, or, for an import recorded before the summary split them,
    from its titles while it is current (None once they are gone)."""
    summary = obj.summary or {}
    if "staff_confident" in summary:
        return {f"{kind}_{key}": int(summary.get(f"{kind}_{key}", 0)) for kind in ("staff", "titles")
                for key in MATCH_KEYS}  # fmt: skip
    if obj.status != ExtractImport.DONE or not obj.is_current:
        return None
    return match_figures(ExtractTitle.objects.filter(extract=obj))
