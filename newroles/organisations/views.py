"""Pages for regions, trusts, teams and the organisations outside the register. Each view's first lines
decide access through the policy."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.lib.exports import download
from newroles.lib.forms import form_copy
from newroles.organisations import services
from newroles.organisations.filters import OrganisationFilter, TrustFilter
from newroles.organisations.forms import OrganisationForm, TeamForm, TrustContactForm
from newroles.organisations.models import Organisation, Region, Team, Trust

PAGE_SIZE = 50


def regions(request: HttpRequest) -> HttpResponse:
    rows = Region.objects.annotate(
        study=Count("trusts", filter=Q(trusts__in_study_set=True)),
        active=Count("trusts", filter=Q(trusts__status=Trust.ACTIVE)),
        total=Count("trusts"),
    ).order_by("sort_order")  # GROUP BY queries ignore Meta.ordering
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("study", "active", "total")}
    return render(request, "organisations/regions.html", {"regions": rows, "totals": totals})


def region(request: HttpRequest, code: str) -> HttpResponse:
    """A region has one page, the map's: it lists the region's trusts, its integrated care boards and the new
    roles recorded there. This address stays for old links and bookmarks."""
    obj = get_object_or_404(Region, code=code.upper())
    return redirect(reverse("mapping:region", args=[obj.code]), permanent=True)


def trusts(request: HttpRequest) -> HttpResponse:
    filterset = TrustFilter(request.GET, queryset=Trust.objects.select_related("region", "successor"))
    qs = filterset.qs.order_by("region__sort_order", "name")
    if request.GET.get("format") in ("csv", "xlsx"):
        # "ICB" holds the ICB's ODS code, so an administrator can edit the file and import it again.
        headers = ["ODS code", "Name", "Region", "Status", "Note", "Successor", "In study set", "Website", "ICB"]
        rows = (
            [
                t.ods_code,
                t.name,
                t.region.name,
                t.get_status_display(),
                t.status_note,
                t.successor.ods_code if t.successor else "",
                t.in_study_set,
                t.website,
                t.icb.ods_code if t.icb else "",
            ]
            for t in qs.select_related("icb")
        )
        return download("trusts", headers, rows, request.GET["format"])
    grouped = [(r, list(ts)) for r, ts in groupby(qs, key=lambda t: t.region)]
    template = "organisations/_trust_results.html" if request.htmx else "organisations/trusts.html"
    return render(request, template, {"filter": filterset, "grouped": grouped, "count": len(qs)})


def trust(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = get_object_or_404(Trust.objects.select_related("region", "successor", "icb"), ods_code=ods_code.upper())
    teams = policy.visible(request.user, obj.teams.all())
    return render(
        request,
        "organisations/trust.html",
        {
            "trust": obj,
            "teams": teams,
            "predecessors": obj.predecessors.all(),
            "can_edit": policy.can_change_in(request.user, obj.pk),
            "can_manage": policy.can_manage(request.user, obj.pk),
            "is_member": policy.can_see_in(request.user, obj.pk),
            # A trust's events are public; its page is open to its members, national readers and curators.
            "sees_events": policy.can_see_in(request.user, obj.pk) or policy.reads_national(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def trust_contact(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = get_object_or_404(Trust, ods_code=ods_code.upper())
    if not policy.can_change_in(request.user, obj.pk):
        raise PermissionDenied("Only the trust's editors and managers change its contact details.")
    form = TrustContactForm(request.POST or None, instance=form_copy(obj))
    if request.method == "POST" and form.is_valid():
        services.update_trust_contact(
            actor=request.user, trust=obj, **{f: form.cleaned_data[f] for f in services.CONTACT_FIELDS}
        )
        messages.success(request, "Contact details saved.")
        return redirect(obj)
    return render(request, "organisations/trust_contact.html", {"trust": obj, "form": form})


def teams(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = get_object_or_404(Trust, ods_code=ods_code.upper())
    qs = policy.visible(request.user, obj.teams.all()).order_by("name")
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = ["Name", "Service type", "Description", "Shared beyond the trust"]
        rows = ([t.name, t.get_service_type_display(), t.description, t.is_shared] for t in qs)
        return download(f"teams-{obj.ods_code}", headers, rows, request.GET["format"])
    return render(
        request,
        "organisations/teams.html",
        {"trust": obj, "teams": qs, "can_edit": policy.can_change_in(request.user, obj.pk)},
    )


def team(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    teams = Team.objects.select_related("trust")
    obj = policy.get_for_user(request.user, teams, pk=pk, trust__ods_code=ods_code.upper())
    # Apps above this one add to the page through the "organisations.team.actions" panels, which see this context.
    return render(
        request,
        "organisations/team.html",
        {"team": obj, "trust": obj.trust, "can_edit": policy.can_change_in(request.user, obj.trust_id)},
    )


@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust_obj = get_object_or_404(Trust, ods_code=ods_code.upper())
    if not policy.can_change_in(request.user, trust_obj.pk):
        raise PermissionDenied("Only the trust's editors add teams.")
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_team(actor=request.user, trust=trust_obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Team '{created.name}' added.")
            return redirect("organisations:teams", trust_obj.ods_code)
    return render(request, "organisations/team_form.html", {"trust": trust_obj, "form": form, "team": None})


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, Team, "change", pk=pk, trust__ods_code=ods_code.upper())
    form = TeamForm(request.POST or None, instance=form_copy(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(actor=request.user, team=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Team saved.")
            return redirect(obj)
    return render(request, "organisations/team_form.html", {"trust": obj.trust, "form": form, "team": obj})


@require_POST
def team_delete(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, Team, "change", pk=pk, trust__ods_code=ods_code.upper())
    name = obj.name
    services.delete_team(actor=request.user, team=obj)
    messages.success(request, f"Team '{name}' removed.")
    return redirect("organisations:teams", ods_code)


# Organisations outside the register ----------------------------------------------------------------


def organisations(request: HttpRequest) -> HttpResponse:
    base = Organisation.objects.select_related("region").annotate(trust_count=Count("icb_trusts"))
    filterset = OrganisationFilter(request.GET, queryset=base)
    # Kinds in the order the model lists them (ICBs first), not alphabetically by their keys.
    kind_order = Case(*(When(kind=k, then=i) for i, (k, _) in enumerate(Organisation.KIND_CHOICES)))
    qs = filterset.qs.order_by(kind_order, "name")
    if request.GET.get("format") in ("csv", "xlsx"):
        # The import's own column names, so a downloaded file can be edited and imported again.
        headers = ["Kind", "Name", "ODS code", "Region", "Website", "Source"]
        rows = ([o.kind_label, o.name, o.ods_code, o.region.name if o.region else "", o.website, o.source] for o in qs)
        return download("organisations", headers, rows, request.GET["format"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisations.html",
        {"filter": filterset, "page": page, "is_curator": policy.is_curator(request.user)},
    )


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Organisation.objects.select_related("region"), pk=pk)
    trusts = obj.icb_trusts.select_related("successor").order_by("status", "name") if obj.is_icb else None
    return render(
        request,
        "organisations/organisation.html",
        {"organisation": obj, "trusts": trusts, "is_curator": policy.is_curator(request.user)},
    )


def _require_curator(request: HttpRequest) -> None:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team and administrators change the organisations list.")


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    _require_curator(request)
    form = OrganisationForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_organisation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{created.name} added.")
            return redirect(created)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curator(request)
    obj = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=form_copy(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(actor=request.user, organisation=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{obj.name} saved.")
            return redirect(obj)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": obj})
