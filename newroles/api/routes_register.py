"""Regions, trusts, teams, the role catalogue and packs, deployments, engagements and the national map."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from newroles.accounts import policy
from newroles.api import schemas as s
from newroles.api.base import DEFAULT_PAGE_SIZE, PROBLEMS, Page, channel, paginate, require_write, write_throttle
from newroles.api.conditional import conditional
from newroles.audit.context import via
from newroles.mapping import services as mapping
from newroles.mapping.filters import DeploymentFilter
from newroles.mapping.models import Deployment
from newroles.organisations import services as organisations
from newroles.organisations.models import Region, Team, Trust
from newroles.roles.models import PackComponent, Role, RoleAlias, RolePack

router = Router(tags=["register"])


class Paging(Schema):
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


def trust_by_code(ods_code: str) -> Trust:
    """A trust by its ODS code (every signed-in user reads the register of trusts)."""
    return get_object_or_404(Trust, ods_code=ods_code.upper())


# Regions and trusts ---------------------------------------------------------------------------------


@router.get("/regions", response={200: list[s.RegionOut], **PROBLEMS})
@conditional
def regions(request: HttpRequest) -> Any:
    return Region.objects.order_by("sort_order", "name")


@router.get("/trusts", response={200: list[s.TrustOut], **PROBLEMS})
@conditional
def trusts(request: HttpRequest, region: str | None = None) -> Any:
    qs = Trust.objects.select_related("region").order_by("name")
    if region:
        qs = qs.filter(region__code=region)
    return [_trust(t) for t in qs]


def _trust(t: Trust) -> dict[str, Any]:
    return {"ods_code": t.ods_code, "name": t.name, "region": t.region.code, "status": t.status,
            "in_study_set": t.in_study_set, "website": t.website}  # fmt: skip


@router.get("/trusts/{ods_code}", response={200: s.TrustOut, **PROBLEMS})
def trust(request: HttpRequest, ods_code: str) -> Any:
    return _trust(trust_by_code(ods_code))


# Teams ----------------------------------------------------------------------------------------------


def _team(t: Team) -> dict[str, Any]:
    return {"id": t.pk, "trust": t.trust.ods_code, "name": t.name, "service_type": t.service_type,
            "description": t.description, "is_shared": t.is_shared, "updated_at": t.updated_at}  # fmt: skip


@router.get("/trusts/{ods_code}/teams", response={200: list[s.TeamOut], **PROBLEMS})
@conditional
def teams(request: HttpRequest, ods_code: str) -> Any:
    """The trust's teams you may see: all of them for its members, its shared teams for everyone else."""
    obj = trust_by_code(ods_code)
    return [_team(t) for t in policy.visible(request.user, obj.teams.select_related("trust").order_by("name", "pk"))]


@router.get("/teams/{team_id}", response={200: s.TeamOut, **PROBLEMS})
def team(request: HttpRequest, team_id: int) -> Any:
    return _team(policy.get_for_user(request.user, Team.objects.select_related("trust"), pk=team_id))


@router.post("/trusts/{ods_code}/teams", response={201: s.TeamOut, **PROBLEMS}, throttle=[write_throttle()])
def team_create(request: HttpRequest, ods_code: str, payload: s.TeamIn) -> Any:
    require_write(request)
    obj = trust_by_code(ods_code)
    if not policy.can_change_in(request.user, obj.pk):
        raise PermissionDenied("Only the trust's editors add its teams.")
    with via(channel(request)):
        created = organisations.create_team(actor=request.user, trust=obj, **payload.dict())
    return Status(201, _team(created))


@router.patch("/teams/{team_id}", response={200: s.TeamOut, **PROBLEMS}, throttle=[write_throttle()])
def team_update(request: HttpRequest, team_id: int, payload: s.TeamPatch) -> Any:
    require_write(request)
    obj = policy.get_for_user(request.user, Team.objects.select_related("trust"), "change", pk=team_id)
    with via(channel(request)):
        changed = organisations.update_team(actor=request.user, team=obj, **payload.dict(exclude_unset=True))
    return _team(changed)


# The role catalogue and packs -----------------------------------------------------------------------


def _role(r: Role, aliases: list[RoleAlias]) -> dict[str, Any]:
    return {
        "slug": r.slug, "name": r.name, "staff_group": r.staff_group, "newness": r.newness, "level": r.level,
        "regulator": r.regulator, "registration": r.registration, "medical": r.medical, "band_min": r.band_min,
        "band_max": r.band_max, "lead_time_months": r.lead_time_months,
        "aliases": [{"title": a.title, "kind": a.kind, "in_training": a.in_training,
                     "trust": a.trust.ods_code if a.trust_id else None} for a in aliases],
        "codes": [{"system": c.system, "code": c.code, "label": c.label, "in_training": c.in_training}
                  for c in r.codes.all()],
    }  # fmt: skip


def _roles(user: Any, qs: QuerySet[Role]) -> list[dict[str, Any]]:
    # Approved aliases only, and a trust's own aliases only for those who may see that trust's rows.
    aliases = policy.visible(user, RoleAlias.objects.filter(status=RoleAlias.APPROVED).select_related("trust"))
    roles = list(qs.prefetch_related("codes", Prefetch("aliases", queryset=aliases.order_by("title", "pk"),
                                                        to_attr="shown_aliases")))  # fmt: skip
    return [_role(r, r.shown_aliases) for r in roles]


@router.get("/roles", response={200: list[s.RoleOut], **PROBLEMS})
@conditional
def roles(request: HttpRequest) -> Any:
    """The catalogue: every role with its aliases (the national ones, and your trusts' own) and its codes."""
    return _roles(request.user, Role.objects.order_by("name", "pk"))


@router.get("/roles/{slug}", response={200: s.RoleOut, **PROBLEMS})
def role(request: HttpRequest, slug: str) -> Any:
    found = _roles(request.user, Role.objects.filter(slug=slug))
    if not found:
        raise Http404("No such role.")
    return found[0]


def _pack(p: RolePack) -> dict[str, Any]:
    return {
        "id": p.pk, "role": p.role.slug, "trust": p.trust.ods_code if p.trust_id else None, "version": p.version,
        "title": p.title, "status": p.status, "is_current": p.is_current, "is_shared": p.is_shared,
        "review_by": p.review_by,
        "components": [{"key": c.key, "text": c.text, "not_yet_written": c.not_yet_written}
                       for c in sorted(p.components.all(), key=lambda c: c.order)],
    }  # fmt: skip


def _packs(user: Any) -> QuerySet[RolePack]:
    components = policy.visible(user, PackComponent.objects.all())
    return policy.visible(user, RolePack.objects.select_related("role", "trust")).prefetch_related(
        Prefetch("components", queryset=components)
    )


@router.get("/packs", response={200: Page[s.PackOut], **PROBLEMS})
@conditional
def packs(request: HttpRequest, paging: Query[Paging], role: str | None = None, current: bool | None = None) -> Any:
    """National packs, packs trusts share, and your trusts' own."""
    qs = _packs(request.user).order_by("role__name", "trust__name", "-version", "pk")
    if role:
        qs = qs.filter(role__slug=role)
    if current is not None:
        qs = qs.filter(is_current=current)
    rows, meta = paginate(qs, paging.page, paging.page_size)
    return {**meta, "results": [_pack(p) for p in rows]}


@router.get("/packs/{pack_id}", response={200: s.PackOut, **PROBLEMS})
def pack(request: HttpRequest, pack_id: int) -> Any:
    return _pack(policy.get_for_user(request.user, _packs(request.user), pk=pack_id))


# Deployments ----------------------------------------------------------------------------------------


class DeploymentQuery(Schema):
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    region: str | None = None
    trust: str | None = None
    role: str | None = None
    status: str | None = None
    reason: str | None = None
    intended_kind: str | None = None
    actual_kind: str | None = None
    drift: bool | None = None
    updated_since: dt.datetime | None = None


def _deployments(user: Any) -> QuerySet[Deployment]:
    teams = policy.visible(user, Team.objects.order_by("pk"))
    return policy.visible(user, Deployment.objects.select_related("trust__region", "role")).prefetch_related(
        Prefetch("teams", queryset=teams)
    )


def _deployment(d: Deployment) -> dict[str, Any]:
    """One deployment; its figures as `mapping.services.show_figures` set them for the caller."""
    return {
        "id": d.pk, "trust": d.trust.ods_code, "region": d.trust.region.code, "local_title": d.local_title,
        "role": d.role.slug if d.role_id else None, "status": d.status,
        "first_post_started": d.first_post_started, "planned_start": d.planned_start,
        "headcount": d.shown_headcount, "wte": d.shown_wte, "figures_as_of": d.figures_as_of,
        "figures_source": d.figures_source, "teams": [t.pk for t in d.teams.all()], "reasons": d.reasons,
        "reason_other": d.reason_other, "stance": d.stance, "trust_newness": d.trust_newness,
        "intended_kinds": d.intended_kinds, "actual_kinds": d.actual_kinds, "drifted": d.drifted,
        "updated_at": d.updated_at,
    }  # fmt: skip


@router.get("/deployments", response={200: Page[s.DeploymentOut], **PROBLEMS})
@conditional
def deployments(request: HttpRequest, q: Query[DeploymentQuery]) -> Any:
    """Every trust's deployments (the map is national), filtered as on the deployments page, oldest id first.

    Poll with `updated_since` (ISO 8601) and `If-None-Match`: an unchanged page answers 304.
    """
    params = {k: v for k, v in q.dict().items() if v is not None and k not in ("page", "page_size", "updated_since")}
    if "drift" in params:
        params["drift"] = "yes" if params["drift"] else ""
    found = DeploymentFilter(params, queryset=_deployments(request.user))
    if not found.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in found.errors.items()})
    qs = found.qs
    if q.drift is False:
        qs = qs.exclude(pk__in=[d.pk for d in DeploymentFilter({"drift": "yes"}, queryset=qs).qs])
    if q.updated_since is not None:
        qs = qs.filter(updated_at__gt=q.updated_since)
    rows, meta = paginate(qs.order_by("pk"), q.page, q.page_size)
    return {**meta, "results": [_deployment(d) for d in mapping.show_figures(request.user, rows)]}


@router.get("/deployments/{deployment_id}", response={200: s.DeploymentOut, **PROBLEMS})
def deployment(request: HttpRequest, deployment_id: int) -> Any:
    obj = policy.get_for_user(request.user, _deployments(request.user), pk=deployment_id)
    return _deployment(mapping.show_figures(request.user, [obj])[0])


def _deployment_fields(request: HttpRequest, trust_obj: Trust, data: dict[str, Any]) -> dict[str, Any]:
    """The payload as the services take it: a role by its slug, teams by id (only ones the caller may see)."""
    if "role" in data:
        slug = data.pop("role")
        if slug is not None:
            found = Role.objects.filter(slug=slug).first()
            if found is None:
                raise ValidationError({"role": f"No role with the slug '{slug}'."})
            data["role"] = found
        elif "role_given" in data:
            data["role"] = None
    data.pop("role_given", None)
    if "teams" in data:
        ids = list(dict.fromkeys(data["teams"] or []))
        found_teams = list(policy.visible(request.user, Team.objects.filter(pk__in=ids)))
        missing = sorted(set(ids) - {t.pk for t in found_teams})
        if missing:
            raise ValidationError({"teams": f"No team with id {', '.join(map(str, missing))} that you may see."})
        data["teams"] = found_teams
    return data


@router.post("/trusts/{ods_code}/deployments", response={201: s.DeploymentOut, **PROBLEMS},
             throttle=[write_throttle()])  # fmt: skip
def deployment_create(request: HttpRequest, ods_code: str, payload: s.DeploymentIn) -> Any:
    """Record a role at a trust (its editors). With no role given, the title is matched to one."""
    require_write(request)
    trust_obj = trust_by_code(ods_code)
    if not policy.can_change_in(request.user, trust_obj.pk):
        raise PermissionDenied("Only the trust's editors add its roles.")
    data = _deployment_fields(request, trust_obj, payload.dict(exclude_unset=True))
    with via(channel(request)):
        created = mapping.create_deployment(actor=request.user, trust=trust_obj, **data)
    return Status(201, deployment(request, created.pk))


@router.patch("/deployments/{deployment_id}", response={200: s.DeploymentOut, **PROBLEMS},
              throttle=[write_throttle()])  # fmt: skip
def deployment_update(request: HttpRequest, deployment_id: int, payload: s.DeploymentPatch) -> Any:
    """Change a deployment (its trust's editors); only the fields given change. `role: null` unmatches it."""
    require_write(request)
    obj = policy.get_for_user(request.user, Deployment.objects.select_related("trust"), "change", pk=deployment_id)
    data = payload.dict(exclude_unset=True)
    if "role" in data and data["role"] is None:
        data["role_given"] = True
    data = _deployment_fields(request, obj.trust, data)
    with via(channel(request)):
        mapping.update_deployment(actor=request.user, deployment=obj, **data)
    return deployment(request, obj.pk)


# Engagements and the national map ------------------------------------------------------------------


@router.get("/engagements", response={200: Page[s.EngagementOut], **PROBLEMS})
@conditional
def engagements(request: HttpRequest, paging: Query[Paging], phase: str | None = None) -> Any:
    """The mapping exercise's contacts with trusts: the research team's (an empty list for everyone else)."""
    qs = mapping.engagements_for(request.user).select_related("trust").order_by("pk")
    if phase:
        qs = qs.filter(phase=phase)
    rows, meta = paginate(qs, paging.page, paging.page_size)
    results = [{"id": e.pk, "trust": e.trust.ods_code, "phase": e.phase, "date": e.date,
                "participant_post": e.participant_post, "status": e.status} for e in rows]  # fmt: skip
    return {**meta, "results": results}


@router.get("/map/coverage", response={200: s.CoverageOut, **PROBLEMS})
@conditional
def coverage(request: HttpRequest) -> Any:
    """Per region, the study-set trusts engaged in phase 1 of the mapping exercise, as the map shows it."""
    cov = mapping.coverage()
    return {"engaged": cov.engaged, "total": cov.total,
            "regions": [{"region": r.region.code, "engaged": r.engaged, "total": r.total} for r in cov]}  # fmt: skip


@router.get("/map/national", response={200: s.NationalOut, **PROBLEMS})
@conditional
def national(request: HttpRequest, region: str | None = None) -> Any:
    """The national picture the map's dashboard shows (or a region's, with `region`), from the same function."""
    qs = _deployments(request.user)
    if region:
        qs = qs.filter(trust__region__code=region)
    picture = mapping.national_picture(qs)
    codes = dict(Region.objects.values_list("pk", "code"))
    return {
        "deployments": picture.deployments, "trusts": picture.trusts, "roles": picture.roles,
        "titles": picture.titles, "unmapped": picture.unmapped,
        "roles_ranked": [{"role": r.role.slug, "trusts": r.trusts, "deployments": r.deployments}
                         for r in picture.roles_ranked],
        "reasons": [vars(r) for r in picture.reasons], "kinds": [vars(k) for k in picture.kinds],
        "newness": [{"role": n.role.slug, "new_role": n.new_role, "new_title": n.new_title, "not_new": n.not_new,
                     "disagree": n.disagree} for n in picture.newness],
        "drifted": [d.pk for d in picture.drift],
        "by_region": {codes[k]: v for k, v in picture.by_region.items()},
    }  # fmt: skip
