"""Pages of the event register and of each trust's events. Each view's first lines decide access.

Everyone signed in reads the register; curators (the research team and administrators) change it. A
trust's events page is for its members, and for national readers and curators (`services.may_read_trust_events`);
anyone else gets 404. The calendar feed is read by calendar apps that cannot sign in: its address holds the
trust's secret token, and a wrong token is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newroles.accounts import policy
from newroles.forewarning import ical, services
from newroles.forewarning.filters import EventFilter
from newroles.forewarning.forms import EventForm
from newroles.forewarning.models import CalendarFeed, Event
from newroles.forewarning.warnings import lead_time_warnings
from newroles.lib.exports import download
from newroles.lib.forms import form_copy
from newroles.organisations.models import Trust

PAGE_SIZE = 50
EXPORT_HEADERS = ["Date", "Event", "Kind", "Roles affected", "Region", "Description", "Source", "Source address",
                  "Illustrative"]  # fmt: skip


def today() -> dt.date:
    return timezone.localdate()


def _export_row(event: Event) -> list[Any]:
    return [
        event.date, event.title, event.get_kind_display(), "; ".join(r.name for r in event.roles.all()),
        event.region.name if event.region else "England", event.description, event.source_citation,
        event.source_url, "Yes" if event.illustrative else "No",
    ]  # fmt: skip


# The register ---------------------------------------------------------------------------------------


def events(request: HttpRequest) -> HttpResponse:
    day = today()
    filterset = EventFilter(request.GET, queryset=services.events(), today=day)
    qs = filterset.qs.distinct().order_by("date", "title")
    if request.GET.get("format") in ("csv", "xlsx"):
        return download("forewarning-events", EXPORT_HEADERS, (_export_row(e) for e in qs), request.GET["format"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "rows": services.dated(page.object_list, today=day),
        "is_curator": policy.is_curator(request.user),
        "my_trusts": _my_trusts(request.user),
    }
    return render(request, "forewarning/events.html", context)


def _my_trusts(user: Any) -> list[Trust]:
    """The trusts the user belongs to, for links to their events pages."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Trust.objects.filter(pk__in=user.trust_ids()).order_by("name"))


def _require_curator(request: HttpRequest) -> None:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team and administrators keep the event register.")


def _save(request: HttpRequest, form: EventForm, event: Event | None) -> Event | None:
    data = dict(form.cleaned_data)
    data["roles"] = list(data["roles"])
    try:
        if event is None:
            return services.create_event(actor=request.user, **data)
        return services.update_event(actor=request.user, event=event, **data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    _require_curator(request)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = _save(request, form, None)
        if created is not None:
            messages.success(request, f"'{created.title}' added to the register.")
            return redirect("forewarning:events")
    return render(request, "forewarning/event_form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curator(request)
    event = get_object_or_404(Event, pk=pk)
    form = EventForm(request.POST or None, instance=form_copy(event))
    if request.method == "POST" and form.is_valid() and _save(request, form, event) is not None:
        messages.success(request, f"'{event.title}' saved.")
        return redirect("forewarning:events")
    return render(request, "forewarning/event_form.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curator(request)
    event = get_object_or_404(Event, pk=pk)
    if request.method == "POST":
        title = event.title
        services.delete_event(actor=request.user, event=event)
        messages.success(request, f"'{title}' removed from the register.")
        return redirect("forewarning:events")
    return render(request, "forewarning/event_delete.html", {"event": event})


# A trust's events -----------------------------------------------------------------------------------


def _trust_for(request: HttpRequest, ods_code: str) -> Trust:
    trust = get_object_or_404(Trust.objects.select_related("region"), ods_code=ods_code.upper())
    if not services.may_read_trust_events(request.user, trust):
        raise Http404("No such trust page.")
    return trust


def trust_events(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust = _trust_for(request, ods_code)
    day = today()
    upcoming, past = services.trust_events(trust, today=day)
    planned = list(services.current_deployments(trust).select_related("role"))
    gaps = lead_time_warnings(planned, today=day)
    member = policy.can_see_in(request.user, trust.pk)
    # The feed's address is the trust's secret: shown to its members only, never to national readers.
    feed = CalendarFeed.objects.filter(trust=trust).first() if member else None
    context = {
        "trust": trust,
        "upcoming": upcoming,
        "past": past,
        "has_roles": bool(planned),
        "too_soon": [(d, gaps[d.pk]) for d in planned if d.pk in gaps],
        "member": member,
        "feed": feed,
        "feed_url": request.build_absolute_uri(reverse("forewarning:feed", args=[feed.token])) if feed else "",
        "can_manage": policy.can_manage(request.user, trust.pk),
    }
    return render(request, "forewarning/trust_events.html", context)


@require_POST
def feed_reset(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust = _trust_for(request, ods_code)
    if not policy.can_manage(request.user, trust.pk):
        raise PermissionDenied("Only the trust's managers set up or reset its calendar feed.")
    existed = CalendarFeed.objects.filter(trust=trust).exists()
    services.reset_feed(actor=request.user, trust=trust)
    if existed:
        messages.success(request, "The calendar feed has a new address. The old one no longer works.")
    else:
        messages.success(request, "The calendar feed is ready: add its address to your calendar app.")
    return redirect("forewarning:trust", trust.ods_code)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = services.feed_for_token(token)
    if found is None:
        raise Http404("No such calendar.")
    trust = found.trust
    role_ids = services.trust_role_ids(trust)
    rows = [(e, [r.name for r in e.roles.all() if r.pk in role_ids]) for e in services.for_trust(trust)]
    body = ical.calendar(f"New roles: events ahead for {trust.name}", rows, stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{trust.ods_code}.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
