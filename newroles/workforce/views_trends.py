"""Trend pages of the staff record: a trust's own (its members only) and the national or a region's.

The first lines of each view decide access: a trust's trends are private to its members (404 for anyone
else, as its other staff-record pages); the national trends are open to everyone signed in, with every
count passed through `accounts.disclosure` by `trends.present`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newroles.accounts import disclosure
from newroles.lib import charts
from newroles.lib.exports import download
from newroles.organisations.models import Region, Trust
from newroles.workforce import trends
from newroles.workforce.access import staff_record_trust
from newroles.workforce.models import ExtractImport, month_label

CHARTED_ROLES = 8  # lines on a chart before it stops being readable; the tables list every role
EXPORT_TABLES = ("roles", "bands", "unresolved")


def _number(value: Any, places: int = 0) -> str:
    if value is None:
        return ""
    if value == disclosure.SUPPRESSED:
        return disclosure.SUPPRESSED
    return f"{value:,.{places}f}" if places else f"{value:,}"


def _change(value: Any, places: int = 0) -> str:
    if value is None:
        return ""
    if value == disclosure.SUPPRESSED:
        return disclosure.SUPPRESSED
    text = f"{value:+,.{places}f}" if places else f"{value:+,}"
    return "0" if value == 0 else text


def _charted(shown: trends.Shown) -> list[trends.Series]:
    """The new roles with most staff in the latest month (the catalogue's established roles are in the
    tables): the lines drawn."""
    new = [s for s in shown.roles if s.role is not None and s.role.is_new]
    return new[:CHARTED_ROLES]


def _line_rows(series: list[trends.Series], months: list[dt.date], attr: str) -> list[dict[str, Any]]:
    """Points for the line chart: a hidden or missing figure is left out, so its line has a gap."""
    rows = []
    for s in series:
        for month, figure in zip(months, s.figures, strict=True):
            if figure is None or figure.hidden:
                continue
            rows.append({"month": month.isoformat(), "value": float(getattr(figure, attr)), "role": s.name})
    return rows


def _summary(series: list[trends.Series], months: list[dt.date]) -> list[str]:
    """One sentence per charted role: its first and last figures the reader may see, and the net change."""
    out = []
    for s in series:
        seen = [(m, f) for m, f in zip(months, s.figures, strict=True) if f is not None and not f.hidden]
        if not seen:
            out.append(f"{s.name}: the figures are too small to show outside the trusts.")
            continue
        (first_month, first), (last_month, last) = seen[0], seen[-1]
        if first_month == last_month:
            out.append(f"{s.name}: {last.headcount:,} staff ({last.wte:,.1f} WTE) in {month_label(last_month)}.")
            continue
        diff = last.headcount - first.headcount
        out.append(
            f"{s.name}: {first.headcount:,} staff in {month_label(first_month)}, {last.headcount:,} in "
            f"{month_label(last_month)} (net change {diff:+,}; WTE {first.wte:,.1f} to {last.wte:,.1f})."
        )
    return out


def _charts(shown: trends.Shown, place: str) -> dict[str, Any]:
    months = shown.months
    charted = _charted(shown)
    order = [s.name for s in charted]
    out: dict[str, Any] = {"charted": charted, "summary": _summary(charted, months)}
    if len(months) < 2 or not charted:
        return out
    for key, attr, title in (("headcount_svg", "headcount", "Staff"), ("wte_svg", "wte", "WTE")):
        out[key] = charts.line_chart(
            _line_rows(charted, months, attr), date="month", value="value", series="role", series_order=order,
            label=f"{title} in each new role by month, {place}", value_title=title, series_title="Role",
        )  # fmt: skip
    shares = [{"month": u["month"].isoformat(), "value": u["share"], "role": "Unresolved"}
              for u in shown.unresolved if u["share"] is not None]  # fmt: skip
    if shares:
        out["unresolved_svg"] = charts.line_chart(
            shares, date="month", value="value", series="role", series_order=["Unresolved"], percent=True,
            label=f"Share of staff on titles still unresolved by month, {place}", value_title="Share of staff",
        )  # fmt: skip
    return out


def _export(shown: trends.Shown, name: str, table: str, fmt: str) -> HttpResponse:
    """The trends as a long table: one row per role (or role and band) and month."""
    if table == "unresolved":
        headers = ["Month", "Trusts", "Staff", "On unresolved titles", "Of which matched to no role", "Share"]
        rows = [
            [month_label(u["month"]), u["trusts"], u["staff"], u["waiting"], u["unmatched"],
             "" if u["share"] is None else round(u["share"], 4)]
            for u in shown.unresolved
        ]  # fmt: skip
        return download(f"{name}-unresolved", headers, rows, fmt)
    series = shown.bands if table == "bands" else shown.roles
    headers = ["Role", "Band", "Month", "Headcount", "WTE", "Net change in headcount", "Net change in WTE"]
    rows = []
    for s in series:
        for month, f in zip(shown.months, s.figures, strict=True):
            if f is None:
                continue
            rows.append([
                s.role.name if s.role else "Titles not matched to a role", s.band or "all", month_label(month),
                f.headcount, _cell(f.wte), _cell(f.change), _cell(f.change_wte),
            ])  # fmt: skip
    return download(f"{name}-{table}", headers, rows, fmt)


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else ("" if value is None else value)


def _page(request: HttpRequest, shown: trends.Shown, context: dict[str, Any], name: str) -> HttpResponse:
    fmt, table = request.GET.get("format"), request.GET.get("table", "roles")
    if fmt in ("csv", "xlsx") and table in EXPORT_TABLES:
        return _export(shown, name, table, fmt)
    context.update({
        "shown": shown, "months": shown.months, **_charts(shown, context["place"]),
        "role_rows": _rows(shown.roles, places=0), "wte_rows": _rows(shown.roles, places=1, attr="wte"),
        "change_rows": _change_rows(shown.roles), "band_rows": _change_rows(shown.bands),
        "threshold": settings.SMALL_COUNT_THRESHOLD, "export_tables": EXPORT_TABLES,
        "months_labels": [m.strftime("%b %Y") for m in shown.months],
        "change_labels": [f"To {m:%b %Y}" for m in shown.months[1:]],
    })  # fmt: skip
    return render(request, "workforce/trends.html", context)


def _rows(series: list[trends.Series], *, places: int, attr: str = "headcount") -> list[dict[str, Any]]:
    return [
        {"series": s, "cells": [_number(None if f is None else getattr(f, attr), places) for f in s.figures]}
        for s in series
    ]


def _change_rows(series: list[trends.Series]) -> list[dict[str, Any]]:
    """Net change from each month to the next (the first month has none to compare with)."""
    return [
        {"series": s, "cells": [f"{_change(f.change)} ({_change(f.change_wte, 1)} WTE)" if f and f.change is not None
                                else "" for f in s.figures[1:]]}
        for s in series
        if any(f is not None and f.change not in (None, 0) for f in s.figures[1:])
    ]  # fmt: skip


def trust_trends(request: HttpRequest, ods_code: str) -> HttpResponse:
    obj = staff_record_trust(request, ods_code)
    data = trends.load([obj.pk])
    shown = trends.present(request.user, data)
    context = {"trust": obj, "place": obj.name, "trends": data, "national": False}
    return _page(request, shown, context, f"staff-record-trends-{obj.ods_code}")


def national_trends(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.order_by("name"))
    region = next((r for r in regions if r.code == request.GET.get("region", "")), None)
    with_data = ExtractImport.objects.filter(is_current=True).values("trust_id")
    trusts = Trust.objects.filter(pk__in=with_data)
    if region is not None:
        trusts = trusts.filter(region=region)
    trust_ids = list(trusts.values_list("pk", flat=True))
    data = trends.load(trust_ids)
    shown = trends.present(request.user, data)
    outside = any(disclosure.is_outsider(request.user, t) for t in trust_ids)
    context = {
        "trust": None, "place": region.name if region else "England", "trends": data, "national": True,
        "regions": regions, "region": region, "outside": outside, "trust_count": len(trust_ids),
    }  # fmt: skip
    suffix = f"-{region.code}" if region else ""
    return _page(request, shown, context, f"staff-record-trends-national{suffix}")
