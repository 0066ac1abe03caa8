"""Pages of the national map. Each view's first lines decide access through the policy.

Deployments are read by everyone signed in; a trust's editors change them. Engagement rows are for the
research team and administrators; everyone else sees counts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.audit.cache import until_change
from newroles.audit.services import shown_history
from newroles.lib import charts
from newroles.lib.exports import download, file_response, table_bytes
from newroles.lib.forms import form_copy
from newroles.mapping import classifiers, services
from newroles.mapping import staff_record as staff_record_services
from newroles.mapping.filters import DeploymentFilter
from newroles.mapping.forms import DeploymentForm, ResolveForm
from newroles.mapping.models import (
    DEPLOYED_STATUSES,
    NEW_ROLE,
    NEW_TITLE,
    NOT_NEW,
    REASON_SHORT,
    TRUST_NEWNESS_CHOICES,
    Deployment,
)
from newroles.mapping.tiles import RegionValue, count_legend, share_legend, tile_map
from newroles.organisations.models import Organisation, Region, Team, Trust
from newroles.roles.models import Role
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS, KINDS
from newroles.workforce.access import staff_record_trust
from newroles.workforce.models import StaffRecordSuggestion

PAGE_SIZE = 50
NEWNESS_LABELS = dict(TRUST_NEWNESS_CHOICES)
NEWNESS_COLOURS = [charts.NHS_DARK_BLUE, charts.NHS_WARM_YELLOW, charts.NHS_MID_GREY]


def _deployments(user: Any) -> QuerySet[Deployment]:
    return policy.visible(user, Deployment.objects.select_related("trust__region", "role"))


def _visible_teams(user: Any) -> Prefetch:
    """Teams on a deployment as the user may see them: a private team's name stays inside its trust."""
    return Prefetch("teams", queryset=policy.visible(user, Team.objects.order_by("name")))


# Maps and charts ----------------------------------------------------------------------------------


def _coverage_map(cov: services.Coverage, highlight: str | None = None) -> str:
    values = [
        RegionValue(r.region, r.share, f"{r.engaged}/{r.total}", f"{r.region.name}: {r.engaged} of {r.total}.")
        for r in cov
    ]
    return tile_map(
        values,
        title="Trusts engaged in phase 1, by region",
        measure="the share of the region's study-set trusts engaged in phase 1",
        maximum=1,
        legend=share_legend(),
        highlight=highlight,
    )


def _count_map(
    regions: list[Region], counts: dict[int, int], *, title: str, noun: str, highlight: str | None = None
) -> str:
    maximum = max(counts.values(), default=0)
    values = [
        RegionValue(r, counts.get(r.pk, 0), str(counts.get(r.pk, 0)), f"{r.name}: {counts.get(r.pk, 0)} {noun}.")
        for r in regions
    ]
    return tile_map(
        values, title=title, measure=f"the number of {noun}", maximum=maximum, legend=count_legend(maximum),
        highlight=highlight,
    )  # fmt: skip


def _cell(text: Any, url: str = "", numeric: bool = False) -> dict[str, Any]:
    return {"text": text, "url": url, "numeric": numeric}


def _role_url(role: Role) -> str:
    return reverse("mapping:role", args=[role.slug])


def _picture_charts(
    picture: services.Picture,
    classification: classifiers.KindSource | None = None,
    switches: list[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """The dashboard's charts, each with the table that carries the same numbers; the kinds chart shows
    `classification` (another classification, such as the research team's) beside the rule's, and offers
    `switches` (label, address) between them."""
    out = []
    if picture.roles_ranked:
        rows = [{"role": r.role.name, "trusts": r.trusts} for r in picture.roles_ranked]
        out.append({
            "id": "roles",
            "title": "Roles ranked by number of trusts deploying them",
            "intro": "Trusts with the role in a pilot, active or paused; planned and discontinued roles are left out.",
            "svg": charts.bar_chart(rows, category="role", value="trusts", value_title="Trusts",
                                    label="Bar chart: roles ranked by number of trusts deploying them"),
            "headers": ["Role", "Trusts", "Deployments"],
            "rows": [[_cell(r.role.name, _role_url(r.role)), _cell(r.trusts, numeric=True),
                      _cell(r.deployments, numeric=True)] for r in picture.roles_ranked],
        })  # fmt: skip
    if picture.deployments:
        rows = [{"reason": REASON_SHORT[r.key], "deployments": r.count} for r in picture.reasons]
        out.append({
            "id": "reasons",
            "title": "Why trusts brought the roles in",
            "intro": "Deployments giving each reason; a deployment may give several.",
            "svg": charts.bar_chart(rows, category="reason", value="deployments", value_title="Deployments",
                                    colour=charts.NHS_AQUA_GREEN, label="Bar chart: reasons ranked by deployments"),
            "headers": ["Reason", "Deployments"],
            "rows": [[_cell(r.label, reverse("mapping:deployments") + f"?reason={r.key}"), _cell(r.count, numeric=True)]
                     for r in picture.reasons],
        })  # fmt: skip
        # Another classification (the research team's), passed in by key, shows as a third series.
        other = dict(classification.counts()) if classification else None
        series = [("Intended", "intended"), ("Actual", "actual")]
        if classification:
            series.append((classification.label, "other"))

        def value(k: Any, attr: str) -> int:
            return other.get(k.key, 0) if attr == "other" and other is not None else getattr(k, attr)

        rows = [
            {"kind": k.label, "which": label, "deployments": value(k, attr)}
            for k in picture.kinds
            for label, attr in series
        ]
        out.append({
            "id": "kinds",
            "title": "Kinds of skill-mix change, intended and actual",
            "intro": "Deployments intending each kind of change, and deployments where it was seen in practice."
                     + (f" {classification.label}: deployments the research team classified with each kind."
                        if classification else ""),
            "svg": charts.grouped_bar_chart(
                rows, category="kind", series="which", value="deployments", series_order=[s[0] for s in series],
                colours=[charts.NHS_BLUE, charts.NHS_WARM_YELLOW, charts.NHS_AQUA_GREEN][: len(series)],
                value_title="Deployments", label="Grouped bar chart: kinds of skill-mix change, intended and actual"
                + (f", and {classification.label.lower()}" if classification else "")),
            "headers": ["Kind of change", *[s[0] for s in series]],
            "rows": [[_cell(k.label), *[_cell(value(k, attr), numeric=True) for _, attr in series]]
                     for k in picture.kinds],
            "definitions": [(KIND_LABELS[k], KIND_DEFINITIONS[k]) for k in KINDS],
            "switches": switches or [],
        })  # fmt: skip
    if picture.newness:
        rows = [
            {"role": n.role.name, "answer": NEWNESS_LABELS[key], "trusts": count}
            for n in picture.newness
            for key, count in n.counts().items()
        ]
        out.append({
            "id": "newness",
            "title": "Is it new? How trusts see each role",
            "intro": "Trusts that call each role a new role, a new title for an existing role, or not new. "
                     "Roles the trusts disagree on come first.",
            "svg": charts.stacked_bar_chart(
                rows, category="role", series="answer", value="trusts",
                series_order=[NEWNESS_LABELS[k] for k in (NEW_ROLE, NEW_TITLE, NOT_NEW)],
                colours=NEWNESS_COLOURS, value_title="Trusts",
                label="Stacked bar chart: how many trusts call each role new, a new title or not new"),
            "headers": ["Role", "A new role", "A new title", "Not new", "Trusts disagree"],
            "rows": [[_cell(n.role.name, _role_url(n.role)), _cell(n.new_role, numeric=True),
                      _cell(n.new_title, numeric=True), _cell(n.not_new, numeric=True),
                      _cell("Yes" if n.disagree else "No")] for n in picture.newness],
        })  # fmt: skip
    return out


# National picture ---------------------------------------------------------------------------------


def _seen_as(user: Any) -> tuple[Any, ...]:
    """What decides which deployments and figures a user sees: the key under which their pages may be shared."""
    return (policy.is_admin(user), tuple(sorted(user.trust_ids())))


def _map_audience(user: Any) -> tuple[Any, ...]:
    """The key under which the national map's pictures are shared. They count deployments and show no staff
    figures, so they differ between users only if some deployments are hidden from some users; today every
    signed-in user reads every deployment (`Deployment.shared_when`), and one drawing serves everyone."""
    if Deployment.shared_when == [{"pk__isnull": False}]:
        return ("every signed-in user",)
    return _seen_as(user)


def dashboard(request: HttpRequest) -> HttpResponse:
    shade = "deployments" if request.GET.get("shade") == "deployments" else "coverage"
    # Other classifications of the kinds of change (the research team's) the user may see, and the one asked for.
    others = classifiers.available(request.user)
    classification = next((c for c in others if c.key == request.GET.get("kinds")), None)
    base = reverse("mapping:dashboard") + (f"?shade={shade}" if shade != "coverage" else "")
    joiner = "&" if "?" in base else "?"
    switches = [("The rule's classification only", base + "#chart-kinds")] + [
        (f"Show {c.label.lower()} beside the rule's", f"{base}{joiner}kinds={c.key}#chart-kinds") for c in others
    ]

    def build() -> dict[str, Any]:
        cov = services.coverage()
        picture = services.national_picture(_deployments(request.user))
        if shade == "coverage":
            tile_svg = _coverage_map(cov)
        else:
            tile_svg = _count_map(
                [r.region for r in cov], picture.by_region, title="Deployments of new roles by region",
                noun="deployments",
            )  # fmt: skip
        return {
            "coverage": cov,
            "picture": picture,
            "shade": shade,
            "tile_svg": tile_svg,
            "charts": _picture_charts(picture, classification, switches if others else None),
            "drift": sorted(picture.drift, key=lambda d: (d.trust.name, d.local_title)),
        }

    # The picture and its charts take most of a second at national scale: drawn once until the data changes.
    key = ("map-dashboard", shade, _map_audience(request.user), tuple(c.key for c in others),
           classification.key if classification else "")  # fmt: skip
    context = until_change(key, build)
    return render(request, "mapping/dashboard.html", context)


def coverage(request: HttpRequest) -> HttpResponse:
    cov = services.coverage()
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = [[r.region.name, r.region.code, r.engaged, r.total] for r in cov]
        rows.append(["Total", "", cov.engaged, cov.total])
        headers = ["Region", "Code", "Engaged", "Trusts in study set"]
        return download("phase1-coverage", headers, rows, request.GET["format"])
    return render(request, "mapping/coverage.html", {"coverage": cov})


def region(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(Region, code=code.upper())

    def build() -> dict[str, Any]:
        cov = services.coverage()
        deployments = list(_deployments(request.user).filter(trust__region=obj))
        picture = services.national_picture(deployments)
        per_trust: dict[int, list[Deployment]] = defaultdict(list)
        for d in deployments:
            per_trust[d.trust_id].append(d)
        trusts = [
            {
                "trust": t,
                "deployments": len(per_trust[t.pk]),
                "roles": len({d.role_id for d in per_trust[t.pk] if d.role_id}),
                "unmapped": sum(1 for d in per_trust[t.pk] if d.role_id is None),
            }
            # Every trust of the region, closed ones too (named with their successor): this is the region's page.
            for t in obj.trusts.select_related("successor").order_by("status", "name")  # open trusts first
        ]
        return {
            "region": obj,
            "region_coverage": cov.for_region(obj.pk),
            "tile_svg": _coverage_map(cov, highlight=obj.code),
            "trusts": trusts,
            "icbs": list(obj.organisations.filter(kind=Organisation.ICB).order_by("name")),
            "picture": picture,
            "charts": _picture_charts(picture)[:1],
        }

    # Drawn once until the data changes, like the dashboard.
    context = until_change(("map-region", obj.pk, _map_audience(request.user)), build)
    return render(request, "mapping/region.html", context)


def trust(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = get_object_or_404(Trust.objects.select_related("region", "successor"), ods_code=ods_code.upper())
    deployments = services.show_figures(
        request.user,
        policy.visible(request.user, obj.deployments.select_related("role"))
        .prefetch_related(_visible_teams(request.user))
        .order_by("local_title"),
    )
    started = sorted((d for d in deployments if d.first_post_started), key=lambda d: (d.first_post_started, d.pk))
    timeline = None
    if started:
        timeline = charts.timeline_chart(
            [{"title": d.local_title, "started": d.first_post_started.isoformat()} for d in started],
            date="started",
            category="title",
            date_title="First post started",
            label=f"Timeline: when each new role started at {obj.name}",
        )
    is_researcher = policy.is_curator(request.user)
    return render(
        request,
        "mapping/trust.html",
        {
            "trust": obj,
            "deployments": deployments,
            "started": started,
            "timeline": timeline,
            "teams": policy.visible(request.user, obj.teams.all()).order_by("name"),
            "unmapped": [d for d in deployments if d.role_id is None],
            "can_edit": policy.can_change_in(request.user, obj.pk),
            "is_researcher": is_researcher,
            "engagements": services.engagements_for(request.user, obj.engagements.order_by("date"))
            if is_researcher
            else [],
        },
    )


def role(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Role, slug=slug)
    deployments = services.show_figures(
        request.user,
        _deployments(request.user).filter(role=obj).order_by("trust__region__sort_order", "trust__name", "local_title"),
    )
    regions = list(
        Region.objects.annotate(total=Count("trusts", filter=Q(trusts__in_study_set=True))).order_by("sort_order")
    )
    deploying: dict[int, set[int]] = defaultdict(set)
    for d in deployments:
        if d.status in DEPLOYED_STATUSES:
            deploying[d.trust.region_id].add(d.trust_id)
    counts = {r.pk: len(deploying[r.pk]) for r in regions}
    newness = services.newness_by_role(deployments)
    return render(
        request,
        "mapping/role.html",
        {
            "role": obj,
            "deployments": deployments,
            "trust_count": len({d.trust_id for d in deployments if d.status in DEPLOYED_STATUSES}),
            "tile_svg": _count_map(regions, counts, title=f"Trusts deploying the role: {obj.name}", noun="trusts"),
            "regions": [(r, counts[r.pk], r.total) for r in regions],
            "newness": newness[0] if newness else None,
        },
    )


# Deployments --------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "Trust ODS code", "Trust", "Region", "Local title", "Role slug", "Role", "Status", "Planned start",
    "First post started", "Headcount", "WTE", "Figures as of", "Source of the figures", "Teams", "Reasons",
    "Other reason", "Stance", "How new the trust sees it", "Intended change", "Evidence for the intended change",
    "Actual change", "Evidence for the actual change", "Notes",
]  # fmt: skip


def _export_row(d: Deployment) -> list[Any]:
    """One deployment for the CSV/XLSX export; figures as `services.show_figures` set them."""
    return [
        d.trust.ods_code, d.trust.name, d.trust.region.name, d.local_title, d.role.slug if d.role else "",
        d.role.name if d.role else "", d.get_status_display(), d.planned_start, d.first_post_started, d.shown_headcount,
        float(d.shown_wte) if isinstance(d.shown_wte, Decimal) else d.shown_wte, d.figures_as_of,
        d.get_figures_source_display(),
        "; ".join(t.name for t in d.teams.all()), "; ".join(d.reason_labels()), d.reason_other,
        d.get_stance_display(), d.get_trust_newness_display(), "; ".join(d.intended_labels()), d.intended_evidence,
        "; ".join(d.actual_labels()), d.actual_evidence, d.notes,
    ]  # fmt: skip


def deployments(request: HttpRequest) -> HttpResponse:
    filterset = DeploymentFilter(request.GET, queryset=_deployments(request.user))
    qs = filterset.qs.order_by("trust__name", "local_title")
    if request.GET.get("format") in ("csv", "xlsx"):
        file_format = request.GET["format"]

        def build() -> bytes:
            shown = services.show_figures(request.user, qs.prefetch_related(_visible_teams(request.user)))
            return table_bytes(EXPORT_HEADERS, (_export_row(d) for d in shown), file_format)

        # The national export is the costliest request a reader makes (thousands of rows): written once
        # per filter and audience until the data changes. What the user may see decides the key, and the
        # query string is the filter.
        query = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists()))
        content = until_change(("deployments-export", query, _seen_as(request.user)), build)
        return file_response("deployments", content, file_format)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "mapping/_deployment_results.html" if request.htmx else "mapping/deployments.html"
    return render(request, template, {"filter": filterset, "page": page, "count": page.paginator.count})


def deployment(request: HttpRequest, pk: int) -> HttpResponse:
    # Panels of "mapping.deployment" receive request, deployment (with role and trust__region), trust, can_edit.
    obj = policy.get_for_user(
        request.user, Deployment.objects.select_related("trust__region", "role").prefetch_related(
            _visible_teams(request.user)), pk=pk,
    )  # fmt: skip
    services.show_figures(request.user, [obj])
    # Panels ("mapping.deployment") receive the page's context: request, deployment, trust, can_edit.
    return render(
        request,
        "mapping/deployment.html",
        {
            "deployment": obj,
            "trust": obj.trust,
            "can_edit": policy.can_change_in(request.user, obj.trust_id),
            "records": shown_history(request.user, obj, 20),
        },
    )


def _save_deployment(request: HttpRequest, form: DeploymentForm, trust: Trust, obj: Deployment | None) -> Any:
    data = dict(form.cleaned_data)
    data["teams"] = list(data["teams"])
    try:
        if obj is None:
            return services.create_deployment(actor=request.user, trust=trust, **data)
        return services.update_deployment(actor=request.user, deployment=obj, **data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@require_http_methods(["GET", "POST"])
def deployment_create(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust_obj = get_object_or_404(Trust, ods_code=ods_code.upper())
    if not policy.can_change_in(request.user, trust_obj.pk):
        raise PermissionDenied("Only the trust's editors add its roles.")
    initial = {"local_title": request.GET.get("title", "")}
    form = DeploymentForm(request.POST or None, instance=Deployment(trust=trust_obj), trust=trust_obj,
                          user=request.user, initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data.get("role"):
            del form.cleaned_data["role"]  # no role chosen: create_deployment matches the title to one
        created = _save_deployment(request, form, trust_obj, None)
        if created is not None:
            if created.role_id:
                messages.success(request, f"'{created.local_title}' added as {created.role.name}.")
            else:
                messages.success(request, f"'{created.local_title}' added. It matches no role yet: resolve it below.")
            return redirect(created)
    return render(request, "mapping/deployment_form.html", {"trust": trust_obj, "form": form, "deployment": None})


@require_http_methods(["GET", "POST"])
def deployment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, Deployment.objects.select_related("trust"), "change", pk=pk)
    form = DeploymentForm(request.POST or None, instance=form_copy(obj), trust=obj.trust,
                          user=request.user)  # fmt: skip
    if request.method == "POST" and form.is_valid() and _save_deployment(request, form, obj.trust, obj):
        messages.success(request, "Deployment saved.")
        return redirect(obj)
    return render(request, "mapping/deployment_form.html", {"trust": obj.trust, "form": form, "deployment": obj})


@require_http_methods(["GET", "POST"])
def deployment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, Deployment.objects.select_related("trust"), "change", pk=pk)
    if request.method == "POST":
        title, trust_obj = obj.local_title, obj.trust
        services.delete_deployment(actor=request.user, deployment=obj)
        messages.success(request, f"'{title}' removed from {trust_obj.name}'s roles.")
        return redirect("mapping:trust", trust_obj.ods_code)
    return render(request, "mapping/deployment_delete.html", {"deployment": obj, "trust": obj.trust})


def titles(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust_obj = get_object_or_404(Trust, ods_code=ods_code.upper())
    rows = list(policy.visible(request.user, services.unmapped(trust_obj)))
    can_edit = policy.can_change_in(request.user, trust_obj.pk)
    forms = [(d, ResolveForm(prefix=f"d{d.pk}")) for d in rows] if can_edit else [(d, None) for d in rows]
    return render(request, "mapping/titles.html", {"trust": trust_obj, "rows": forms, "can_edit": can_edit})


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, Deployment.objects.select_related("trust"), "change", pk=pk)
    form = ResolveForm(request.POST, prefix=f"d{obj.pk}")
    if form.is_valid():
        services.resolve_deployment(
            actor=request.user, deployment=obj, role=form.cleaned_data["role"], remember=form.cleaned_data["remember"]
        )
        messages.success(request, f"'{obj.local_title}' is now matched to {form.cleaned_data['role'].name}.")
        return redirect("mapping:titles", obj.trust.ods_code)
    rows = []
    for d in services.unmapped(obj.trust):
        rows.append((d, form if d.pk == obj.pk else ResolveForm(prefix=f"d{d.pk}")))
    return render(
        request, "mapping/titles.html", {"trust": obj.trust, "rows": rows, "can_edit": True, "invalid": form},
        status=400,
    )  # fmt: skip


# The staff record beside the map ------------------------------------------------------------------


def staff_record(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = staff_record_trust(request, ods_code)
    month, rows = staff_record_services.map_rows(obj)
    suggestions = StaffRecordSuggestion.objects.filter(trust=obj).select_related("role", "deployment")
    context = {
        "trust": obj,
        "month": month,
        "rows": rows,
        "suggestions": [s for s in suggestions if s.status == StaffRecordSuggestion.OPEN],
        "decided": [s for s in suggestions if s.status != StaffRecordSuggestion.OPEN],
        "can_edit": policy.can_change_in(request.user, obj.pk),
    }
    return render(request, "mapping/staff_record.html", context)


@require_POST
def staff_record_suggestion(request: HttpRequest, ods_code: str, pk: int, action: str) -> HttpResponse:
    obj = staff_record_trust(request, ods_code, "change")
    suggestion = policy.get_for_user(
        request.user, StaffRecordSuggestion.objects.filter(trust=obj).select_related("role", "trust"), "change", pk=pk
    )
    try:
        if action == "accept":
            deployment = staff_record_services.accept_suggestion(actor=request.user, suggestion=suggestion)
            messages.success(request, f"{suggestion.role.name} is now on the map as ‘{deployment.local_title}’.")
        else:
            staff_record_services.dismiss_suggestion(actor=request.user, suggestion=suggestion)
            messages.success(request, f"The suggestion for {suggestion.role.name} was dismissed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("mapping:staff_record", obj.ods_code)
