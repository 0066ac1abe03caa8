"""Charts for the reports, drawn from a report's plain values (so a frozen snapshot draws the same charts).

One chart definition serves the page and the PDF: each chart is the shared Vega-Lite helpers' SVG
(`lib.charts`, rendered on the server), with the table carrying the same numbers and a one-sentence
summary in words. A suppressed count ("*") is never drawn: the chart leaves the bar out, and the table says *.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from newroles.lib import charts
from newroles.mapping.tiles import RegionValue, count_legend, share_legend, tile_map


@dataclass
class Chart:
    """A chart with its data table and its summary in words."""

    id: str
    title: str
    svg: str
    summary: str
    headers: list[str]
    rows: list[list[Any]]
    numeric: list[bool] = field(default_factory=list)  # which columns are numbers (right-aligned)


def _drawn(rows: Sequence[Mapping[str, Any]], value: str) -> list[Mapping[str, Any]]:
    """The rows a chart may draw: suppressed values are left out, not drawn as zero."""
    return [r for r in rows if isinstance(r[value], int | float)]


def _region(row: Mapping[str, Any]) -> Any:
    return SimpleNamespace(name=row["region"], code=row["code"])


def coverage_chart(section: Mapping[str, Any], svg_id: str = "coverage-map") -> Chart:
    rows = section["regions"]
    values = [
        RegionValue(
            _region(r),
            r["engaged"] / r["total"] if r["total"] else 0.0,
            f"{r['engaged']}/{r['total']}",
            f"{r['region']}: {r['engaged']} of {r['total']}.",
        )
        for r in rows
    ]
    svg = tile_map(
        values,
        title="Trusts taking part in phase 1, by region",
        measure="the share of the region's trusts taking part",
        maximum=1,
        legend=share_legend(),
        svg_id=svg_id,
    )
    best = max(rows, key=lambda r: r["engaged"] / r["total"] if r["total"] else 0, default=None)
    summary = f"{section['engaged']} of {section['total']} trusts took part." + (
        f" The highest share was in {best['region']} ({best['engaged']} of {best['total']})." if best else ""
    )
    table = [[r["region"], f"{r['engaged']}/{r['total']}"] for r in rows]
    table.append(["Total", f"{section['engaged']}/{section['total']}"])
    return Chart(
        "coverage",
        "Trusts taking part, by region",
        svg,
        summary,
        ["Region", "Trusts taking part"],
        table,
        [False, True],
    )


def roles_chart(section: Mapping[str, Any]) -> Chart:
    rows = section["most_deployed"]
    svg = charts.bar_chart(
        [{"role": r["role"], "trusts": r["trusts"]} for r in rows],
        category="role",
        value="trusts",
        value_title="Trusts",
        label="Bar chart: the most deployed roles by trusts",
    )
    summary = (
        f"The most deployed role is {rows[0]['role']}, at {rows[0]['trusts']} trusts." if rows else "No roles yet."
    )
    return Chart(
        "roles",
        "The most deployed roles",
        svg,
        summary,
        ["Role", "Trusts", "Deployments"],
        [[r["role"], r["trusts"], r["deployments"]] for r in rows],
        [False, True, True],
    )


NEWNESS_SERIES = ["A new role", "A new title", "Not new"]


def newness_chart(section: Mapping[str, Any]) -> Chart:
    rows = section["roles"]
    data = [
        {"role": r["role"], "answer": label, "trusts": r[key]}
        for r in rows
        for key, label in zip(("new_role", "new_title", "not_new"), NEWNESS_SERIES, strict=True)
    ]
    svg = charts.stacked_bar_chart(
        data,
        category="role",
        series="answer",
        value="trusts",
        series_order=NEWNESS_SERIES,
        colours=[charts.NHS_DARK_BLUE, charts.NHS_WARM_YELLOW, charts.NHS_MID_GREY],
        value_title="Trusts",
        label="Stacked bar chart: how many trusts call each role new, a new title or not new",
    )
    summary = f"Trusts disagree on whether {section['disagreed']} of {len(rows)} roles are new."
    return Chart(
        "newness",
        "Is it new? How trusts see each role",
        svg,
        summary,
        ["Role", "A new role", "A new title", "Not new", "Trusts disagree"],
        [[r["role"], r["new_role"], r["new_title"], r["not_new"], "Yes" if r["disagree"] else "No"] for r in rows],
        [False, True, True, True, False],
    )


def reasons_chart(section: Mapping[str, Any]) -> Chart:
    rows = section["reasons"]
    svg = charts.bar_chart(
        [{"reason": r["short"], "deployments": r["deployments"]} for r in rows],
        category="reason",
        value="deployments",
        value_title="Deployments",
        colour=charts.NHS_AQUA_GREEN,
        label="Bar chart: reasons ranked by deployments",
    )
    summary = f"{section['top']} is the reason given most often." if section["top"] else "No reasons recorded."
    return Chart(
        "reasons",
        "Why trusts brought the roles in",
        svg,
        summary,
        ["Reason", "Deployments", "Defensive", "Proactive", "Stance not recorded"],
        [[r["label"], r["deployments"], r["defensive"], r["proactive"], r["unstated"]] for r in rows],
        [False, True, True, True, True],
    )


def kinds_chart(section: Mapping[str, Any], *, chart_id: str = "kinds", rule: bool = False) -> Chart:
    rows = section["kinds"]
    data = [
        {"kind": k["label"], "which": which, "deployments": k[key]}
        for k in rows
        for which, key in (("Intended", "intended"), ("Actual", "actual"))
    ]
    svg = charts.grouped_bar_chart(
        data,
        category="kind",
        series="which",
        value="deployments",
        series_order=["Intended", "Actual"],
        colours=[charts.NHS_BLUE, charts.NHS_WARM_YELLOW],
        value_title="Deployments",
        label="Grouped bar chart: kinds of skill-mix change, intended and actual",
    )
    top = max(rows, key=lambda k: k["intended"] + k["actual"], default=None)
    none = [k["label"] for k in rows if not k["intended"] and not k["actual"]]
    summary = f"{top['label']} is the kind of change most often intended and seen." if top and top["intended"] else ""
    if none:
        summary += f" No deployment reports {', '.join(n.lower() for n in none)}."
    headers = ["Kind of change", "Intended", "Actual"]
    table = [[k["label"], k["intended"], k["actual"]] for k in rows]
    if rule:
        headers += ["Intended (rule)", "Actual (rule)"]
        table = [[*t, k["rule_intended"], k["rule_actual"]] for t, k in zip(table, rows, strict=True)]
    return Chart(
        chart_id,
        "Kinds of skill-mix change, intended and actual",
        svg,
        summary.strip(),
        headers,
        table,
        [False] + [True] * (len(headers) - 1),
    )


def _percent_chart(
    chart_id: str,
    title: str,
    drawn: list[dict[str, Any]],
    *,
    category: str,
    value_title: str,
    colour: str,
    label: str,
    summary: str,
    headers: list[str],
    table: list[list[Any]],
) -> Chart:
    """A bar chart of shares out of 100, one bar per drawn row, with its table (first column text)."""
    svg = charts.bar_chart(
        drawn, category=category, value="percent", value_title=value_title, maximum=100, colour=colour, label=label
    )
    return Chart(chart_id, title, svg, summary, headers, table, [False] + [True] * (len(headers) - 1))


def readiness_chart(section: Mapping[str, Any], *, chart_id: str = "readiness") -> Chart:
    rows = section["factors"]
    drawn = [{"factor": r["title"], "percent": r["share"]} for r in rows if r["share"] is not None]
    summary = (
        f"{drawn[0]['factor']} is most often unmet ({drawn[0]['percent']}% of checked deployments)."
        if drawn
        else "No factor's share can be shown."
    )
    return _percent_chart(
        chart_id, "Implementation factors most often unmet", drawn, category="factor",
        value_title="% of checked deployments", colour=charts.NHS_DARK_BLUE,
        label="Bar chart: implementation factors by share of checked deployments where unmet", summary=summary,
        headers=["Factor", "Unmet", "Checked", "% unmet"],
        table=[[r["title"], r["unmet"], r["checked"], "" if r["share"] is None else r["share"]] for r in rows],
    )  # fmt: skip


def costs_chart(section: Mapping[str, Any]) -> Chart:
    rows = section["costs"]
    drawn = [{"cost": r["label"], "percent": r["percent"]} for r in _drawn(rows, "percent")]
    summary = (
        f"Funding covers {drawn[0]['cost'].lower()} least often ({drawn[0]['percent']}% of funded deployments)."
        if drawn
        else "The costs' coverage cannot be shown."
    )
    return _percent_chart(
        "costs", "Costs funding covers", drawn, category="cost", value_title="% of funded deployments",
        colour=charts.NHS_AQUA_GREEN, label="Bar chart: how often funding covers each cost", summary=summary,
        headers=["Cost", "Covered", "Not covered", "% covered"],
        table=[[r["label"], r["covered"], r["not_covered"], r["percent"]] for r in rows],
    )  # fmt: skip


def deployed_map(section: Mapping[str, Any], role_name: str) -> Chart:
    rows = section["regions"]
    maximum = max((r["trusts"] for r in rows), default=0)
    values = [
        RegionValue(_region(r), r["trusts"], str(r["trusts"]), f"{r['region']}: {r['trusts']} trusts.") for r in rows
    ]
    svg = tile_map(
        values,
        title=f"Trusts deploying the role: {role_name}",
        measure="the number of trusts",
        maximum=maximum,
        legend=count_legend(maximum),
        svg_id="role-map",
    )
    summary = f"{section['trusts']} trusts deploy the role."
    return Chart(
        "deployed",
        "Where the role is deployed",
        svg,
        summary,
        ["Region", "Trusts deploying", "Trusts"],
        [[r["region"], r["trusts"], r["total"]] for r in rows],
        [False, True, True],
    )


def staff_chart(section: Mapping[str, Any]) -> Chart:
    rows = section["roles"]
    drawn = [{"role": r["role"], "staff": r["headcount"]} for r in _drawn(rows, "headcount")]
    svg = charts.bar_chart(
        drawn,
        category="role",
        value="staff",
        value_title="Headcount",
        label="Bar chart: staff in post in each new role",
    )
    summary = f"{len(rows)} roles in the staff record for {section['month'][:7]}."
    return Chart(
        "staff",
        "Staff in post by role",
        svg,
        summary,
        ["Role", "Headcount", "WTE"],
        [[r["role"], r["headcount"], r["wte"]] for r in rows],
        [False, True, True],
    )


def briefing_charts(data: Mapping[str, Any]) -> dict[str, Chart]:
    """Each section's chart, drawn only where the section has data."""
    out: dict[str, Chart] = {}
    if not data["coverage"]["empty"] or data["coverage"]["total"]:
        out["coverage"] = coverage_chart(data["coverage"])
    if not data["roles"]["empty"]:
        out["roles"] = roles_chart(data["roles"])
    if not data["newness"]["empty"]:
        out["newness"] = newness_chart(data["newness"])
    if not data["reasons"]["empty"]:
        out["reasons"] = reasons_chart(data["reasons"])
    if not data["kinds"]["empty"]:
        out["kinds"] = kinds_chart(data["kinds"])
    if not data["readiness"]["empty"]:
        out["readiness"] = readiness_chart(data["readiness"])
    if not data["funding"]["empty"] and data["funding"]["costs"]:
        out["costs"] = costs_chart(data["funding"])
    return out


def role_charts(data: Mapping[str, Any]) -> dict[str, Chart]:
    out: dict[str, Chart] = {"deployed": deployed_map(data["deployed"], data["role"]["name"])}
    if not data["kinds"]["empty"]:
        out["kinds"] = kinds_chart(data["kinds"], chart_id="role-kinds", rule=True)
    if not data["readiness"]["empty"]:
        out["readiness"] = readiness_chart(data["readiness"], chart_id="role-readiness")
    return out


def trust_charts(data: Mapping[str, Any]) -> dict[str, Chart]:
    out: dict[str, Chart] = {}
    if not data["staff_record"]["empty"]:
        out["staff"] = staff_chart(data["staff_record"])
    return out


CHARTS = {"briefing": briefing_charts, "role": role_charts, "trust": trust_charts}


def charts_for(data: Mapping[str, Any]) -> dict[str, Chart]:
    return CHARTS[data["kind"]](data)


def _briefing_tables(data: Mapping[str, Any]) -> dict[str, Any]:
    kinds, asks, funding = data["kinds"], data["national_asks"], data["funding"]
    return {
        "drift_headers": ["Trust", "Title", "Intended", "Actual"],
        "drift_rows": [
            [d["trust"], d["title"], ", ".join(d["intended"]), ", ".join(d["actual"])]
            for d in kinds.get("drift_examples", [])
        ],
        "pack_headers": ["Role", "Trusts adopting", "Deployed"],
        "pack_rows": [[p["role"], p["adopted_by"], "Yes" if p["deployed"] else "No"] for p in asks.get("packs", [])],
        "doc_headers": ["Type", "Documents"],
        "doc_rows": [[d["type"], d["documents"]] for d in asks.get("documents_by_type", [])],
        "event_headers": ["Event", "Date", "When", "Where", "Roles"],
        "event_rows": [
            [e["title"], e["date"], e["when"], e["region"], ", ".join(e["roles"])] for e in asks.get("events", [])
        ],
        "cliff_headers": [
            "Region",
            "Deployments, 6 months",
            "WTE, 6 months",
            "Deployments, 12 months",
            "WTE, 12 months",
        ],
        "cliff_rows": [
            [r["name"], r["deployments_6"], r["wte_6"], r["deployments_12"], r["wte_12"]]
            for r in [*funding.get("by_region", []), funding.get("total")]
            if r
        ],
        "case_headers": ["Site", "Team", "Role", "Period", "Status"],
        "case_rows": [
            [c["site"], c["team"], c["role_slug"], c["period"], c["status"]] for c in data["case_studies"]["studies"]
        ],
    }


def _trust_tables(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "deployment_headers": ["Local title", "Role", "Status", "Headcount", "WTE", "Intended change"],
        "deployment_rows": [
            [
                d["title"],
                d["role"] or "Not matched",
                d["status"],
                d["headcount"] if d["headcount"] is not None else "",
                d["wte"] if d["wte"] is not None else "",
                ", ".join(d["kinds"]),
            ]
            for d in data["deployments"]["rows"]
        ],
        "benchmark_headers": ["Compared with", "Trusts", "Rank by staff in new roles", "Ratio to the average trust"],
        "benchmark_rows": [
            [
                b["area"],
                b["trusts"],
                f"{b['rank']} of {b['trusts']}",
                "" if b["ratio_to_mean"] is None else b["ratio_to_mean"],
            ]
            for b in data["staff_record"].get("benchmarks", [])
        ],
        "readiness_headers": ["Deployment", "Checked", "Red flags", "Factors not in place"],
        "readiness_rows": [
            [r["title"], "Yes" if r["checked"] else "No", r["red_flags"], ", ".join(r["flags"])]
            for r in data["readiness"]["deployments"]
        ],
        "funding_headers": ["Deployment", "Warning", "Why"],
        "funding_rows": [[w["title"], w["label"], w["message"]] for w in data["funding"]["warnings"]],
        "quality_headers": ["Finding", "Staff affected"],
        "quality_rows": [
            [f["label"], "not checked" if f["staff"] is None else f["staff"]] for f in data["data_quality"]["findings"]
        ],
        "pack_headers": ["Role", "Pack", "Version", "Adopted from national version"],
        "pack_rows": [[p["role"], p["title"], p["version"], p["adopted_version"] or ""] for p in data["packs"]["rows"]],
        "doc_headers": ["Document", "Type", "Role", "Shared with"],
        "doc_rows": [[d["title"], d["type"], d["role"], d["sharing"]] for d in data["documents"]["rows"]],
        "event_headers": ["Event", "Date", "When", "Roles affected"],
        "event_rows": [[e["title"], e["date"], e["when"], ", ".join(e["roles"])] for e in data["events"]["rows"]],
    }


def _role_tables(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "component_headers": ["Component", "Written"],
        "component_rows": [[c["label"], "Yes" if c["written"] else "Not yet"] for c in data["pack"]["components"]],
        "band_headers": ["Band", "Headcount", "WTE"],
        "band_rows": [[b["band"], b["headcount"], b["wte"]] for b in data["staff_record"]["bands"]],
        "reason_headers": ["Reason", "Deployments"],
        "reason_rows": [[r["label"], r["deployments"]] for r in data["reasons"]["reasons"]],
    }


TABLES = {"briefing": _briefing_tables, "trust": _trust_tables, "role": _role_tables}


def document_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """What a report's body template needs: its values, its charts and its tables' rows."""
    return {"data": data, "charts": charts_for(data), **TABLES[data["kind"]](data)}
