"""Readiness pages. Each view's first lines decide access.

A deployment is on the national map for everyone, but its readiness checks are the trust's own: someone
outside the trust gets "not found" for every readiness page of its deployments, and a member who may read
but not change gets "forbidden" on the check form. The national view is for national readers, the research
team and administrators, with small counts starred.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from newroles.accounts import policy
from newroles.lib import charts
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust
from newroles.readiness import national, services
from newroles.readiness.forms import AssessmentForm, NationalFilterForm, documents_for
from newroles.readiness.models import ASKED, Assessment
from newroles.readiness.summary import Summary, current_framework, summaries, summary_for

DEPLOYMENTS = Deployment.objects.select_related("trust__region", "role")


def _deployment(request: HttpRequest, pk: int, action: str = "view") -> Deployment:
    """The deployment, if the user may see its readiness (404 otherwise) and, for "change", record a check (403)."""
    deployment = get_object_or_404(DEPLOYMENTS, pk=pk)
    if not policy.can_see_in(request.user, deployment.trust_id):
        raise Http404("No deployment found.")
    if action == "change" and not policy.can_change_in(request.user, deployment.trust_id):
        raise PermissionDenied("Only the trust's editors record readiness checks.")
    return deployment


def _history(deployment: Deployment) -> list[Assessment]:
    return list(deployment.readiness_assessments.select_related("framework").order_by("-assessed_on", "-created_at",
                                                                                      "-pk"))  # fmt: skip


def _summary_context(request: HttpRequest, deployment: Deployment) -> dict[str, Any]:
    summary = summary_for(deployment, today=timezone.localdate())
    return {
        "deployment": deployment,
        "trust": deployment.trust,
        "summary": summary,
        "history": _history(deployment),
        "can_edit": policy.can_change_in(request.user, deployment.trust_id),
    }


def index(request: HttpRequest) -> HttpResponse:
    """Where readiness starts: the user's trusts' lists, and the national view for those who may see it."""
    user = policy.require_user(request.user)
    trusts = Trust.objects.all() if policy.is_admin(user) else Trust.objects.filter(pk__in=user.trust_ids())
    return render(
        request,
        "readiness/index.html",
        {
            "trusts": trusts.filter(status=Trust.ACTIVE).order_by("name"),
            "may_see_national": policy.reads_national(user),
        },
    )


def deployment_summary(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(request, pk)
    return render(request, "readiness/summary.html", _summary_context(request, deployment))


def deployment_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The red-flag count the readiness card on the deployment's page fetches once the page has loaded."""
    deployment = _deployment(request, pk)
    summary = summary_for(deployment, today=timezone.localdate())
    return render(request, "readiness/panels/_status.html", {"summary": summary})


def deployment_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary on its own, laid out for paper (no header or navigation; the print stylesheet)."""
    deployment = _deployment(request, pk)
    return render(request, "readiness/print.html", _summary_context(request, deployment))


@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(request, pk, "change")
    framework = current_framework()
    if framework is None:
        raise Http404("No readiness framework is loaded.")
    items = list(framework.items.filter(mode=ASKED).order_by("order"))
    previous = deployment.readiness_assessments.order_by("-assessed_on", "-created_at", "-pk").first()
    form = AssessmentForm(
        request.POST or None, items=items, documents=documents_for(request.user, deployment), previous=previous
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(
                actor=request.user, deployment=deployment, assessed_on=form.cleaned_data["assessed_on"],
                ratings=form.ratings(), notes=form.cleaned_data["notes"], framework=framework,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Readiness check recorded. Earlier checks are kept below.")
            return redirect("readiness:deployment", deployment.pk)
    computed_items = [i for i in framework.items.order_by("order") if i.is_computed]
    return render(
        request,
        "readiness/assess.html",
        {"deployment": deployment, "trust": deployment.trust, "form": form, "framework": framework,
         "previous": previous, "computed_items": computed_items},
    )  # fmt: skip


def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A past check as it was recorded: its ratings and evidence (computed factors are worked out today)."""
    obj = policy.get_for_user(
        request.user, Assessment.objects.select_related("deployment__trust__region", "deployment__role", "framework"),
        pk=pk,
    )  # fmt: skip
    summary = summary_for(obj.deployment, today=timezone.localdate(), assessment=obj)
    return render(
        request,
        "readiness/assessment.html",
        {"assessment": obj, "deployment": obj.deployment, "trust": obj.deployment.trust,
         "asked": [i for i in summary.items if not i.computed]},
    )  # fmt: skip


def trust_list(request: HttpRequest, ods_code: str) -> HttpResponse:
    """A trust's deployments with their latest check and red flags (the trust's members only)."""
    trust = get_object_or_404(Trust.objects.select_related("region"), ods_code=ods_code.upper())
    if not policy.can_see_in(request.user, trust.pk):
        raise Http404("No trust found.")
    deployments = list(DEPLOYMENTS.filter(trust=trust).exclude(status="discontinued").order_by("local_title"))
    by_id = summaries(deployments, today=timezone.localdate())
    rows: list[Summary] = [by_id[d.pk] for d in deployments]
    rows.sort(key=lambda s: (s.deployment.status != "planned", -len(s.flags), s.deployment.local_title.lower()))
    return render(
        request,
        "readiness/trust.html",
        {"trust": trust, "rows": rows, "can_edit": policy.can_change_in(request.user, trust.pk)},
    )


def national_page(request: HttpRequest) -> HttpResponse:
    if not policy.reads_national(request.user):
        raise PermissionDenied("The national readiness view is for national and regional leads and the research team.")
    form = NationalFilterForm(request.GET or None)
    role = region = None
    if form.is_valid():
        role, region = form.cleaned_data["role"], form.cleaned_data["region"]
    view = national.national_view(request.user, today=timezone.localdate(), role=role, region=region)
    return render(
        request,
        "readiness/national.html",
        {"form": form, "view": view, "chart": _national_chart(view, role, region),
         "factors": view.factors or _current_items(), "suppressed": "*", "role": role, "region": region},
    )  # fmt: skip


def _current_items() -> list[Any]:
    """The current framework's items, to explain the factors when no check is counted yet."""
    current = current_framework()
    return list(current.items.order_by("order")) if current else []


def _national_chart(view: national.NationalView, role: Any, region: Any) -> dict[str, Any] | None:
    """Factors by how many checked deployments have them unmet, most first; starred counts left out."""
    shown = sorted((r for r in view.rows if isinstance(r.unmet, int)), key=lambda r: -r.unmet)
    if not shown or not any(r.unmet for r in shown):
        return None
    scope = " ".join(x for x in (role.name if role else "", f"in {region.name}" if region else "") if x)
    title = "Factors most often unmet" + (f": {scope}" if scope else "")
    return {
        "id": "unmet",
        "title": title,
        "intro": "Deployments with a readiness check where the factor is not started or only partly in place, "
        "from each deployment's latest check. Factors worked out from the register (supervision, examples "
        "elsewhere, a role pack, forewarning, funding) count alongside the ones trusts rate. A factor whose count "
        "is hidden is left out of the chart; the table shows it as *.",
        "svg": charts.bar_chart(
            [{"factor": r.title, "deployments": r.unmet} for r in shown], category="factor", value="deployments",
            value_title="Deployments where unmet", colour=charts.NHS_BLUE,
            label=f"Bar chart: {title.lower()}, by number of deployments",
        ),
        "headers": ["Factor", "Unmet", "Checked", "Share unmet"],
        "rows": [
            [{"text": r.title}, {"text": r.unmet, "numeric": True}, {"text": r.checked, "numeric": True},
             {"text": f"{r.share}%" if r.share is not None else "", "numeric": True}]
            for r in view.rows
        ],
    }  # fmt: skip
