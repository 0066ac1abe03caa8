"""The progress bar a running job's page polls with HTMX: once the job has finished, the page reloads itself
to show the result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def progress_partial(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, finished: bool
) -> HttpResponse:
    """Render the bar alone; a finished job's HTMX poll gets HX-Refresh, so the whole page shows the result."""
    response = render(request, template, context)
    if finished and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response
