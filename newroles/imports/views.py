"""The import pages: choose a kind, upload, map columns and preview, see every error, commit."""

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
from newroles.audit.context import batch
from newroles.imports import engine
from newroles.imports.forms import MappingForm, UploadForm
from newroles.imports.registry import ImportContext, ImportKind, all_kinds, get_kind
from newroles.lib.exports import download
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
            ctx = ImportContext(actor=request.user, trust=trust)
            result = engine.run_import(kind, table, mapping, ctx, commit=False)
            request.session[f"import-mapping-{token}"] = mapping
            context.update({"result": result, "mapping": mapping})
            return render(request, "imports/check.html", context)
    return render(request, "imports/map.html", context)


def errors_file(request: HttpRequest, key: str, token: str) -> HttpResponse:
    kind, trust = _kind_and_trust(request, key)
    saved = _load(request, kind, token, trust)
    mapping = request.session.get(f"import-mapping-{token}")
    if not mapping:
        raise Http404("Check the file first.")
    result = engine.run_import(kind, saved.table(), mapping, ImportContext(request.user, trust), commit=False)
    headers, rows = engine.error_rows(result)
    return download(f"{kind.key}-import-errors", headers, rows, "csv")


@require_POST
def commit(request: HttpRequest, key: str, token: str) -> HttpResponse:
    kind, trust = _kind_and_trust(request, key)
    saved = _load(request, kind, token, trust)
    mapping = request.session.get(f"import-mapping-{token}")
    if not mapping:
        raise Http404("Check the file first.")
    result = engine.run_import(kind, saved.table(), mapping, ImportContext(request.user, trust), commit=True)
    if not result.ok:
        messages.error(request, f"Nothing was imported: {len(result.errors)} problem(s) were found.")
        return redirect(reverse("imports:map", args=[kind.key, token]) + _query(trust))
    with batch(result.batch_id):  # the remembered mapping belongs to the same import in the audit log
        engine.remember_mapping(actor=request.user, kind=kind, mapping=mapping)
    saved.discard()
    request.session.pop(f"import-mapping-{token}", None)
    messages.success(
        request,
        f"Imported {result.rows} row(s): {result.created} added, {result.updated} updated "
        f"(batch {result.batch_id[:8]}).",
    )
    return redirect(kind.done_url(trust))
