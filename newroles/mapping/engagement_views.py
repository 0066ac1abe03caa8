"""Pages of the mapping exercise's engagements: the list with coverage, and recording, changing and removing one
(the research team and administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from newroles.accounts import policy
from newroles.lib import charts
from newroles.lib.exports import download
from newroles.lib.forms import form_copy
from newroles.mapping import services
from newroles.mapping.filters import EngagementFilter
from newroles.mapping.forms import EngagementForm
from newroles.mapping.models import (
    ENGAGEMENT_STATUS_CHOICES,
    TRUST_NEWNESS_CHOICES,
    Engagement,
)

PAGE_SIZE = 50
NEWNESS_LABELS = dict(TRUST_NEWNESS_CHOICES)
NEWNESS_COLOURS = [charts.NHS_DARK_BLUE, charts.NHS_WARM_YELLOW, charts.NHS_MID_GREY]


# Engagements --------------------------------------------------------------------------------------


def engagements(request: HttpRequest) -> HttpResponse:
    is_researcher = policy.is_curator(request.user)
    context: dict[str, Any] = {
        "is_researcher": is_researcher,
        "coverage": services.coverage(),
        "counts": services.engagement_counts(),
        "statuses": ENGAGEMENT_STATUS_CHOICES,
    }
    if is_researcher:
        filterset = EngagementFilter(
            request.GET,
            queryset=services.engagements_for(request.user).select_related("trust__region", "organisation__region"),
        )
        qs = filterset.qs.order_by("trust__name", "phase", "date")
        if request.GET.get("format") in ("csv", "xlsx"):
            headers = [
                "ODS code",
                "Trust or organisation",
                "Region",
                "Phase",
                "Status",
                "Date",
                "Participant's post",
                "Notes",
            ]
            rows = (
                [e.trust.ods_code if e.trust else e.organisation.ods_code,
                 e.trust.name if e.trust else e.organisation.name,
                 e.trust.region.name if e.trust else (e.organisation.region.name if e.organisation.region else ""),
                 e.get_phase_display(), e.get_status_display(), e.date, e.participant_post, e.notes]
                for e in qs
            )  # fmt: skip
            return download("engagements", headers, rows, request.GET["format"])
        context.update({"filter": filterset, "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))})
    return render(request, "mapping/engagements.html", context)


def _engagement_for_change(request: HttpRequest, pk: int) -> Engagement:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team and administrators keep the mapping exercise's records.")
    return get_object_or_404(services.engagements_for(request.user).select_related("trust"), pk=pk)


@require_http_methods(["GET", "POST"])
def engagement_create(request: HttpRequest) -> HttpResponse:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team and administrators record engagements.")
    form = EngagementForm(request.POST or None, initial={"trust": request.GET.get("trust")})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_engagement(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Named, because the list is long and the new engagement may be on another of its pages.
            who = form.cleaned_data.get("trust") or form.cleaned_data.get("organisation")
            messages.success(request, f"Engagement with {who.name} recorded." if who else "Engagement recorded.")
            return redirect("mapping:engagements")
    return render(request, "mapping/engagement_form.html", {"form": form, "engagement": None})


@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _engagement_for_change(request, pk)
    form = EngagementForm(request.POST or None, instance=form_copy(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_engagement(actor=request.user, engagement=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Engagement saved.")
            return redirect("mapping:engagements")
    return render(request, "mapping/engagement_form.html", {"form": form, "engagement": obj})


@require_http_methods(["GET", "POST"])
def engagement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _engagement_for_change(request, pk)
    if request.method == "POST":
        services.delete_engagement(actor=request.user, engagement=obj)
        messages.success(request, "Engagement removed.")
        return redirect("mapping:engagements")
    return render(request, "mapping/engagement_delete.html", {"engagement": obj})
