"""The staff record: aggregate counts (small counts starred outside their trust, as on the pages), data-quality
findings, titles to resolve and the decisions on them, and the title normaliser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from newroles.accounts import disclosure, policy
from newroles.api.base import PROBLEMS, channel, normaliser_throttle, require_write, write_throttle
from newroles.api.conditional import conditional
from newroles.api.routes_register import trust_by_code
from newroles.api.schemas import Shown, ShownDecimal
from newroles.audit.context import via
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.workforce import quality
from newroles.workforce import services as workforce
from newroles.workforce.models import StaffCount, TitleDecision
from newroles.workforce.normalisers import normaliser_for

# The national page's own month choice and table: the API answers with exactly what the page shows.
from newroles.workforce.views import _present, _staff_by_role_and_trust

router = Router(tags=["staff record"])
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_TITLES = 10_000
CENTS = Decimal("0.01")


def _month(text: str | None, months: list[dt.date], field: str = "month") -> dt.date | None:
    if not text:
        return months[0] if months else None
    month = dt.date(int(text[:4]), int(text[5:7]), 1)
    if month not in months:
        raise ValidationError({field: f"No staff-record data for {text}."})
    return month


def _wte(value: Any) -> Any:
    """A WTE to two places (a sum over many cells carries the database's long decimals); "*" stays "*"."""
    return value if value is None or isinstance(value, str) else Decimal(value).quantize(CENTS)


def _member_trust(request: HttpRequest, ods_code: str) -> Trust:
    """A trust whose own staff-record pages the caller may read (its members and administrators): 404 otherwise."""
    obj = trust_by_code(ods_code)
    if not policy.can_see_in(request.user, obj.pk):
        raise Http404("No such trust.")
    return obj


# Counts ---------------------------------------------------------------------------------------------


class CellOut(Schema):
    month: str
    role: str | None = Field(description="Role slug; null for titles not yet matched to a role.")
    band: str | None = None
    headcount: Shown
    wte: ShownDecimal
    in_training: Shown


class TrustCountsOut(Schema):
    trust: str
    months: list[str]
    cells: list[CellOut]


@router.get("/staff-record/trusts/{ods_code}/counts", response={200: TrustCountsOut, **PROBLEMS})
@conditional
def trust_counts(
    request: HttpRequest,
    ods_code: str,
    month: str | None = Query(None, pattern=MONTH, description="YYYY-MM; the latest month by default."),
    by: Literal["role", "band"] = "role",
) -> Any:
    """A trust's own counts for a month by role (or by role and band): for its members, in full, as its pages."""
    obj = _member_trust(request, ods_code)
    months = quality.months_with_data([obj.pk])
    chosen = _month(month, months)
    keys = ["role__slug", "band"] if by == "band" else ["role__slug"]
    cells = []
    if chosen is not None:
        rows = (
            StaffCount.objects.filter(trust=obj, month=chosen, extract__is_current=True).values(*keys)
            .annotate(staff=Sum("headcount"), wte_sum=Sum("wte"),
                      training=Sum("headcount", filter=Q(in_training=True)))
            .order_by(*keys)
        )  # fmt: skip
        for r in rows:
            cells.append({
                "month": f"{chosen:%Y-%m}", "role": r["role__slug"], "band": r.get("band"),
                "headcount": disclosure.count_for(request.user, obj.pk, r["staff"]),
                "wte": _wte(disclosure.wte_for(request.user, obj.pk, r["wte_sum"] or Decimal(0), r["staff"])),
                "in_training": disclosure.count_for(request.user, obj.pk, r["training"] or 0),
            })  # fmt: skip
    return {"trust": obj.ods_code, "months": [f"{m:%Y-%m}" for m in months], "cells": cells}


class NationalCellOut(Schema):
    month: str
    role: str | None = Field(description="Role slug; null for titles not yet matched to a role.")
    trusts: int = Field(description="Trusts counting staff under the role that month.")
    headcount: Shown
    wte: ShownDecimal
    in_training: Shown


class NationalCountsOut(Schema):
    months: list[str]
    cells: list[NationalCellOut]


def national_rows(user: Any, month: dt.date, trust_ids: list[int]) -> list[dict[str, Any]]:
    """The national staff-record table for a month, each total protected exactly as the national page does."""
    by_trust = _staff_by_role_and_trust(trust_ids, month)
    counts = workforce.counts_by_role(trust_ids, month)
    cells = [by_trust.get(c.role.pk if c.role else None, {"staff": {}, "training": {}}) for c in counts]
    hidden = disclosure.protect_column(user, [cell["staff"] for cell in cells])
    return [
        {"month": f"{month:%Y-%m}", "role": c.role.slug if c.role else None,
         "trusts": sum(1 for n in cell["staff"].values() if n),
         "headcount": disclosure.SUPPRESSED if hide else c.headcount,
         "wte": disclosure.SUPPRESSED if hide else _wte(c.wte),
         "in_training": disclosure.total_shown(user, cell["training"])}
        for c, cell, hide in zip(counts, cells, hidden, strict=True)
    ]  # fmt: skip


@router.get("/staff-record/national", response={200: NationalCountsOut, **PROBLEMS})
@conditional
def national_counts(
    request: HttpRequest,
    role: str | None = Query(None, description="Role slug; 'unresolved' for titles not matched to a role."),
    month: str | None = Query(None, pattern=MONTH, description="YYYY-MM; every month by default."),
) -> Any:
    """National staff by role, month by month (each month over the trusts that sent it), as the national
    staff-record page shows it: a total that would give away a small count is "*"."""
    if role and role != "unresolved" and not Role.objects.filter(slug=role).exists():
        raise ValidationError({"role": f"No role with the slug '{role}'."})
    coverage = workforce.month_coverage()
    months = sorted(coverage, reverse=True)
    chosen = [_month(month, months)] if month else months
    cells: list[dict[str, Any]] = []
    for m in sorted(c for c in chosen if c is not None):
        rows = national_rows(request.user, m, sorted(coverage[m]))
        if role:
            rows = [r for r in rows if r["role"] == (None if role == "unresolved" else role)]
        cells.extend(rows)
    return {"months": [f"{m:%Y-%m}" for m in months], "cells": cells}


# Data quality ---------------------------------------------------------------------------------------


class ExampleOut(Schema):
    text: str
    detail: str
    staff: Shown


class FindingOut(Schema):
    key: str
    label: str
    checked: bool
    staff: Shown
    previous: Shown | Literal[""]
    change: str | None
    examples: list[ExampleOut]


class QualityOut(Schema):
    trust: str
    month: str | None
    findings: list[FindingOut]


@router.get("/staff-record/trusts/{ods_code}/quality", response={200: QualityOut, **PROBLEMS})
@conditional
def trust_quality(request: HttpRequest, ods_code: str, month: str | None = Query(None, pattern=MONTH)) -> Any:
    """A trust's data-quality findings for a month (its members), as its data-quality page shows them."""
    obj = _member_trust(request, ods_code)
    chosen = _month(month, quality.months_with_data([obj.pk]))
    report = quality.report([obj.pk], chosen)
    findings = [
        {"key": f["finding"].key, "label": f["label"], "checked": f["checked"], "staff": f["count_shown"],
         "previous": f["previous_shown"], "change": f["change_shown"],
         "examples": [{"text": e["text"], "detail": e["detail"], "staff": e["count_shown"]} for e in f["examples"]]}
        for f in _present(report, request.user)
    ]  # fmt: skip
    return {"trust": obj.ods_code, "month": f"{chosen:%Y-%m}" if chosen else None, "findings": findings}


# Titles to resolve and decisions --------------------------------------------------------------------


class TitleGroupOut(Schema):
    key: str = Field(description="The cleaned title; send it back as the decision's key.")
    headcount: int
    titles: list[tuple[str, int]]
    suggestion: str | None = Field(description="Suggested role slug.")
    score: float
    not_a_role: bool


@router.get("/trusts/{ods_code}/titles-to-resolve", response={200: list[TitleGroupOut], **PROBLEMS})
@conditional
def titles_to_resolve(request: HttpRequest, ods_code: str, month: str | None = Query(None, pattern=MONTH)) -> Any:
    """The trust's staff-record titles waiting for a decision (its members), most staff first."""
    obj = _member_trust(request, ods_code)
    chosen = _month(month, quality.months_with_data([obj.pk]))
    groups = workforce.titles_to_resolve(obj, chosen) if chosen else []
    return [{"key": g.key, "headcount": g.headcount, "titles": g.titles, "score": g.score, "not_a_role": g.not_a_role,
             "suggestion": g.suggestion.slug if g.suggestion else None} for g in groups]  # fmt: skip


class DecisionIn(Schema):
    key: str = Field(min_length=1, max_length=300)
    outcome: Literal["accepted", "other_role", "not_new"]
    role: str | None = Field(None, description="Role slug; needed unless the outcome is not_new.")
    propose: bool = Field(False, description="Also propose the title to the national catalogue.")


class DecisionOut(Schema):
    trust: str
    key: str
    outcome: str
    role: str | None
    proposed: bool


@router.post("/trusts/{ods_code}/title-decisions", response={200: DecisionOut, **PROBLEMS},
             throttle=[write_throttle()])  # fmt: skip
def decide_title(request: HttpRequest, ods_code: str, payload: DecisionIn) -> Any:
    """Decide what a title means (the trust's editors): it is the suggested role, another role, or not a new
    role. The trust's counts are recounted, as when deciding on its titles page."""
    require_write(request)
    obj = _member_trust(request, ods_code)
    policy.require_editor(request.user, obj)
    role = None
    if payload.outcome != TitleDecision.NOT_NEW:
        role = Role.objects.filter(slug=payload.role or "").first()
        if role is None:
            raise ValidationError({"role": "Give the slug of the role the title means."})
    with via(channel(request)):
        decision = workforce.decide_title(actor=request.user, trust=obj, key=payload.key, outcome=payload.outcome,
                                          role=role, propose=payload.propose)  # fmt: skip
    return {"trust": obj.ods_code, "key": decision.key, "outcome": decision.outcome,
            "role": decision.role.slug if decision.role_id else None, "proposed": decision.proposed}  # fmt: skip


# The normaliser -------------------------------------------------------------------------------------


# Plain pydantic models, not ninja's Schema: these carry up to 10,000 items, and Schema's per-object hook (which
# reads Django model attributes) would cost more than the normaliser itself.
class TitleIn(BaseModel):
    title: str = Field(max_length=300)
    job_role: str | None = Field(None, max_length=300, description="ESR job role, when the extract has it.")
    occupation_code: str | None = Field(None, max_length=10, description="NHS occupation code.")


class NormaliseIn(BaseModel):
    titles: list[TitleIn] = Field(max_length=MAX_TITLES)
    trust: str | None = Field(None, description="ODS code: also use this trust's own titles (its members).")


class NormalisedOut(BaseModel):
    title: str
    role_slug: str | None
    confidence: float
    method: str
    in_training: bool


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its `$defs` put in place, to stand alone inside the OpenAPI document."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


NORMALISE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inlined(NormaliseIn.model_json_schema())}},
    }
}


@router.post("/titles/normalise", response={200: list[NormalisedOut], **PROBLEMS},
             throttle=[normaliser_throttle()], openapi_extra=NORMALISE_BODY)  # fmt: skip
def normalise(request: HttpRequest) -> Any:
    """Match job titles to catalogue roles, as `newroles normalise-titles` does (up to 10,000 in one request).

    The body is read with pydantic directly and the answer written as JSON directly (both as documented):
    django-ninja's per-object hooks would cost more than the normaliser on 10,000 titles.
    """
    payload = NormaliseIn.model_validate_json(request.body or b"{}")
    trust = _member_trust(request, payload.trust) if payload.trust else None
    matches = normaliser_for(trust).normalise_many([(t.title, t.job_role or "", t.occupation_code or "")
                                                   for t in payload.titles])  # fmt: skip
    return JsonResponse(
        [{"title": t.title, "role_slug": m.slug, "confidence": round(m.confidence, 3), "method": m.method,
          "in_training": m.in_training} for t, m in zip(payload.titles, matches, strict=True)],
        safe=False,
    )  # fmt: skip
