"""The research workbench's pages: sources and their import, coding, the codebook, participants, local names.

Every view's first line is `policy.require_evidence_reader`: anyone outside the research team (and the
administrators) gets "not found" for every page, export and form here. The analysis pages are in
`analysis_views.py`.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from newroles.accounts import policy
from newroles.evidence import analysis, pending, services
from newroles.evidence.forms import (
    CodeForm,
    LocalNameForm,
    MemoForm,
    ParticipantForm,
    RetrievalForm,
    ReviewForm,
    SegmentForm,
    UploadForm,
    WithdrawForm,
)
from newroles.evidence.models import CaseStudy, Code, Codebook, LocalName, Paragraph, Participant, Segment, Source
from newroles.evidence.pseudonymise import pseudonymise
from newroles.evidence.transcripts import TranscriptError, read_transcript


def _reader(request: HttpRequest) -> Any:
    policy.require_evidence_reader(request.user)
    return request.user


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's validation error on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def index(request: HttpRequest) -> HttpResponse:
    _reader(request)
    codebook = services.current_codebook()
    return render(request, "evidence/index.html", {
        "sources": Source.objects.annotate(n_paragraphs=Count("paragraphs", distinct=True)).order_by("phase", "title"),
        "participants": Participant.objects.count(),
        "codebook": codebook,
        "segments": Segment.objects.count(),
    })  # fmt: skip


# Sources and their import ----------------------------------------------------------------------


def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: read the file in memory, pseudonymise it, and stage the review (nothing is stored yet)."""
    user = _reader(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            turns = read_transcript(upload_file.name, upload_file.read())
        except TranscriptError as exc:
            form.add_error("file", str(exc))
        else:
            result = pseudonymise(turns, participants=form.cleaned_data["participants"], known=services.known_terms())
            case_study = form.cleaned_data["case_study"]
            meta = {
                "title": form.cleaned_data["title"], "kind": form.cleaned_data["kind"],
                "phase": form.cleaned_data["phase"],
                "date": form.cleaned_data["date"].isoformat() if form.cleaned_data["date"] else None,
                "codes": sorted(set(form.cleaned_data["participants"].values())),
                "case_study": case_study.pk if case_study else None,
            }  # fmt: skip
            token = pending.stage(user_id=user.pk, result=result, meta=meta)
            return redirect("evidence:review", token=token)
    return render(request, "evidence/upload.html", {"form": form})


def review(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: every replacement and every name-like word left; saving only once the researcher confirms."""
    user = _reader(request)
    try:
        result, meta = pending.load(token, user.pk)
    except KeyError as exc:
        raise Http404("No transcript is waiting for review here.") from exc
    if request.method == "POST" and "cancel" in request.POST:
        pending.discard(token)
        messages.info(request, "The transcript was discarded; nothing was saved.")
        return redirect("evidence:index")
    form = ReviewForm(request.POST if request.method == "POST" else None, name_like=result.name_like)
    if request.method == "POST" and form.is_valid():
        extra = form.terms()
        turns = result.turns
        if extra:
            turns = pseudonymise(turns, known=[(t, "[NAME]", "name") for t in extra]).turns
        participants = Participant.objects.filter(code__in=meta["codes"])
        try:
            source = services.create_source(
                actor=user, title=meta["title"], kind=meta["kind"], phase=meta["phase"], date=meta["date"],
                turns=turns, participants=participants,
                case_study=CaseStudy.objects.filter(pk=meta["case_study"]).first(),
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            pending.discard(token)
            messages.success(request, f"Saved {len(turns)} paragraphs; the file and the review were deleted.")
            return redirect("evidence:source", pk=source.pk)
    return render(request, "evidence/review.html", {
        "form": form, "result": result, "meta": meta, "token": token,
        "speaker_replacements": [r for r in result.replacements if r.turn == -1],
    })  # fmt: skip


def _source(request: HttpRequest, pk: int) -> Source:
    _reader(request)
    return get_object_or_404(Source, pk=pk)


def _marked(paragraph: Paragraph) -> list[dict[str, Any]]:
    """The paragraph's text cut at every segment boundary, each piece with the codes covering it."""
    segments = list(paragraph.segments.all())
    cuts = sorted({0, len(paragraph.text), *[s.start for s in segments], *[s.end for s in segments]})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [s for s in segments if s.start <= start and s.end >= end]
        codes = sorted({c for s in covering for c in s.codes.all()}, key=lambda c: c.name)
        pieces.append({"text": paragraph.text[start:end], "codes": codes, "start": start})
    return pieces


def source(request: HttpRequest, pk: int) -> HttpResponse:
    """A source being coded: its paragraphs with their segments, the coding form (filled by selecting text
    when JavaScript runs, typed in when it does not), and memos."""
    obj = _source(request, pk)
    codebook = services.current_codebook()
    segments = Segment.objects.select_related("coder").prefetch_related("codes")
    paragraphs = list(obj.paragraphs.prefetch_related(Prefetch("segments", queryset=segments)))
    return render(request, "evidence/source.html", {
        "source": obj, "codebook": codebook,
        "paragraphs": [{"p": p, "pieces": _marked(p)} for p in paragraphs],
        "segment_form": SegmentForm(codebook=codebook), "memo_form": MemoForm(),
        "memos": obj.memos.select_related("author"),
        "segments": [s for p in paragraphs for s in p.segments.all()],
    })  # fmt: skip


@require_POST
def code_span(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _source(request, pk)
    codebook = services.current_codebook()
    form = SegmentForm(request.POST, codebook=codebook)
    if form.is_valid():
        paragraph = obj.paragraphs.filter(index=form.cleaned_data["paragraph"]).first()
        if paragraph is None:
            form.add_error("paragraph", f"This source has no paragraph {form.cleaned_data['paragraph']}.")
        else:
            try:
                services.code_segment(
                    actor=request.user, paragraph=paragraph, start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"], codes=list(form.cleaned_data["codes"]),
                    summary=form.cleaned_data["summary"],
                )  # fmt: skip
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Coded.")
                return redirect(reverse("evidence:source", args=[obj.pk]) + f"#p{paragraph.index}")
    return render(request, "evidence/code_error.html", {"source": obj, "segment_form": form}, status=400)


@require_POST
def uncode(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    segment = get_object_or_404(Segment.objects.select_related("paragraph"), pk=pk)
    source_pk = segment.paragraph.source_id
    services.delete_segment(actor=request.user, segment=segment)
    messages.success(request, "The coding was removed.")
    return redirect("evidence:source", pk=source_pk)


@require_POST
def memo(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _reader(request)
    models = {"source": Source, "code": Code, "segment": Segment}
    if kind not in models:
        raise Http404("No such memo target.")
    target = get_object_or_404(models[kind], pk=pk)
    form = MemoForm(request.POST)
    if form.is_valid():
        services.add_memo(actor=request.user, text=form.cleaned_data["text"], **{kind: target})
        messages.success(request, "Memo saved.")
    else:
        messages.error(request, "Error: write the memo before saving it.")
    back = {"source": lambda t: reverse("evidence:source", args=[t.pk]),
            "code": lambda t: reverse("evidence:code", args=[t.pk]),
            "segment": lambda t: reverse("evidence:source", args=[t.paragraph.source_id])}[kind](target)  # fmt: skip
    return redirect(back)


# The codebook ----------------------------------------------------------------------------------


def _tree(codebook: Codebook) -> list[tuple[Code, int]]:
    codes = list(codebook.codes.annotate(n=Count("segments")).order_by("order", "name"))
    children: dict[int | None, list[Code]] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Code, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def codebook(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    book = services.current_codebook()
    form = CodeForm(request.POST or None, codebook=book)
    if request.method == "POST":
        if "seed" in request.POST:
            services.seed_codebook(actor=user)
            return redirect("evidence:codebook")
        if "new_version" in request.POST:
            new = services.new_codebook_version(actor=user)
            messages.success(request, f"Version {new.version} started from version {new.version - 1}.")
            return redirect("evidence:codebook")
        if book is not None and form.is_valid():
            try:
                services.save_code(actor=user, codebook=book, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Code added.")
                return redirect("evidence:codebook")
    return render(request, "evidence/codebook.html", {
        "codebook": book, "tree": _tree(book) if book else [], "form": form,
        "versions": Codebook.objects.all(),
    })  # fmt: skip


def code(request: HttpRequest, pk: int) -> HttpResponse:
    """Retrieval: every segment coded with the code or any code under it, filterable."""
    _reader(request)
    obj = get_object_or_404(Code.objects.select_related("codebook", "parent"), pk=pk)
    form = RetrievalForm(request.GET or None)
    filters = analysis.Filters(**form.cleaned_data) if form.is_valid() else analysis.Filters()
    return render(request, "evidence/code.html", {
        "code": obj, "form": form, "segments": analysis.segments_for_code(obj, filters),
        "memo_form": MemoForm(), "memos": obj.memos.select_related("author"),
        "children": obj.children.all(),
    })  # fmt: skip


# Participants and local names ------------------------------------------------------------------


def participants(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_participant(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Participant added.")
            return redirect("evidence:participants")
    rows = Participant.objects.select_related("trust", "organisation").annotate(n_sources=Count("sources"))
    return render(request, "evidence/participants.html", {"form": form, "participants": rows})


def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    participant = get_object_or_404(Participant, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quote_ids = services.withdraw_consent(actor=user, participant=participant, on=form.cleaned_data["on"])
        messages.success(
            request, f"Participant {participant.code}'s material was deleted ({len(quote_ids)} quotes withdrawn)."
        )
        return redirect("evidence:participants")
    return render(request, "evidence/withdraw.html", {"participant": participant, "form": form,
                                                      "sources": participant.sources.all()})  # fmt: skip


def local_names(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = LocalNameForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            name = get_object_or_404(LocalName, pk=request.POST.get("delete"))
            services.delete_local_name(actor=user, local_name=name)
            return redirect("evidence:local_names")
        if form.is_valid():
            try:
                services.add_local_name(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Added: transcripts imported from now on replace it.")
                return redirect("evidence:local_names")
    return render(request, "evidence/local_names.html", {"form": form, "names": LocalName.objects.all()})
