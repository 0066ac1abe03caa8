"""The analysis pages: agreement between two coders, the framework matrix (and its XLSX), theme frequencies,
the quote finder, case studies, and researchers' classifications against the rule.

As everywhere in evidence, the first line of each view is `policy.require_evidence_reader` (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from newroles.accounts import policy
from newroles.evidence import analysis, services
from newroles.evidence.forms import AgreementForm, CaseStudyForm, ClassificationForm, MeasureValueForm, QuoteForm
from newroles.evidence.models import CaseStudy, Classification, Code, Measure, Quote, Segment
from newroles.lib import charts, exports
from newroles.mapping.models import Deployment


def _reader(request: HttpRequest) -> Any:
    policy.require_evidence_reader(request.user)
    return request.user


def _fmt(value: Any, places: int = 3) -> str:
    return "not defined" if value is None else f"{float(value):.{places}f}"


def agreement_page(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = AgreementForm(request.GET or None)
    rows: list[dict[str, Any]] = []
    coders = None
    if form.is_valid():
        users = get_user_model().objects.in_bulk([form.cleaned_data["coder_a"], form.cleaned_data["coder_b"]])
        coders = (users[form.cleaned_data["coder_a"]], users[form.cleaned_data["coder_b"]])
        for row in analysis.agreement_by_code(*coders):
            r = row.result
            rows.append({
                "code": row.code, "units": r.units, "agreed": r.agreed, "percent": f"{r.percent:.1f}",
                "kappa": _fmt(r.kappa), "alpha": _fmt(r.alpha), "disagreements": row.disagreements,
            })  # fmt: skip
    sources = analysis.shared_sources(*coders) if coders else []
    context = {"form": form, "rows": rows, "coders": coders, "sources": sources}
    return render(request, "evidence/agreement.html", context)


def _matrix_args(request: HttpRequest) -> tuple[str, Code | None]:
    by = request.GET.get("by", "participant")
    if by not in analysis.CASE_KINDS:
        raise Http404("No such kind of case.")
    parent = None
    if request.GET.get("theme"):
        parent = get_object_or_404(Code, pk=request.GET["theme"]) if request.GET["theme"].isdigit() else None
    return by, parent


def matrix(request: HttpRequest) -> HttpResponse:
    _reader(request)
    by, parent = _matrix_args(request)
    book = services.current_codebook()
    result = analysis.framework_matrix(by, parent)
    return render(request, "evidence/matrix.html", {
        "matrix": result, "rows": [(case, result.row(case)) for case in result.cases], "by": by, "parent": parent,
        "case_kinds": analysis.CASE_KINDS, "headings": book.codes.filter(parent=None) if book else [],
    })  # fmt: skip


def matrix_export(request: HttpRequest) -> HttpResponse:
    _reader(request)
    by, parent = _matrix_args(request)
    headers, rows = analysis.matrix_table(analysis.framework_matrix(by, parent))
    return exports.download(f"framework-matrix-{by}", headers, rows, "xlsx")


def frequencies(request: HttpRequest) -> HttpResponse:
    _reader(request)
    sections = []
    for by, title in (("region", "By region"), ("role", "By role studied")):
        themes, table = analysis.theme_frequencies(by)
        chart_rows = [{"group": g, "theme": t.name, "segments": counts[t.pk]} for g, counts in table.items()
                      for t in themes if counts[t.pk]]  # fmt: skip
        chart = None
        if chart_rows:
            chart = charts.stacked_bar_chart(
                chart_rows, category="group", series="theme", value="segments",
                series_order=[t.name for t in themes], colours=[t.colour for t in themes],
                label=f"Coded segments per theme, {title.lower()}", value_title="Coded segments",
            )  # fmt: skip
        sections.append({"title": title, "themes": themes, "chart": chart,
                         "rows": [(g, [counts[t.pk] for t in themes]) for g, counts in table.items()]})  # fmt: skip
    return render(request, "evidence/frequencies.html", {"sections": sections})


def quotes(request: HttpRequest) -> HttpResponse:
    """The quote finder: search coded segments' text; choose one as a quote; publish or withdraw quotes."""
    _reader(request)
    query = request.GET.get("q", "").strip()
    found: list[Segment] = []
    if query:
        found = [s for s in analysis.SEGMENTS.all()[:2000] if query.lower() in s.text.lower()][:50]
    book = services.current_codebook()
    return render(request, "evidence/quotes.html", {
        "query": query, "found": found, "quotes": Quote.objects.select_related("segment__paragraph", "theme", "role"),
        "form": QuoteForm(codes=book.codes.all() if book else None),
    })  # fmt: skip


@require_POST
def make_quote(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    segment = get_object_or_404(Segment, pk=pk)
    book = services.current_codebook()
    form = QuoteForm(request.POST, codes=book.codes.all() if book else None)
    if form.is_valid():
        try:
            services.make_quote(actor=user, segment=segment, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "Error: " + " ".join(exc.messages))
        else:
            messages.success(request, "Quote chosen: publish it for it to be seen beyond the research team.")
    else:
        messages.error(request, "Error: " + " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("evidence:quotes")


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    quote = get_object_or_404(Quote, pk=pk)
    publish_it = request.POST.get("publish") == "1"
    services.publish_quote(actor=user, quote=quote, published=publish_it)
    messages.success(request, "Published." if publish_it else "No longer published.")
    return redirect("evidence:quotes")


def case_studies(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = CaseStudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_case_study(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("evidence:case_studies")
    rows = CaseStudy.objects.select_related("site_trust", "site_organisation", "role")
    return render(request, "evidence/case_studies.html", {"form": form, "case_studies": rows})


def case_study(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    obj = get_object_or_404(CaseStudy.objects.select_related("role"), pk=pk)
    form = MeasureValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        measure = obj.measures.filter(name=data["measure_name"]).first() or services.add_measure(
            actor=user, case_study=obj, kind=data["kind"], name=data["measure_name"]
        )
        services.record_measure_value(actor=user, measure=measure, date=data["date"], value=data["value"])
        return redirect("evidence:case_study", pk=obj.pk)
    measures = Measure.objects.filter(case_study=obj).prefetch_related("values")
    return render(request, "evidence/case_study.html", {"case_study": obj, "measures": measures, "form": form,
                                                        "sources": obj.sources.all()})  # fmt: skip


def classify(request: HttpRequest, pk: int) -> HttpResponse:
    """A researcher's own classification of a deployment's skill-mix change, beside the rule's."""
    user = _reader(request)
    deployment = get_object_or_404(Deployment.objects.select_related("trust", "role"), pk=pk)
    mine = Classification.objects.filter(deployment=deployment, researcher=user).first()
    initial = {"kinds": mine.kinds, "reasons": mine.reasons, "note": mine.note,
               "segments": ", ".join(str(s.pk) for s in mine.segments.all())} if mine else None  # fmt: skip
    form = ClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_classification(actor=user, deployment=deployment, **form.cleaned_data)
        messages.success(request, "Your classification was saved.")
        return redirect("evidence:classifications")
    others = Classification.objects.filter(deployment=deployment).select_related("researcher")
    return render(request, "evidence/classify.html", {"deployment": deployment, "form": form, "others": others})


def classifications(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(request, "evidence/classifications.html", {"rows": analysis.rule_against_researchers()})
