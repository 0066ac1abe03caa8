"""An object's history (for whoever may see the object) and the audit log with CSV export (admins)."""

from __future__ import annotations

import json

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from newroles.audit import access
from newroles.audit.models import ChangeRecord
from newroles.audit.services import shown_history
from newroles.lib.exports import download

# Models whose history may be shown, by "app_label.model_name".
HISTORY_MODELS = {
    "organisations.trust", "organisations.team", "organisations.region", "accounts.membership",
    "mapping.deployment", "skillmix.composition", "skillmix.scenario", "roles.role", "roles.shareddocument",
    "organisations.organisation",
}  # fmt: skip


def history(request: HttpRequest, model: str, pk: str) -> HttpResponse:
    if model not in HISTORY_MODELS:
        raise Http404("No history for this kind of object.")
    model_class = apps.get_model(model)
    obj = access.policy().get_for_user(request.user, model_class, pk=pk)
    records = shown_history(request.user, obj)
    # A model whose name depends on who reads it (a private team's composition) names itself for the reader.
    title = obj.name_for(request.user) if hasattr(obj, "name_for") else str(obj)
    return render(request, "audit/history.html", {"object": title, "records": records})


def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.policy().is_admin(request.user):
        raise PermissionDenied("The audit log is for administrators.")
    qs = ChangeRecord.objects.select_related("content_type")
    batch = request.GET.get("batch", "").strip()
    if batch:
        qs = qs.filter(batch_id=batch)
    if request.GET.get("format") == "csv":
        headers = [
            "Time", "User", "Action", "Object type", "Object id", "Object", "Trust id",
            "Before", "After", "Request id", "Batch id", "Message",
        ]  # fmt: skip
        rows = (
            [
                r.time.isoformat(),
                r.user_name,
                r.action,
                r.content_type.model,
                r.object_id,
                r.object_repr,
                r.trust_id or "",
                json.dumps(r.before),
                json.dumps(r.after),
                r.request_id,
                r.batch_id,
                r.message,
            ]
            for r in qs.iterator()
        )
        return download("audit", headers, rows, "csv")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "batch": batch})
