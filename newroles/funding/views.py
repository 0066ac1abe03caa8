"""Funding pages. Each view's first lines decide access through the policy.

A trust's funding is private: its pages and downloads are found only by the trust's members (anyone else
gets 404), and only its editors change it (a viewer gets 403). The national page shows counts only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from newroles.accounts import policy
from newroles.audit.services import shown_history
from newroles.funding import exports, services, warnings
from newroles.funding.forms import FundingLineForm, add_service_errors
from newroles.funding.models import COSTS, FundingLine
from newroles.funding.national import national_funding
from newroles.funding.shares import shares_text
from newroles.funding.timeline import funding_timeline
from newroles.lib import charts
from newroles.lib.forms import parse_id
from newroles.organisations.models import Trust

EXPORT_FORMATS = ("csv", "xlsx")


def _trust(request: HttpRequest, ods_code: str, action: str = "view") -> Trust:
    """The trust whose funding this page is: 404 unless the user belongs to it, 403 to change as a viewer."""
    trust = get_object_or_404(Trust.objects.select_related("region"), ods_code=ods_code.upper())
    if not policy.can_see_in(request.user, trust.pk):
        raise Http404("No such funding register.")
    if action == "change" and not policy.can_change_in(request.user, trust.pk):
        raise PermissionDenied("Only the trust's editors change its funding.")
    return trust


def _line(request: HttpRequest, pk: int, action: str = "view") -> FundingLine:
    qs = FundingLine.objects.select_related("trust__region", "deployment__role", "funder", "evidence")
    return policy.get_for_user(request.user, qs.prefetch_related("shares"), action, pk=pk)


# The register -------------------------------------------------------------------------------------


def trust(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = _trust(request, ods_code)
    today = timezone.localdate()
    all_lines = list(services.trust_lines(obj))
    deployment_id = parse_id(request.GET.get("deployment"))
    lines = [line for line in all_lines if deployment_id is None or line.deployment_id == deployment_id]
    if request.GET.get("format") in EXPORT_FORMATS:
        return exports.register_download(obj, lines, request.GET["format"])
    found = warnings.for_lines(lines, today=today)
    deployments = {line.deployment_id: line.deployment for line in all_lines}
    # The most urgent first (the kinds' order), then by role.
    order = list(warnings.WARNING_KINDS)
    listed = sorted(
        (w for ws in found.values() for w in ws),
        key=lambda w: (order.index(w.kind), deployments[w.deployment_id].local_title.casefold()),
    )
    per_line: dict[int, int] = {}
    for w in listed:
        if w.line_id is not None:
            per_line[w.line_id] = per_line.get(w.line_id, 0) + 1
    context = {
        "trust": obj,
        "today": today,
        "lines": [(line, shares_text(line.shares.all()), per_line.get(line.pk, 0)) for line in lines],
        "totals": services.totals(lines, today),
        "timeline": funding_timeline(lines, found, today=today, trust_name=obj.name),
        "warnings": listed,
        "kinds": warnings.WARNING_KINDS,
        "deployments": sorted(deployments.values(), key=lambda d: d.local_title.casefold()),
        "chosen": deployments.get(deployment_id) if deployment_id else None,
        "can_edit": policy.can_change_in(request.user, obj.pk),
        "query": f"?deployment={deployment_id}&" if deployment_id else "?",
    }
    return render(request, "funding/trust.html", context)


def line(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _line(request, pk)
    today = timezone.localdate()
    found = warnings.for_deployments([obj.deployment], today=today)[obj.deployment_id]
    return render(
        request,
        "funding/line.html",
        {
            "line": obj,
            "trust": obj.trust,
            "shares": list(obj.shares.all()),
            "covered": [_phrase(label) for name, label in COSTS if getattr(obj, name)],
            "not_covered": [_phrase(label) for name, label in COSTS if not getattr(obj, name)],
            "warnings": [w for w in found if w.line_id in (None, obj.pk)],
            "amount": services.pounds(obj.amount_per_year),
            "can_edit": policy.can_change_in(request.user, obj.trust_id),
            "records": shown_history(request.user, obj, 20),
        },
    )


def _phrase(label: str) -> str:
    """A cost's label inside a sentence: 'Ongoing support and CPD' -> 'ongoing support and CPD'."""
    return label[0].lower() + label[1:]


def _save(request: HttpRequest, form: FundingLineForm, trust_obj: Trust, obj: FundingLine | None) -> Any:
    data = form.line_fields()
    try:
        if obj is None:
            return services.create_line(actor=request.user, trust=trust_obj, **data)
        return services.update_line(actor=request.user, line=obj, **data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust_obj = _trust(request, ods_code, "change")
    initial = {"deployment": parse_id(request.GET.get("deployment"))}
    form = FundingLineForm(request.POST or None, trust=trust_obj, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = _save(request, form, trust_obj, None)
        if created is not None:
            messages.success(request, f"Funding line ‘{created.label}’ added.")
            return redirect(created)
    return render(request, "funding/line_form.html", {"trust": trust_obj, "form": form, "line": None})


@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _line(request, pk, "change")
    form = FundingLineForm(request.POST or None, trust=obj.trust, user=request.user, line=obj)
    if request.method == "POST" and form.is_valid() and _save(request, form, obj.trust, obj):
        messages.success(request, "Funding line saved.")
        return redirect(obj)
    return render(request, "funding/line_form.html", {"trust": obj.trust, "form": form, "line": obj})


@require_http_methods(["GET", "POST"])
def line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _line(request, pk, "change")
    if request.method == "POST":
        label, trust_obj = obj.label, obj.trust
        services.delete_line(actor=request.user, line=obj)
        messages.success(request, f"Funding line ‘{label}’ removed.")
        return redirect("funding:trust", trust_obj.ods_code)
    return render(request, "funding/line_delete.html", {"line": obj, "trust": obj.trust})


# The national picture -----------------------------------------------------------------------------


def national(request: HttpRequest) -> HttpResponse:
    picture = national_funding(
        request.user,
        today=timezone.localdate(),
        region_url=lambda r: reverse("mapping:region", args=[r.code]),
        role_url=lambda slug: reverse("mapping:role", args=[slug]),
    )
    if request.GET.get("format") in EXPORT_FORMATS:
        return exports.national_download(picture, request.GET["format"])
    shown = [c for c in picture.costs if isinstance(c.percent, int)]
    chart = None
    if shown:
        chart = charts.bar_chart(
            [{"cost": c.label, "percent": c.percent} for c in shown], category="cost", value="percent",
            value_title="Funded deployments whose funding covers it (%)", width=600, maximum=100,
            label="Bar chart: the share of funded deployments whose funding covers each cost, least covered first",
        )  # fmt: skip
    return render(request, "funding/national.html", {"picture": picture, "costs_chart": chart})
