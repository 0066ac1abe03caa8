"""REFI-QDA pages: the project and codebook downloads, and the import form with its report.

Researchers and administrators only: everyone else gets "not found" (`policy.require_evidence_reader`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from newroles.accounts import policy
from newroles.evidence import exchange
from newroles.evidence.forms import RefiImportForm
from newroles.evidence.refi import RefiError


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole project as `.qdpx` or the current codebook as `.qdc`, as a download."""
    policy.require_evidence_reader(request.user)
    data = exchange.export_bytes(request.user, fmt)
    stem = "newroles-project" if fmt == "qdpx" else "newroles-codebook"
    response = HttpResponse(data, content_type=exchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    return response


def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a `.qdpx` or `.qdc`; on success the report of what came in and what did not (nothing is kept)."""
    policy.require_evidence_reader(request.user)
    form = RefiImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = exchange.import_project(request.user, upload.read(), upload.name)
        except RefiError as exc:
            form.add_error("file", f"The file was refused and nothing was imported: {exc}")
        except ValidationError as exc:
            form.add_error("file", "Nothing was imported: " + "; ".join(exc.messages))
        else:
            return render(request, "evidence/import_report.html", {"report": report})
    return render(request, "evidence/import_refi.html", {"form": form})
