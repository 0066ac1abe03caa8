"""Pages for teams from the staff record: the trust's organisation units mapped to teams, and a composition
beside the record's staff. Each view's first lines decide access.

Both are the trust's own (its staff record is private): anyone outside the trust gets a 404, even for a
composition its trust shared; a viewer may read them and gets a 403 on a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from newroles.accounts import policy
from newroles.organisations.models import Team, Trust
from newroles.skillmix import record
from newroles.skillmix.models import Composition, RecordUnit
from newroles.workforce.access import staff_record_trust
from newroles.workforce.models import MONTH_FORMAT


def _chosen_month(request: HttpRequest, months: list[dt.date]) -> dt.date | None:
    wanted = request.GET.get("month") or request.POST.get("month", "")
    return next((m for m in months if m.strftime(MONTH_FORMAT) == wanted), months[0] if months else None)


def _month_options(months: list[dt.date]) -> list[tuple[str, str]]:
    return [(m.strftime(MONTH_FORMAT), m.strftime("%B %Y")) for m in months]


@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, ods_code: str) -> HttpResponse:
    """The trust's organisation units in the record, each with the team it is (remembered once set)."""
    trust = staff_record_trust(request, ods_code, "change" if request.method == "POST" else "view")
    months = record.months(trust)
    month = _chosen_month(request, months)
    teams = list(trust.teams.order_by("name"))
    mapped = {u.org_unit: u for u in RecordUnit.objects.filter(trust=trust).select_related("team")}
    staff = dict(record.unit_staff(trust, month))
    names = list(staff) + sorted(u for u in mapped if u not in staff)
    rows = [{"index": i, "org_unit": n, "staff": staff.get(n), "team": mapped[n].team if n in mapped else None}
            for i, n in enumerate(names)]  # fmt: skip
    errors: list[str] = []
    if request.method == "POST":
        by_id = {str(t.pk): t for t in teams}
        chosen: dict[str, Team | None] = {}
        for row in rows:
            if not row["org_unit"].strip():
                continue  # staff with no unit in the extract: nothing to name, so nothing to map
            value = request.POST.get(f"unit-{row['index']}", "")
            if value and value not in by_id:
                errors.append(f"Row {row['index'] + 1} ({row['org_unit']}): choose one of the trust's teams.")
            chosen[row["org_unit"]] = by_id.get(value)
        if not errors:
            try:
                changed = record.set_unit_teams(actor=request.user, trust=trust, teams=chosen)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, f"{changed} organisation unit{'s' if changed != 1 else ''} changed.")
                return redirect(request.get_full_path())
    by_team: dict[int, int] = {}
    for u in mapped.values():
        by_team[u.team_id] = by_team.get(u.team_id, 0) + 1
    context = {
        "trust": trust, "month": month, "month_options": _month_options(months), "rows": rows, "teams": teams,
        "errors": errors, "can_edit": policy.can_change_in(request.user, trust.pk),
        "mapped_teams": [t for t in teams if t.pk in by_team],
    }  # fmt: skip
    return render(request, "skillmix/record_units.html", context, status=400 if errors else 200)


@require_http_methods(["POST"])
def composition_from_record(request: HttpRequest, ods_code: str) -> HttpResponse:
    """A new composition of a team holding the record's staff for a month: scenarios start from it."""
    trust = staff_record_trust(request, ods_code, "change")
    team = Team.objects.filter(trust=trust, pk=request.POST.get("team") or 0).first()
    months = record.months(trust)
    month = _chosen_month(request, months)
    if team is None or month is None:
        raise Http404("No such team, or no staff record.")
    if not RecordUnit.objects.filter(team=team).exists():
        messages.error(request, f"Map an organisation unit to {team.name} first.")
        return redirect("skillmix:record_units", trust.ods_code)
    composition = record.composition_from_record(actor=request.user, team=team, record=record.record_lines(team, month))
    messages.success(request, f"A composition of {team.name} was filled from the staff record of {month:%B %Y}.")
    return redirect(composition.get_absolute_url())


def _own_composition(request: HttpRequest, pk: int, action: str) -> Composition:
    """The composition, for members of its trust only: the record beside it is the trust's private data."""
    obj = policy.get_for_user(request.user, Composition.objects.select_related("team", "team__trust"), pk=pk)
    if not policy.can_see_in(request.user, obj.team.trust_id):
        raise Http404("No such composition.")
    if action == "change" and not policy.can_change_in(request.user, obj.team.trust_id):
        raise PermissionDenied("Only the trust's editors change its compositions.")
    return obj


@require_http_methods(["GET", "POST"])
def composition_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The composition's posts beside the staff record's staff of its team, line by line; the manager takes
    the record's figures for the lines they choose, or keeps their own."""
    obj = _own_composition(request, pk, "change" if request.method == "POST" else "view")
    trust: Trust = obj.team.trust
    months = record.months(trust)
    month = _chosen_month(request, months)
    counted = record.record_lines(obj.team, month) if month else None
    error = ""
    if request.method == "POST" and counted is not None:
        keys = request.POST.getlist("take")
        if request.POST.get("action") == "take_all":
            keys = [d.key for d in record.compare(obj, counted) if not d.same]
        if not keys:
            error = "Choose at least one line to take from the staff record, or keep your own posts."
        else:
            try:
                written = record.take_from_record(actor=request.user, composition=obj, record=counted, keys=keys)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, f"{written} post{'s' if written != 1 else ''} taken from the staff record.")
                return redirect(obj.get_absolute_url())
    differences = record.compare(obj, counted) if counted else []
    context: dict[str, Any] = {
        "composition": obj, "team": obj.team, "trust": trust, "month": month, "month_options": _month_options(months),
        "counted": counted, "differences": differences, "error": error,
        "differ": sum(1 for d in differences if not d.same),
        "can_edit": policy.can_change_in(request.user, trust.pk),
    }  # fmt: skip
    return render(request, "skillmix/composition_record.html", context, status=400 if error else 200)
