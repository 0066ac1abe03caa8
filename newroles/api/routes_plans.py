"""Funding lines and their warnings, the national funding picture, readiness summaries, forewarning events,
skill-mix compositions and scenarios, and the skill-mix classifier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema, Status

from newroles.accounts import disclosure, policy
from newroles.api.base import PROBLEMS, Page, channel, paginate, require_write, write_throttle
from newroles.api.conditional import conditional
from newroles.api.routes_register import Paging, trust_by_code
from newroles.api.schemas import Shown
from newroles.audit.context import via
from newroles.forewarning import services as forewarning
from newroles.funding import services as funding
from newroles.funding import warnings as funding_warnings
from newroles.funding.models import COST_FIELDS, FundingLine
from newroles.funding.national import national_funding
from newroles.funding.shares import Share
from newroles.mapping.models import Deployment
from newroles.readiness.summary import summaries
from newroles.skillmix import results
from newroles.skillmix.management.commands.skillmix import _rounded
from newroles.skillmix.models import Composition, Scenario
from newroles.skillmix.roles_facts import classify_json
from newroles.skillmix.typology import ShiftError

router = Router(tags=["plans"])


def _today() -> dt.date:
    return timezone.localdate()


def _member_trust(request: HttpRequest, ods_code: str) -> Any:
    obj = trust_by_code(ods_code)
    if not policy.can_see_in(request.user, obj.pk):
        raise Http404("No such trust.")
    return obj


# Funding --------------------------------------------------------------------------------------------


class ShareIO(Schema):
    partner_name: str = Field(min_length=1, max_length=200)
    percent: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)


class WarningOut(Schema):
    kind: str
    label: str
    line_id: int | None
    message: str


class FundingLineOut(Schema):
    id: int
    trust: str
    deployment: int
    name: str
    posts: int | None
    wte: Decimal | None
    funder_kind: str
    funder_name: str
    funding_type: str
    amount_per_year: Decimal
    start_date: dt.date
    end_date: dt.date | None
    covers: list[str]
    conditions: str
    contract_status: str
    contract_note: str
    contract_holder: str
    partner_agreement: str
    shares: list[ShareIO]
    warnings: list[WarningOut]
    updated_at: dt.datetime


class FundingLineIn(Schema):
    deployment: int
    name: str = ""
    posts: int | None = Field(None, ge=0, le=10_000)
    wte: Decimal | None = Field(None, gt=0, le=10_000, max_digits=7, decimal_places=2)
    funder_kind: str
    funder_name: str = ""
    funding_type: Literal["recurrent", "time_limited"]
    amount_per_year: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    start_date: dt.date
    end_date: dt.date | None = None
    covers: list[str] = Field([], description="Costs it covers, any of: " + ", ".join(COST_FIELDS) + ".")
    conditions: str = ""
    contract_status: str = "agreed"
    contract_note: str = ""
    contract_holder: str = ""
    partner_agreement: str = ""
    notes: str = ""
    shares: list[ShareIO] | None = Field(None, description="Joint funders' shares, adding to 100.")


class FundingLinePatch(Schema):
    name: str | None = None
    posts: int | None = Field(None, ge=0, le=10_000)
    wte: Decimal | None = Field(None, gt=0, le=10_000, max_digits=7, decimal_places=2)
    funder_kind: str | None = None
    funder_name: str | None = None
    funding_type: Literal["recurrent", "time_limited"] | None = None
    amount_per_year: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    covers: list[str] | None = None
    conditions: str | None = None
    contract_status: str | None = None
    contract_note: str | None = None
    contract_holder: str | None = None
    partner_agreement: str | None = None
    notes: str | None = None
    shares: list[ShareIO] | None = None


def _lines(user: Any) -> QuerySet[FundingLine]:
    qs = FundingLine.objects.select_related("trust", "deployment__role", "funder").prefetch_related("shares")
    return policy.visible(user, qs)


def _line(line: FundingLine, warnings: list[Any]) -> dict[str, Any]:
    return {
        "id": line.pk, "trust": line.trust.ods_code, "deployment": line.deployment_id, "name": line.name,
        "posts": line.posts, "wte": line.wte, "funder_kind": line.funder_kind, "funder_name": line.funder_name,
        "funding_type": line.funding_type, "amount_per_year": line.amount_per_year, "start_date": line.start_date,
        "end_date": line.end_date, "covers": [c for c in COST_FIELDS if getattr(line, c)],
        "conditions": line.conditions, "contract_status": line.contract_status, "contract_note": line.contract_note,
        "contract_holder": line.contract_holder, "partner_agreement": line.partner_agreement,
        "shares": [{"partner_name": s.partner_name, "percent": s.percent} for s in line.shares.all()],
        "warnings": [{"kind": w.kind, "label": w.label, "line_id": w.line_id, "message": w.message}
                     for w in warnings if w.line_id in (None, line.pk)],
        "updated_at": line.updated_at,
    }  # fmt: skip


def _lines_out(lines: list[FundingLine]) -> list[dict[str, Any]]:
    # Warnings compare all of a deployment's lines, so they are worked out over the deployment, not one line.
    by_deployment = funding_warnings.for_deployments({ln.deployment for ln in lines}, today=_today())
    return [_line(ln, by_deployment.get(ln.deployment_id, [])) for ln in lines]


@router.get("/trusts/{ods_code}/funding-lines", response={200: Page[FundingLineOut], **PROBLEMS})
@conditional
def funding_lines(request: HttpRequest, ods_code: str, paging: Query[Paging]) -> Any:
    """The trust's funding lines with their warnings (cliffs, uncovered costs...): private to its members."""
    obj = _member_trust(request, ods_code)
    rows, meta = paginate(_lines(request.user).filter(trust=obj).order_by("pk"), paging.page, paging.page_size)
    return {**meta, "results": _lines_out(rows)}


@router.get("/funding-lines/{line_id}", response={200: FundingLineOut, **PROBLEMS})
def funding_line(request: HttpRequest, line_id: int) -> Any:
    return _lines_out([policy.get_for_user(request.user, _lines(request.user), pk=line_id)])[0]


def _line_fields(request: HttpRequest, trust: Any, data: dict[str, Any]) -> dict[str, Any]:
    if "deployment" in data:
        found = Deployment.objects.filter(pk=data["deployment"], trust=trust).first()
        if found is None:
            raise ValidationError({"deployment": f"The trust has no deployment with id {data['deployment']}."})
        data["deployment"] = found
    if "covers" in data:
        covers = set(data.pop("covers") or [])
        unknown = sorted(covers - set(COST_FIELDS))
        if unknown:
            raise ValidationError({"covers": f"Not known: {', '.join(unknown)}. Use any of: {', '.join(COST_FIELDS)}."})
        data.update({name: name in covers for name in COST_FIELDS})
    if "shares" in data:
        given = data.pop("shares")
        data["shares"] = None if given is None else [Share(s["partner_name"], s["percent"]) for s in given]
    return data


@router.post("/trusts/{ods_code}/funding-lines", response={201: FundingLineOut, **PROBLEMS},
             throttle=[write_throttle()])  # fmt: skip
def funding_line_create(request: HttpRequest, ods_code: str, payload: FundingLineIn) -> Any:
    """Record a funding line for one of the trust's deployments (its editors)."""
    require_write(request)
    obj = _member_trust(request, ods_code)
    policy.require_editor(request.user, obj)
    data = _line_fields(request, obj, payload.dict())
    with via(channel(request)):
        created = funding.create_line(actor=request.user, trust=obj, **data)
    return Status(201, funding_line(request, created.pk))


@router.patch("/funding-lines/{line_id}", response={200: FundingLineOut, **PROBLEMS}, throttle=[write_throttle()])
def funding_line_update(request: HttpRequest, line_id: int, payload: FundingLinePatch) -> Any:
    """Change a funding line (its trust's editors); only the fields given change, `shares` replaces them all."""
    require_write(request)
    obj = policy.get_for_user(request.user, _lines(request.user), "change", pk=line_id)
    data = _line_fields(request, obj.trust, payload.dict(exclude_unset=True))
    with via(channel(request)):
        funding.update_line(actor=request.user, line=obj, **data)
    return funding_line(request, obj.pk)


class CliffOut(Schema):
    name: str
    deployments_6: Shown
    wte_6: Decimal | Literal["*"] | None
    deployments_12: Shown
    wte_12: Decimal | Literal["*"] | None


class CostOut(Schema):
    label: str
    covered: Shown
    not_covered: Shown
    percent: Shown


class NationalFundingOut(Schema):
    every_trust: bool = Field(description="False: only your own trusts are counted.")
    trusts: int
    funded: Shown
    by_region: list[CliffOut]
    by_role: list[CliffOut]
    total: CliffOut
    costs: list[CostOut]


@router.get("/funding/national", response={200: NationalFundingOut, **PROBLEMS})
@conditional
def funding_national(request: HttpRequest) -> Any:
    """Funding cliffs by region and role and the costs funding covers, as the national funding page shows them."""
    picture = national_funding(request.user, today=_today())

    def cliff(r: Any) -> dict[str, Any]:
        return {"name": r.name, "deployments_6": r.deployments_6, "wte_6": r.wte_6,
                "deployments_12": r.deployments_12, "wte_12": r.wte_12}  # fmt: skip

    return {"every_trust": picture.every_trust, "trusts": picture.trusts, "funded": picture.funded,
            "by_region": [cliff(r) for r in picture.by_region], "by_role": [cliff(r) for r in picture.by_role],
            "total": cliff(picture.total),
            "costs": [{"label": c.label, "covered": c.covered, "not_covered": c.not_covered, "percent": c.percent}
                      for c in picture.costs]}  # fmt: skip


# Readiness ------------------------------------------------------------------------------------------


@router.get("/trusts/{ods_code}/readiness", response={200: list[dict[str, Any]], **PROBLEMS})
@conditional
def readiness(request: HttpRequest, ods_code: str) -> Any:
    """Each of the trust's deployments' readiness summary (its members), as on its readiness page."""
    obj = _member_trust(request, ods_code)
    deployments = list(Deployment.objects.filter(trust=obj).select_related("trust", "role").order_by("pk"))
    by_id = summaries(deployments, today=_today())
    return [by_id[d.pk].as_json() for d in deployments]


@router.get("/deployments/{deployment_id}/readiness", response={200: dict[str, Any], **PROBLEMS})
def deployment_readiness(request: HttpRequest, deployment_id: int) -> Any:
    """One deployment's readiness summary (its trust's members)."""
    found = Deployment.objects.select_related("trust", "role").filter(pk=deployment_id).first()
    if found is None or not policy.can_see_in(request.user, found.trust_id):
        raise Http404("No such deployment readiness.")
    return summaries([found], today=_today())[found.pk].as_json()


# Forewarning ----------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    date: dt.date
    title: str
    kind: str
    description: str
    region: str | None
    roles: list[str]
    source_url: str
    illustrative: bool


@router.get("/events", response={200: Page[EventOut], **PROBLEMS})
@conditional
def events(request: HttpRequest, paging: Query[Paging], role: str | None = None, after: dt.date | None = None) -> Any:
    """The forewarning register: events ahead (and past) that change what a role needs, date order."""
    qs = forewarning.events().order_by("date", "pk")
    if role:
        qs = qs.filter(roles__slug=role).distinct()
    if after:
        qs = qs.filter(date__gte=after)
    rows, meta = paginate(qs, paging.page, paging.page_size)
    results_ = [{"id": e.pk, "date": e.date, "title": e.title, "kind": e.kind, "description": e.description,
                 "region": e.region.code if e.region_id else None, "roles": sorted(r.slug for r in e.roles.all()),
                 "source_url": e.source_url, "illustrative": e.illustrative} for e in rows]  # fmt: skip
    return {**meta, "results": results_}


# Skill-mix ------------------------------------------------------------------------------------------

COMPOSITIONS = Composition.objects.select_related("team__trust")
SCENARIOS = Scenario.objects.select_related("composition__team__trust")


class CompositionOut(Schema):
    id: int
    trust: str
    team: str = Field(description="The team's name, or its kind and trust where the team is private to it.")
    name: str
    as_of: dt.date | None
    is_shared: bool
    metrics: dict[str, Any]


def _composition(user: Any, c: Composition) -> dict[str, Any]:
    return {"id": c.pk, "trust": c.team.trust.ods_code, "team": disclosure.team_name(user, c.team), "name": c.name,
            "as_of": c.as_of, "is_shared": c.is_shared,
            "metrics": results.composition_metrics(c).as_dict()}  # fmt: skip


@router.get("/skillmix/compositions", response={200: Page[CompositionOut], **PROBLEMS})
@conditional
def compositions(request: HttpRequest, paging: Query[Paging]) -> Any:
    """Team compositions you may see (your trusts', and those trusts share), each with its metrics."""
    qs = policy.visible(request.user, COMPOSITIONS.all()).order_by("pk")
    rows, meta = paginate(qs, paging.page, min(paging.page_size, 50))
    return {**meta, "results": [_composition(request.user, c) for c in rows]}


@router.get("/skillmix/compositions/{composition_id}", response={200: CompositionOut, **PROBLEMS})
def composition(request: HttpRequest, composition_id: int) -> Any:
    return _composition(request.user, policy.get_for_user(request.user, COMPOSITIONS, pk=composition_id))


class ScenarioOut(Schema):
    id: int
    composition: int
    name: str
    kinds: dict[str, list[str]]
    before: dict[str, Any]
    after: dict[str, Any]
    cost_difference: float


@router.get("/skillmix/scenarios/{scenario_id}", response={200: ScenarioOut, **PROBLEMS})
def scenario(request: HttpRequest, scenario_id: int) -> Any:
    """A scenario's team before and after its changes, with the kinds of skill-mix change they make."""
    obj = policy.get_for_user(request.user, SCENARIOS, pk=scenario_id)
    result = results.scenario_result(obj)
    return {"id": obj.pk, "composition": obj.composition_id, "name": obj.name, "kinds": result.kinds,
            "before": result.before.as_dict(), "after": result.after.as_dict(),
            "cost_difference": result.cost_difference}  # fmt: skip


SHIFTS = Body(..., description="One shift, or a list of them (the CLI's JSON).")


@router.post("/skillmix/classify", response={200: list[dict[str, Any]], **PROBLEMS})
def classify(request: HttpRequest, shifts: Any = SHIFTS) -> Any:
    """Classify task shifts into the five kinds of skill-mix change: the same JSON in and out as
    `newroles skillmix classify` (`newroles skillmix classify --help` describes a shift)."""
    try:
        return _rounded(classify_json(shifts))  # rounded as the CLI prints it
    except ShiftError as error:
        raise ValidationError({"shifts": str(error)}) from None
