"""Pages of the reports. Each view's first lines decide access through the policy.

The briefing and role profiles are written for the public reader, so everyone signed in reads them; a
trust's profile is for its members and national readers (anyone else: 404, as for the trust's private
pages); researchers freeze snapshots of the briefing, which everyone signed in may read and compare.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from newroles.accounts import policy
from newroles.organisations.models import Trust
from newroles.reports import rendering, services
from newroles.reports.forms import CompareForm, FreezeForm
from newroles.reports.models import Snapshot
from newroles.reports.pdf import BODIES, sections_of
from newroles.reports.readers import PUBLIC, trust_audience
from newroles.reports.rendering import ReportName
from newroles.roles.models import Role


def _may_read_trust(user: Any, trust: Trust) -> bool:
    return policy.can_see_in(user, trust.pk) or policy.reads_national(user)


def _check(user: Any, name: ReportName) -> None:
    """Raise 404 unless the user may read the named report (the progress and file pages ask again)."""
    if name.kind == "trust":
        trust = get_object_or_404(Trust, ods_code=name.key)
        if not _may_read_trust(user, trust) or trust_audience(user, trust.pk) != name.audience:
            raise Http404("No such report.")


def _document(request: HttpRequest, name: ReportName, urls: dict[str, str], extra: dict[str, Any] | None = None):
    """The report as a page, or its JSON with ?format=json."""
    if request.GET.get("format") == "json":
        response = JsonResponse(rendering.data_for(name), json_dumps_params={"indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{name.filename("json")}"'
        return response
    context = rendering.context_for(name)
    return render(
        request,
        "reports/page.html",
        {
            **context,
            "body": BODIES[context["data"]["kind"]],
            "sections": sections_of(context["data"]),
            "pdf_url": urls["pdf"],
            "json_url": urls["page"] + "?format=json",
            **(extra or {}),
        },
    )


def _pdf(request: HttpRequest, name: ReportName) -> HttpResponse:
    """The cached PDF at once, or the progress page while the worker writes it."""
    token = rendering.start(name)
    if rendering.ready(token):
        return _file(token, name)
    return redirect("reports:progress", token=token)


def _file(token: str, name: ReportName) -> FileResponse:
    return FileResponse(
        rendering.pdf_path(token).open("rb"),
        as_attachment=True,
        filename=name.filename("pdf"),
        content_type="application/pdf",
    )


# The briefing ---------------------------------------------------------------------------------------


def briefing(request: HttpRequest) -> HttpResponse:
    urls = {"page": reverse("reports:briefing"), "pdf": reverse("reports:briefing_pdf")}
    extra = {
        "can_freeze": policy.is_curator(request.user),
        "freeze_form": FreezeForm(),
        "snapshots": Snapshot.objects.only("pk", "title", "created_at")[:5],
    }
    return _document(request, ReportName("briefing"), urls, extra)


def briefing_pdf(request: HttpRequest) -> HttpResponse:
    return _pdf(request, ReportName("briefing"))


# Trust and role profiles ----------------------------------------------------------------------------


def _trust_name(request: HttpRequest, ods_code: str) -> ReportName:
    trust = get_object_or_404(Trust, ods_code=ods_code.upper())
    if not _may_read_trust(request.user, trust):
        raise Http404("No such trust profile.")
    return ReportName("trust", trust.ods_code, trust_audience(request.user, trust.pk))


def trust(request: HttpRequest, ods_code: str) -> HttpResponse:
    name = _trust_name(request, ods_code)
    urls = {"page": reverse("reports:trust", args=[name.key]), "pdf": reverse("reports:trust_pdf", args=[name.key])}
    return _document(request, name, urls, {"trust_url": reverse("organisations:trust", args=[name.key])})


def trust_pdf(request: HttpRequest, ods_code: str) -> HttpResponse:
    return _pdf(request, _trust_name(request, ods_code))


def role(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Role, slug=slug)
    urls = {"page": reverse("reports:role", args=[obj.slug]), "pdf": reverse("reports:role_pdf", args=[obj.slug])}
    return _document(request, ReportName("role", obj.slug), urls)


def role_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Role, slug=slug)
    return _pdf(request, ReportName("role", obj.slug))


# PDFs in the background -----------------------------------------------------------------------------


def _status(request: HttpRequest, token: str) -> tuple[dict[str, Any], ReportName]:
    status = rendering.read_status(token)
    if status is None:
        raise Http404("No such download.")
    name = rendering.name_of(status)
    _check(request.user, name)
    return status, name


def progress(request: HttpRequest, token: str) -> HttpResponse:
    status, name = _status(request, token)
    context = {"status": status, "token": token, "ready": rendering.ready(token), "name": name}
    template = "reports/_progress.html" if request.htmx else "reports/progress.html"
    return render(request, template, context)


def download(request: HttpRequest, token: str) -> HttpResponse:
    _, name = _status(request, token)
    if not rendering.ready(token):
        return redirect("reports:progress", token=token)
    return _file(token, name)


# Snapshots ------------------------------------------------------------------------------------------


def snapshots(request: HttpRequest) -> HttpResponse:
    rows = Snapshot.objects.select_related("created_by").defer("data")
    newest = list(rows[:2])
    # Offered first: the newest snapshot against the one before it.
    initial = {"after": newest[0].pk, "before": newest[1].pk} if len(newest) == 2 else {}
    return render(
        request,
        "reports/snapshots.html",
        {
            "snapshots": rows,
            "compare_form": CompareForm(initial=initial),
            "can_freeze": policy.is_curator(request.user),
        },
    )


@require_POST
def freeze(request: HttpRequest) -> HttpResponse:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team freezes the briefing.")
    form = FreezeForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/freeze.html", {"form": form}, status=400)
    snapshot = services.freeze_briefing(actor=request.user, title=form.cleaned_data["title"])
    messages.success(request, f"Froze the briefing as “{snapshot.title}”.")
    return redirect(snapshot)


def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Snapshot, pk=pk)
    name = ReportName("snapshot", str(obj.pk))
    urls = {"page": obj.get_absolute_url(), "pdf": reverse("reports:snapshot_pdf", args=[obj.pk])}
    return _document(request, name, urls, {"snapshot": obj})


def snapshot_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Snapshot, pk=pk)
    return _pdf(request, ReportName("snapshot", str(obj.pk), PUBLIC))


def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    differences = None
    if form.is_valid():
        before, after = form.cleaned_data["before"], form.cleaned_data["after"]
        differences = services.compare(before.data, after.data)
        if request.GET.get("format") == "json":
            body = [{"figure": d.path, "before": d.before, "after": d.after} for d in differences]
            return HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    return render(request, "reports/compare.html", {"form": form, "differences": differences})
