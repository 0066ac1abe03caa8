"""The import pages: choose a kind, upload, map columns and preview, see every error, commit.

Checking and committing run in the background worker (`newroles.imports.runs`); their pages show a
progress bar that polls until the run ends, then its result.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.accounts.models import trust_model
from newroles.imports import engine, runs
from newroles.imports.forms import MappingForm, UploadForm
from newroles.imports.models import ImportRun
from newroles.imports.registry import ImportKind, all_kinds, get_kind
from newroles.lib.exports import download
from newroles.lib.progress import progress_partial
from newroles.lib.tabular import TabularError

PREVIEW_ROWS = 5


def _kind_and_trust(request: HttpRequest, key: str) -> tuple[ImportKind, Any]:
    kind = get_kind(key)
    if kind is None:
        raise Http404("No such import.")
    trust = None
    if kind.trust_scoped:
        code = request.GET.get("trust") or request.POST.get("trust") or ""
        trust = get_object_or_404(trust_model(), ods_code=code.upper())
    if not kind.may_use(request.user, trust):
        raise PermissionDenied("You may not import this data.")
    return kind, trust


def _query(trust: Any) -> str:
    return f"?trust={trust.ods_code}" if trust else ""


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    editable_trusts = list(policy.editor_trusts(user).order_by("name"))
    options: list[dict[str, Any]] = []
    for kind in all_kinds():
        if kind.trust_scoped:
            for trust in editable_trusts:
                url = reverse("imports:upload", args=[kind.key]) + _query(trust)
                options.append({"kind": kind, "trust": trust, "url": url})
        elif kind.may_use(user):
            options.append({"kind": kind, "trust": None, "url": reverse("imports:upload", args=[kind.key])})
    return render(request, "imports/index.html", {"options": options})


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, key: str) -> HttpResponse:
    kind, trust = _kind_and_trust(request, key)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            engine.check_size(uploaded.size)  # before reading, so a huge file is never loaded
            saved, _table = engine.save_upload(
                uploaded.read(), filename=uploaded.name, kind=kind, user=request.user, trust=trust
            )
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(reverse("imports:map", args=[kind.key, saved.token]) + _query(trust))
    return render(request, "imports/upload.html", {"kind": kind, "trust": trust, "form": form})


def _load(request: HttpRequest, kind: ImportKind, token: str, trust: Any) -> engine.Upload:
    saved = engine.load_upload(token, user=request.user, kind=kind)
    if saved is None or saved.trust_id != (trust.pk if trust else None):
        raise Http404("This upload has expired or is not yours. Upload the file again.")
    return saved


@require_http_methods(["GET", "POST"])
def map_columns(request: HttpRequest, key: str, token: str) -> HttpResponse:
    kind, trust = _kind_and_trust(request, key)
    saved = _load(request, kind, token, trust)
    table = saved.table()
    suggested = engine.suggest_mapping(kind, table.headers, engine.remembered_mapping(request.user, kind))
    form = MappingForm(kind, table.headers, request.POST or None, initial_mapping=suggested)
    context: dict[str, Any] = {
        "kind": kind, "trust": trust, "upload": saved, "table": table, "form": form,
        "preview": table.rows[:PREVIEW_ROWS], "query": _query(trust),
    }  # fmt: skip
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        problems = engine.mapping_problems(kind, mapping, table.headers)
        for problem in problems:
            form.add_error(None, problem)
        if not problems:
            run = runs.start_check(actor=request.user, upload=saved, kind=kind, mapping=mapping)
            if run.is_running:
                return redirect(reverse("imports:check", args=[kind.key, token]) + _query(trust))
            return _check_page(request, kind, trust, saved, run, context)
    return render(request, "imports/map.html", context)


def _run(request: HttpRequest, kind: ImportKind, token: str, trust: Any) -> ImportRun:
    """The user's latest run of this upload (which outlives the file once imported), for this trust."""
    run = runs.latest_run(token, user=request.user, kind=kind)
    if run is None or run.trust_id != (trust.pk if trust else None):
        raise Http404("Check the file first.")
    return run


def _check_page(
    request: HttpRequest, kind: ImportKind, trust: Any, saved: engine.Upload, run: ImportRun,
    context: dict[str, Any] | None = None,
) -> HttpResponse:  # fmt: skip
    context = {
        **(context or {"kind": kind, "trust": trust, "upload": saved, "query": _query(trust)}),
        "run": run, "result": runs.result_of(run), "mapping": run.mapping, "done_url": kind.done_url(trust),
    }  # fmt: skip
    if run.is_running:
        return render(request, "imports/running.html", context)
    return render(request, "imports/check.html", context)


def check(request: HttpRequest, key: str, token: str) -> HttpResponse:
    """The latest run of this upload: its progress while it runs, then every problem, or the commit button."""
    kind, trust = _kind_and_trust(request, key)
    run = _run(request, kind, token, trust)
    saved = engine.Upload(run.token, run.kind, run.filename, run.user_id, run.trust_id)
    return _check_page(request, kind, trust, saved, run)


def progress(request: HttpRequest, key: str, token: str) -> HttpResponse:
    """The progress bar alone, polled by HTMX; a finished run makes the page reload to show its result."""
    kind, trust = _kind_and_trust(request, key)
    run = _run(request, kind, token, trust)
    context = {"run": run, "kind": kind, "query": _query(trust)}
    return progress_partial(request, "imports/_progress.html", context, finished=not run.is_running)


def errors_file(request: HttpRequest, key: str, token: str) -> HttpResponse:
    """The checked run's problems as a file: read from the run, never by checking the file again."""
    kind, trust = _kind_and_trust(request, key)
    run = _run(request, kind, token, trust)
    if run.is_running:
        raise Http404("The check has not finished yet.")
    headers, rows = engine.error_rows(runs.result_of(run))
    return download(f"{kind.key}-import-errors", headers, rows, "csv")


@require_POST
def commit(request: HttpRequest, key: str, token: str) -> HttpResponse:
    kind, trust = _kind_and_trust(request, key)
    _load(request, kind, token, trust)
    run = _run(request, kind, token, trust)
    back = reverse("imports:map", args=[kind.key, token]) + _query(trust)
    if run.status != ImportRun.CHECKED or run.errors:
        problem = f"{len(run.errors)} problem(s) were found" if run.errors else "the file has not passed its check"
        messages.error(request, f"Nothing was imported: {problem}.")
        return redirect(back)
    run = runs.start_commit(run=run)
    if run.is_running:
        return redirect(reverse("imports:check", args=[kind.key, token]) + _query(trust))
    return _after_commit(request, kind, trust, run, back)


def _after_commit(request: HttpRequest, kind: ImportKind, trust: Any, run: ImportRun, back: str) -> HttpResponse:
    if run.status != ImportRun.COMMITTED:
        messages.error(request, run.message)
        return redirect(back)
    messages.success(
        request,
        f"Imported {run.rows} row(s): {run.created} added, {run.updated} updated (batch {run.batch_id[:8]}).",
    )
    return redirect(kind.done_url(trust))
