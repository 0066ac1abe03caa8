"""The recount after a catalogue change (`recount_jobs`): its page and the progress bar the page polls.

Any signed-in user may follow it: it names no trust and no staff count, only how many trusts, months
and titles it has recounted.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from newroles.lib.progress import progress_partial
from newroles.workforce.models import Recount


def recount(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Recount, pk=pk)
    earlier = Recount.objects.exclude(pk=obj.pk).order_by("-created_at", "-id")[:10]
    return render(request, "workforce/recount.html", {"recount": obj, "earlier": earlier})


def recount_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by HTMX; a finished recount reloads the page to show its result."""
    obj = get_object_or_404(Recount, pk=pk)
    return progress_partial(request, "workforce/_recount_progress.html", {"recount": obj}, finished=obj.is_finished)
