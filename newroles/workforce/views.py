"""Pages for staff-record data. Each view's first lines decide access through the policy.

A trust's pages (its counts, imports, titles to resolve, data quality, staff record beside the map)
are private to its members: anyone else gets a 404, a viewer trying to change something a 403. The
national pages are open to everyone signed in, with counts below the small-count threshold suppressed
for trusts the reader does not belong to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import disclosure, policy
from newroles.lib.exports import download
from newroles.lib.progress import progress_partial
from newroles.organisations.models import Trust
from newroles.roles import aliases as catalogue_aliases
from newroles.roles.models import RoleAlias
from newroles.workforce import quality, runs, services, validation
from newroles.workforce.access import staff_record_trust
from newroles.workforce.extract import ExtractError, is_assignment_header
from newroles.workforce.forms import DecisionForm, ExtractMappingForm, UploadForm
from newroles.workforce.importers import EXTRACT
from newroles.workforce.models import (
    MONTH_FORMAT,
    ExtractImport,
    StaffCount,
    StaffRecordSuggestion,
    TitleDecision,
    month_label,
)

PREVIEW_ROWS = 5
TITLES_PER_PAGE = 20


def _trust(request: HttpRequest, ods_code: str, action: str = "view") -> Trust:
    return staff_record_trust(request, ods_code, action)


def _month(request: HttpRequest, months: list[dt.date], default: dt.date | None = None) -> dt.date | None:
    """The month asked for (?month=YYYY-MM) if it has data, else `default`, else the latest."""
    wanted = request.GET.get("month", "")
    for month in months:
        if month.strftime(MONTH_FORMAT) == wanted:
            return month
    return default or (months[0] if months else None)


@dataclass
class NationalMonth:
    """The month a national page shows, and how it compares with the others: which trusts sent it, the
    month sent by the most trusts (the default), and each trust's last month."""

    month: dt.date | None
    months: list[dt.date]
    trust_ids: list[int]
    widest: dt.date | None
    newer: list[tuple[dt.date, int]]  # months after the one shown, with how many trusts sent each
    last_sent: dict[int, dt.date]


def _national_month(request: HttpRequest) -> NationalMonth:
    coverage = services.month_coverage()
    months = sorted(coverage, reverse=True)
    widest = services.widest_month(coverage)
    month = _month(request, months, widest)
    newer = [(m, len(coverage[m])) for m in sorted(coverage) if month and m > month]
    trust_ids = sorted(coverage.get(month, set())) if month else []
    return NationalMonth(month, months, trust_ids, widest, newer, services.last_sent(coverage))


def _coverage_context(chosen: NationalMonth) -> dict[str, Any]:
    """What the national pages say about coverage: the trusts in the month and those not, each with the
    last month it sent, and why the month shown is the one shown."""
    trusts = Trust.objects.filter(pk__in=chosen.last_sent).order_by("name")
    return {
        "month": chosen.month,
        "month_options": _month_options(chosen.months),
        "widest": chosen.widest,
        "newer": [{"month": m, "trusts": n} for m, n in chosen.newer],
        "missing": [
            {"trust": t, "last_sent": chosen.last_sent[t.pk]} for t in trusts if t.pk not in set(chosen.trust_ids)
        ],
    }


def _month_options(months: list[dt.date]) -> list[tuple[str, str]]:
    return [(m.strftime(MONTH_FORMAT), month_label(m)) for m in months]


# Overview -----------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    trust_ids = Trust.objects.all() if policy.is_admin(user) else Trust.objects.filter(pk__in=user.trust_ids())  # type: ignore[union-attr]
    trusts = (
        trust_ids.annotate(
            latest=Max("extract_imports__month", filter=Q(extract_imports__is_current=True)),
            months=Count("extract_imports", filter=Q(extract_imports__is_current=True)),
        )
        .filter(Q(pk__in=user.trust_ids()) | Q(months__gt=0))  # type: ignore[union-attr]
        .order_by("name")
    )
    context = {
        "trusts": trusts,
        "is_curator": policy.is_curator(user),
        "proposals": RoleAlias.objects.filter(trust__isnull=True, status=RoleAlias.PROPOSED).count(),
        "threshold": settings.SMALL_COUNT_THRESHOLD,
    }
    return render(request, "workforce/index.html", context)


def trust(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = _trust(request, ods_code)
    months = quality.months_with_data([obj.pk])
    month = _month(request, months)
    counts = services.counts_by_role([obj.pk], month) if month else []
    current = ExtractImport.objects.filter(trust=obj, month=month, is_current=True).first() if month else None
    imports = list(ExtractImport.objects.filter(trust=obj).select_related("uploaded_by")[:20])
    for i in imports:
        # From the summary alone: the list reads a fixed number of queries however many imports it shows.
        i.matched = services.import_match_figures(i) if "staff_confident" in (i.summary or {}) else None
    context = {
        "trust": obj,
        "month": month,
        "month_options": _month_options(months),
        "counts": counts,
        "total": sum(c.headcount for c in counts),
        "matched": services.month_match_figures(obj, month) if month else None,
        "current": current,
        "imports": imports,
        "can_edit": policy.can_change_in(request.user, obj.pk),
        "to_resolve": len(services.titles_to_resolve(obj, month)) if month else 0,
        "open_suggestions": StaffRecordSuggestion.objects.filter(trust=obj, status=StaffRecordSuggestion.OPEN).count(),
    }
    return render(request, "workforce/trust.html", context)


# Importing ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = _trust(request, ods_code, "change")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            extract_import = services.start_upload(
                actor=request.user, trust=obj, month=form.cleaned_data["month"], filename=uploaded.name,
                chunks=uploaded.chunks(),
            )  # fmt: skip
        except ExtractError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(extract_import.get_absolute_url())
    file_hint = (
        "CSV (UTF-8 or Windows-1252; comma, semicolon or tab separated) or an Excel .xlsx workbook, up to "
        f"{services.max_upload_bytes() // (1024 * 1024)} MB."
    )
    context = {"trust": obj, "form": form, "kind": EXTRACT, "file_hint": file_hint}
    return render(request, "workforce/upload.html", context, status=400 if form.errors else 200)


def _import(request: HttpRequest, ods_code: str, pk: int, action: str = "view") -> ExtractImport:
    trust_obj = _trust(request, ods_code, action)
    return policy.get_for_user(
        request.user, ExtractImport.objects.filter(trust=trust_obj).select_related("trust", "uploaded_by"), action,
        pk=pk,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    obj = _import(request, ods_code, pk)
    can_edit = policy.can_change_in(request.user, obj.trust_id)
    context: dict[str, Any] = {"trust": obj.trust, "obj": obj, "can_edit": can_edit}
    if obj.status == ExtractImport.MAPPING:
        return _mapping_step(request, obj, context)
    if request.method == "POST":
        raise PermissionDenied("This import is past its mapping step.")
    context["stuck"] = can_edit and runs.is_abandoned(obj)
    if obj.status == ExtractImport.DONE:
        context["summary"] = obj.summary
        context["matched"] = services.import_match_figures(obj)
        context["to_resolve"] = services.titles_to_resolve(obj.trust, obj.month)[:5] if obj.is_current else []
    return render(request, "workforce/import.html", context)


def _mapping_step(request: HttpRequest, obj: ExtractImport, context: dict[str, Any]) -> HttpResponse:
    if request.method == "POST" and not context["can_edit"]:
        raise PermissionDenied("Only the trust's editors import its staff record.")
    suggested = services.suggest_mapping(obj.trust, obj.headers, personal=obj.personal_reasons)
    form = ExtractMappingForm(
        EXTRACT, obj.headers, request.POST or None, initial_mapping=suggested, personal=obj.personal_reasons
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        problems = services.mapping_problems(mapping, obj.headers, personal=obj.personal_reasons)
        for problem in problems:
            form.add_error(None, problem)
        if not problems:
            check = None if request.POST.get("confirmed") == "yes" else _check(obj, mapping)
            if check is not None and check.needs_confirmation:
                resubmit = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirmed")]
                return render(request, "workforce/check.html", {**context, "check": check, "resubmit": resubmit})
            services.submit_mapping(actor=request.user, extract_import=obj, mapping=mapping)
            return redirect(obj.get_absolute_url())
    if form.errors:
        status = 400
    path = services.upload_path(obj)
    # The preview was taken once, with the personal-data sample, when the file was uploaded: a page view
    # never parses the file again.
    preview = obj.preview[:PREVIEW_ROWS]
    context.update({
        "form": form, "preview": preview, "preview_headers": [h for h in obj.headers if h not in obj.personal_columns],
        "file_missing": not path.exists(), "kind": EXTRACT,
        "never_read": [
            f"{h} (its values look like {obj.personal_reasons[h]})" if h in obj.personal_reasons else h
            for h in obj.personal_columns
            if not is_assignment_header(h)
        ],
        "assignment_headers": [h for h in obj.personal_columns if is_assignment_header(h)],
    })  # fmt: skip
    return render(request, "workforce/map.html", context, status=status)


def _check(obj: ExtractImport, mapping: dict[str, str]) -> validation.Check | None:
    """The extract's figures beside the previous month, or None when the file cannot be read (the import
    then fails with its own message)."""
    try:
        figures = validation.extract_figures(services.upload_path(obj), obj.filename, mapping)
    except (ExtractError, OSError):
        return None
    return validation.check_extract(obj.trust, obj.month, figures)


def import_progress(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    """The progress bar alone, polled by HTMX; a finished import makes the page reload to show its result."""
    obj = _import(request, ods_code, pk)
    context = {"obj": obj, "trust": obj.trust}
    return progress_partial(request, "workforce/_progress.html", context, finished=obj.is_finished)


@require_POST
def import_cancel(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    obj = _import(request, ods_code, pk, "change")
    try:
        runs.cancel(actor=request.user, extract_import=obj)
        messages.success(request, "The import was cancelled and the uploaded file deleted.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workforce:trust", obj.trust.ods_code)


# Titles to resolve --------------------------------------------------------------------------------


def _decision_forms(groups: list[services.TitleGroup], bound: DecisionForm | None, bound_key: str) -> list[Any]:
    out = []
    for group in groups:
        if bound is not None and group.key == bound_key:
            form = bound
        else:
            form = DecisionForm(
                prefix=group.form_id, suggestion=group.suggestion, key=group.key, initial={"key": group.key}
            )
        out.append((group, form))
    return out


@require_http_methods(["GET", "POST"])
def titles(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = _trust(request, ods_code, "change" if request.method == "POST" else "view")
    months = quality.months_with_data([obj.pk])
    month = _month(request, months)
    groups = services.titles_to_resolve(obj, month) if month else []
    back = reverse("workforce:titles", args=[obj.ods_code]) + (f"?month={month:%Y-%m}" if month else "")
    can_edit = policy.can_change_in(request.user, obj.pk)
    bound: DecisionForm | None = None
    bound_key = ""
    if request.method == "POST" and request.POST.get("action") == "not_new_all":
        keys = [g.key for g in groups if g.not_a_role]
        services.mark_not_new(actor=request.user, trust=obj, keys=keys)
        messages.success(request, f"{len(keys)} group{'s' if len(keys) != 1 else ''} of titles marked not a new role.")
        return redirect(back)
    if request.method == "POST":
        bound_key = " ".join(request.POST.get("group", "").split())
        group = next((g for g in groups if g.key == bound_key), None)
        if group is None:
            messages.error(request, "That title is no longer waiting to be resolved.")
            return redirect(back)
        bound = DecisionForm(request.POST, prefix=group.form_id, suggestion=group.suggestion, key=group.key)
        if bound.is_valid():
            data = bound.cleaned_data
            services.decide_title(
                actor=request.user, trust=obj, key=group.key, outcome=data["outcome"], role=data.get("role"),
                propose=data.get("propose", False),
            )  # fmt: skip
            outcome = "not a new role" if data["outcome"] == TitleDecision.NOT_NEW else f"the role {data['role'].name}"
            messages.success(request, f"Titles like ‘{group.key}’ now count as {outcome}; the counts were updated.")
            return redirect(back)
    possible = [g for g in groups if not g.not_a_role]
    others = [g for g in groups if g.not_a_role]
    page = Paginator(possible, TITLES_PER_PAGE).get_page(request.GET.get("page"))
    shown_groups = list(page.object_list)
    if bound is not None and all(g.key != bound_key for g in shown_groups):
        shown_groups = [g for g in groups if g.key == bound_key]  # show the form with its errors
    context = {
        "trust": obj,
        "month": month,
        "month_options": _month_options(months),
        "page": page,
        "possible": len(possible),
        "others": others,
        "others_staff": sum(g.headcount for g in others),
        "rows": _decision_forms(shown_groups, bound, bound_key) if can_edit else [(g, None) for g in shown_groups],
        "can_edit": can_edit,
        "invalid": bound if bound is not None and bound.errors else None,
        "staff": sum(g.headcount for g in possible),
        "matched": services.month_match_figures(obj, month) if month else None,
        "decisions": TitleDecision.objects.filter(trust=obj)
        .select_related("role", "decided_by")
        .order_by("-updated_at")[:20],
    }
    return render(request, "workforce/titles.html", context, status=400 if context["invalid"] else 200)


# Data quality -------------------------------------------------------------------------------------


def _quality_rows(report: quality.Report, user: Any, *, national: bool = False) -> list[list[Any]]:
    """The report as an export shows it to this user (`accounts.disclosure` decides every count)."""
    rows = []
    for f in _present(report, user):
        examples = "; ".join(
            f"{e['text']} ({e['count_shown']}){' – ' + e['detail'] if e['detail'] else ''}" for e in f["examples"]
        )
        count = f["count_shown"] if f["checked"] else "not checked"
        change = "" if f["change_shown"] is None else f["finding"].change
        rows.append([f["label"], count, f["previous_shown"], change, examples, f["note"]])
        if national:
            for t in report.trusts:
                n = f["finding"].by_trust.get(t.pk, 0)
                if n:
                    rows.append([f"{f['label']}: {t.name}", disclosure.count_for(user, t.pk, n), "", "", "", ""])
    return rows


def _present(report: quality.Report, user: Any) -> list[dict[str, Any]]:
    """The findings as this user may see them: a total over trusts the user is outside of is protected
    from differencing, and a change is hidden with either of its counts."""
    out = []
    for f in report.findings:
        count = disclosure.total_shown(user, f.by_trust)
        previous = disclosure.total_shown(user, f.previous_by_trust) if f.previous is not None else ""
        # The change is this month's count of the compared trusts less the previous one: with the previous
        # count it gives the compared trusts' count, and with the total the other trusts' count, so it is
        # hidden whenever either of those would be.
        hide_change = (
            f.change is None
            or disclosure.SUPPRESSED in (count, previous)
            or disclosure.total_hidden(user, f.compared_by_trust)
            or disclosure.total_hidden(user, f.others_by_trust)
        )
        out.append({
            "finding": f, "label": f.label, "explanation": f.explanation, "note": f.note, "checked": f.checked,
            "count_shown": count, "previous_shown": previous,
            "change_shown": None if hide_change else f"{f.change:+d}" if f.change else "0",
            "short": quality.SHORT_LABELS[f.key],
            "examples": [
                {"text": e.text, "detail": e.detail, "is_title": e.is_title,
                 "count_shown": disclosure.total_shown(user, e.by_trust)}
                for e in f.examples
            ],
            "unchecked_reason": "The extract had no assignment number column to check.",
        })  # fmt: skip
    return out


QUALITY_HEADERS = ["Finding", "Staff affected", "Previous month", "Change", "Examples (staff)", "Note"]


def trust_quality(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = _trust(request, ods_code)
    months = quality.months_with_data([obj.pk])
    month = _month(request, months)
    report = quality.report([obj.pk], month)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and month:
        rows = _quality_rows(report, request.user)
        return download(f"data-quality-{obj.ods_code}-{month:%Y-%m}", QUALITY_HEADERS, rows, fmt)
    context = {"trust": obj, "report": report, "month": month, "month_options": _month_options(months),
               "outside": False, "findings": _present(report, request.user)}  # fmt: skip
    return render(request, "workforce/quality.html", context)


def national_quality(request: HttpRequest) -> HttpResponse:
    user = request.user
    chosen = _national_month(request)
    month, trust_ids = chosen.month, chosen.trust_ids
    outside = not policy.is_admin(user)
    report = quality.report(trust_ids, month, outside=outside)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and month:
        rows = _quality_rows(report, user, national=True)
        return download(f"data-quality-national-{month:%Y-%m}", QUALITY_HEADERS, rows, fmt)
    by_trust = [
        {
            "trust": t,
            "member": not disclosure.is_outsider(user, t.pk),
            "cells": [disclosure.count_for(user, t.pk, f.by_trust.get(t.pk, 0)) for f in report.findings],
        }
        for t in report.trusts
    ]
    context = {**_coverage_context(chosen), "report": report, "outside": outside, "by_trust": by_trust,
               "trust": None, "findings": _present(report, user)}  # fmt: skip
    return render(request, "workforce/quality.html", context)


# National counts ----------------------------------------------------------------------------------


def _staff_by_role_and_trust(trust_ids: list[int], month: dt.date) -> dict[int | None, dict[str, dict[int, int]]]:
    """Each role's headcount and staff in training, trust by trust, so every national total can be protected."""
    out: dict[int | None, dict[str, dict[int, int]]] = {}
    rows = (
        StaffCount.objects.filter(month=month, trust_id__in=trust_ids, extract__is_current=True)
        .values("role", "trust").annotate(staff=Sum("headcount"), training=Sum("headcount", filter=Q(in_training=True)))
        .order_by()
    )  # fmt: skip
    for r in rows:
        cell = out.setdefault(r["role"], {"staff": {}, "training": {}})
        cell["staff"][r["trust"]] = r["staff"] or 0
        cell["training"][r["trust"]] = r["training"] or 0
    return out


def national(request: HttpRequest) -> HttpResponse:
    user = request.user
    chosen = _national_month(request)
    month, trust_ids = chosen.month, chosen.trust_ids
    outside = any(disclosure.is_outsider(user, t) for t in trust_ids)
    rows = []
    if month:
        by_trust = _staff_by_role_and_trust(trust_ids, month)
        counts = services.counts_by_role(trust_ids, month)
        cells = [by_trust.get(c.role.pk if c.role else None, {"staff": {}, "training": {}}) for c in counts]
        # Each trust's staff is listed below the table, so the column's total is known: protect it as a whole.
        hidden = disclosure.protect_column(user, [cell["staff"] for cell in cells])
        for c, cell, hide in zip(counts, cells, hidden, strict=True):
            rows.append({
                "role": c.role, "trusts": sum(1 for n in cell["staff"].values() if n),
                "headcount": disclosure.SUPPRESSED if hide else c.headcount,
                "wte": disclosure.SUPPRESSED if hide else c.wte,
                "in_training": disclosure.total_shown(user, cell["training"]),
            })  # fmt: skip
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and month:
        headers = ["Role", "Trusts", "Headcount", "WTE", "In training"]
        data = [
            [r["role"].name if r["role"] else "Unresolved titles", r["trusts"], r["headcount"],
             float(r["wte"]) if not isinstance(r["wte"], str) else r["wte"], r["in_training"]]
            for r in rows
        ]  # fmt: skip
        return download(f"staff-record-national-{month:%Y-%m}", headers, data, fmt)
    staff = dict(
        StaffCount.objects.filter(month=month, trust_id__in=trust_ids, extract__is_current=True)
        .values("trust").annotate(n=Sum("headcount")).order_by().values_list("trust", "n")
    )  # fmt: skip
    trusts = [
        {"trust": t, "staff": disclosure.count_for(user, t.pk, staff.get(t.pk, 0)),
         "member": policy.can_see_in(user, t.pk), "last_sent": chosen.last_sent.get(t.pk)}
        for t in Trust.objects.filter(pk__in=trust_ids).order_by("name")
    ]  # fmt: skip
    context = {**_coverage_context(chosen), "rows": rows, "trusts": trusts, "outside": outside,
               "threshold": settings.SMALL_COUNT_THRESHOLD}  # fmt: skip
    return render(request, "workforce/national.html", context)


# National catalogue proposals ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def aliases(request: HttpRequest) -> HttpResponse:
    """The curator's list of titles trusts proposed to the national catalogue."""
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only national curators approve titles for the catalogue.")
    if request.method == "POST":
        alias = get_object_or_404(
            RoleAlias, pk=request.POST.get("alias"), trust__isnull=True, status=RoleAlias.PROPOSED
        )
        if request.POST.get("action") == "approve":
            catalogue_aliases.approve_alias(actor=request.user, alias=alias)
            messages.success(request, f"‘{alias.title}’ is now a national title for {alias.role.name}.")
        elif request.POST.get("action") == "reject":
            catalogue_aliases.reject_alias(actor=request.user, alias=alias)
            messages.success(request, f"The proposal ‘{alias.title}’ was rejected.")
        return redirect("workforce:aliases")
    return render(request, "workforce/aliases.html", {"proposals": catalogue_aliases.proposed_aliases()})
