"""Skill-mix charts: WTE by staff group and the band profile, each with the same figures as a table.

The drawing is ``newroles.lib.charts`` (Vega-Lite through altair, SVG rendered on the server); this module
only shapes a composition's or scenario's figures into rows and pairs each chart with its text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
from django.utils.safestring import SafeString

from newroles.lib import charts
from newroles.lib.bands import AFC_BANDS
from newroles.roles.models import STAFF_GROUPS
from newroles.skillmix.metrics import Post, TeamMetrics

# One colour per staff group, fixed so a group looks the same in every chart (NHS identity colours).
STAFF_GROUP_COLOURS = dict(
    zip(
        STAFF_GROUPS,
        [
            "#330072",  # HCHS doctors: purple
            "#005eb8",  # Nurses & health visitors: NHS blue
            "#ae2573",  # Midwives: pink
            "#8a1538",  # Ambulance staff: dark pink
            "#007f3b",  # Scientific, therapeutic & technical: green
            "#41b6e6",  # Support to doctors, nurses & midwives: light blue
            "#ed8b00",  # Support to ambulance staff: orange
            "#78be20",  # Support to ST&T staff: light green
            "#768692",  # NHS infrastructure support: grey
            "#ffb81c",  # Other or unknown: warm yellow
        ],
        strict=True,
    )
)
COLUMN_COLOURS = ("#768692", "#005eb8", "#007f3b", "#ae2573")  # before (grey), then each scenario


@dataclass
class ChartView:
    """A rendered chart and its text alternative: a caption and a table of the figures it draws."""

    title: str
    svg: SafeString
    caption: str
    headers: list[str]
    rows: list[list[str]]


def _wte(value: float) -> str:
    return f"{value:.2f}"


def staff_group_chart(columns: Sequence[tuple[str, TeamMetrics]]) -> ChartView:
    """Stacked bars of WTE in post by staff group, one bar per column (e.g. before and after)."""
    groups = [g for g in STAFF_GROUPS if any(g in m.staff_mix.by_staff_group for _, m in columns)]
    groups += sorted({g for _, m in columns for g in m.staff_mix.by_staff_group} - set(groups))
    data = []
    table = []
    for group in groups:
        row = [group]
        for name, metrics in columns:
            count = metrics.staff_mix.by_staff_group.get(group)
            filled = count.wte_filled if count else 0.0
            vacant = count.wte_vacant if count else 0.0
            data.append({"column": name, "group": group, "wte": round(filled, 2)})
            row += [_wte(filled), _wte(vacant)]
        table.append(row)
    totals = ["All staff groups"]
    for _, metrics in columns:
        totals += [_wte(metrics.staff_mix.wte_filled), _wte(metrics.staff_mix.wte_vacant)]
    table.append(totals)
    names = [name for name, _ in columns]
    title = "WTE in post by staff group"
    caption = (
        f"{title}, {' and '.join(names)}: each bar is the team's whole-time equivalent in post, split by staff "
        "group. Vacancies are not drawn; the table gives them."
    )
    svg = _stacked_columns(data, names, groups, caption)
    headers = ["Staff group"]
    for name in names:
        headers += [f"{name}: WTE in post", f"{name}: vacant WTE"]
    return ChartView(title, svg, caption, headers, table)


def _stacked_columns(data: list[dict[str, object]], names: list[str], groups: list[str], caption: str) -> SafeString:
    """Upright stacked columns (one per team state) with the total on top and the legend in one column beside.

    Drawn here rather than with ``lib.charts.stacked_bar_chart`` because staff group names are long: a legend
    in one row under the bars made the picture too wide to read once scaled to the page.
    """
    rank = {g: i for i, g in enumerate(groups)}
    rows = [{**row, "_order": rank[str(row["group"])]} for row in data if row["wte"]]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("column:N", sort=names, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
    )
    bars = base.mark_bar(stroke=charts.WHITE, strokeWidth=1).encode(
        y=alt.Y("sum(wte):Q", title="WTE in post"),
        color=alt.Color(
            "group:N",
            scale=alt.Scale(domain=groups, range=[STAFF_GROUP_COLOURS.get(g, "#768692") for g in groups]),
            legend=alt.Legend(title="Staff group", orient="right", columns=1, labelLimit=320),
        ),
        order=alt.Order("_order:Q"),
    )
    totals = base.mark_text(dy=-8, fontSize=13, fontWeight="bold", color=charts.NHS_TEXT).encode(
        y=alt.Y("sum(wte):Q"), text=alt.Text("sum(wte):Q", format=".1f")
    )
    chart = (bars + totals).properties(width=max(200, 130 * len(names)), height=300, description=caption)
    return charts.render(chart, label=caption)


def _band_label(post: Post) -> str:
    if post.medical:
        return "Medical"
    return f"Band {post.band}" if post.band else "No band"


def band_profile_chart(columns: Sequence[tuple[str, Sequence[Post]]]) -> ChartView:
    """Grouped bars of WTE in post at each band (doctors as 'Medical'), one bar per column."""
    order = [f"Band {b}" for b in AFC_BANDS] + ["Medical", "No band"]
    totals: dict[tuple[str, str], float] = {}
    for name, posts in columns:
        for post in posts:
            if post.filled:
                key = (name, _band_label(post))
                totals[key] = totals.get(key, 0.0) + post.wte
    present = [label for label in order if any((name, label) in totals for name, _ in columns)]
    names = [name for name, _ in columns]
    data = [
        {"band": label, "column": name, "wte": round(totals.get((name, label), 0.0), 2)}
        for label in present
        for name in names
    ]
    title = "Band profile"
    caption = (
        f"{title}, {' and '.join(names)}: whole-time equivalent in post at each Agenda for Change band, with "
        "doctors shown as Medical."
    )
    svg = charts.grouped_bar_chart(
        data,
        category="band",
        series="column",
        value="wte",
        series_order=names,
        colours=list(COLUMN_COLOURS[: len(names)]),
        label=caption,
        value_title="WTE in post",
        width=460,
    )
    rows = [[label] + [_wte(totals.get((name, label), 0.0)) for name in names] for label in present]
    return ChartView(title, svg, caption, ["Band"] + [f"{name}: WTE in post" for name in names], rows)
