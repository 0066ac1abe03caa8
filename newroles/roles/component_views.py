"""Editing one component of a role pack: its prose in text boxes, its tables as tables, with a live preview.

The page posts the component as segments (see `lib/mdtables.py`); the same segments are joined into the
Markdown the component stores, and the preview renders that Markdown through the one sanitiser
(`render_markdown`), so what the preview shows is what the pack page will show.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.lib import mdtables
from newroles.lib.markdown import render_markdown
from newroles.roles import services
from newroles.roles.forms import ComponentForm
from newroles.roles.models import PackComponent, RolePack


def _editable_component(request: HttpRequest, pk: int, key: str) -> tuple[RolePack, PackComponent]:
    """The pack (404 when the user may not see it) and its component (403 when they may not change it)."""
    pack = policy.get_for_user(request.user, RolePack, pk=pk)
    if not policy.can_edit_pack(request.user, pack):
        raise PermissionDenied("You may not change this pack.")
    return pack, get_object_or_404(PackComponent, pack=pack, key=key)


def posted_text(data: Any) -> str:
    """The component's Markdown from a post: the segments the page sends, or a plain `text` field."""
    if "seg-count" in data:
        return mdtables.join(mdtables.from_post(data))
    return str(data.get("text", "") or "")


def _segments_context(segments: list[mdtables.Segment]) -> list[dict[str, Any]]:
    """The segments as the template lays them out: numbered, tables with their rows and a header flag."""
    out = []
    for n, segment in enumerate(segments):
        item: dict[str, Any] = {"n": n, "kind": segment.kind, "text": segment.text}
        if segment.kind == "table":
            item["cols"] = max(segment.columns, 1)
            item["rows"] = [
                {"r": r, "cells": [{"c": c, "value": v} for c, v in enumerate(row)]}
                for r, row in enumerate(segment.rows)
            ]
            item["caption"] = ", ".join(h for h in (segment.rows[0] if segment.rows else []) if h.strip())
        out.append(item)
    if not any(s["kind"] == "text" for s in out):
        # Room to write prose after the last table (sources, notes), as a pack usually has.
        out.append({"n": len(out), "kind": "text", "text": ""})
    return out


@require_http_methods(["GET", "POST"])
def component_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    pack, component = _editable_component(request, pk, key)
    action = request.POST.get("action", "")
    if request.method == "POST":
        posted = request.POST
        segments = mdtables.from_post(posted) if "seg-count" in posted else mdtables.split(posted_text(posted))
        text = mdtables.join(segments)
        form = ComponentForm({"text": text, "not_yet_written": request.POST.get("not_yet_written", "")})
        if action.startswith("add-row-"):
            # Without scripts, "Add a row" posts the page back with one more empty row; nothing is saved yet.
            mdtables.add_row(segments, mdtables.bounded_int(action.removeprefix("add-row-"), mdtables.MAX_SEGMENTS))
        elif action.startswith("remove-row-") or action == "preview":
            pass  # the removed row is already left out of the segments; the page comes back to go on editing
        elif form.is_valid():
            result = services.edit_component(actor=request.user, component=component, **form.cleaned_data)
            if result.pk != pack.pk:
                messages.success(request, f"Saved as version {result.version} of the national pack.")
            else:
                messages.success(request, f"{component.get_key_display()} saved.")
            return redirect(result)
    else:
        segments = mdtables.split(component.text)
        text = component.text
        form = ComponentForm(initial={"text": component.text, "not_yet_written": component.not_yet_written})
    context = {
        "pack": pack,
        "component": component,
        "form": form,
        "segments": _segments_context(segments),
        "preview": render_markdown(text),
    }
    return render(request, "roles/component_form.html", context)


@require_POST
def component_preview(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The component as it would show, from the edit page's fields as they are now (HTMX, not saved)."""
    _editable_component(request, pk, key)
    return render(request, "roles/_component_preview.html", {"preview": render_markdown(posted_text(request.POST))})
