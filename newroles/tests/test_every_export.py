"""Every CSV and Excel download in the project, walked from the URL conf as an outsider and as a member.

An outsider (charlie, an editor at Rotherham, RXE) must find no count from 1 to 4 of Sheffield's (TAH)
staff-record or deployment figures in any export, and no national total from which subtracting his own
trust's figure gives one. Sheffield's member (alice) must find Sheffield's real figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services as mapping
from newroles.mapping.models import Deployment
from newroles.organisations.models import Region, Team
from newroles.roles.models import Role
from newroles.workforce import services as workforce
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import MAPPING, post, rows_of, write_csv

MONTH = dt.date(2025, 3, 1)

# Sheffield's small counts (pharmacist 1, peer support workers 3) hide inside national totals that Rotherham
# could difference: 1 + 51 = 52 pharmacists, 3 + 17 = 20 peer support workers.
SHEFFIELD_ROWS = [
    (1, post("Pharmacist", grade="Band 7", group="Allied Health Professionals")),
    (3, post("Peer Support Worker", grade="Band 4", group="Additional Clinical Services")),
    (12, post("Nursing Associate", grade="Band 4", job_role="Nursing Associate", code="NGD")),
    (20, post("Staff Nurse", job_role="Staff Nurse", code="N6D")),
]  # fmt: skip
ROTHERHAM_ROWS = [
    (51, post("Pharmacist", grade="Band 7", group="Allied Health Professionals")),
    (17, post("Peer Support Worker", grade="Band 4", group="Additional Clinical Services")),
    (12, post("Nursing Associate", grade="Band 4", job_role="Nursing Associate", code="NGD")),
    (30, post("Staff Nurse", job_role="Staff Nurse", code="N6D")),
]  # fmt: skip

# Columns that hold counts of staff (or the WTE that goes with them); "Trusts" counts trusts, not staff.
COUNT_HEADER = re.compile(r"headcount|\bwte\b|in training|staff|people|previous month", re.IGNORECASE)


@pytest.fixture
def figures(sheffield, rotherham, tmp_path: Path) -> dict[str, Any]:
    for trust, rows in ((sheffield, SHEFFIELD_ROWS), (rotherham, ROTHERHAM_ROWS)):
        path = write_csv(tmp_path / f"{trust.ods_code}.csv", rows_of(*rows))
        done = workforce.import_file(
            actor=policy.SYSTEM, trust=trust, path=path, month=MONTH, mapping=MAPPING, processes=1
        )
        assert done.status == ExtractImport.DONE, done.error
    # A deployment whose staff-record figures were small and were then changed: the history holds 4 and 3.2.
    small = mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator",
        role=Role.objects.get(slug="pharmacist"), status="active", headcount=4, wte=Decimal("3.2"),
        figures_source="staff_record", figures_as_of=MONTH,
    )  # fmt: skip
    mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Clinical Associate", status="active", headcount=2,
        wte=Decimal("1.6"), figures_source="staff_record", figures_as_of=MONTH,
    )  # fmt: skip
    Team.objects.get_or_create(trust=sheffield, name="Maple Ward", defaults={"service_type": "inpatient"})
    return {"small": small}


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(url name, route) of every named pattern, namespaces included."""
    out = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            out += _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            out.append((namespace + entry.name, prefix + str(entry.pattern)))
    return out


def _urls(sheffield, rotherham) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every project URL with its parameters filled in from the data, each way that can lead to a download."""
    pks = sorted({*Deployment.objects.values_list("pk", flat=True), *ExtractImport.objects.values_list("pk", flat=True),
                  *Team.objects.values_list("pk", flat=True)})  # fmt: skip
    values: dict[str, list[str]] = {
        "ods_code": ["TAH", "RXE"],
        "code": list(Region.objects.filter(trusts__in=[sheffield, rotherham]).values_list("code", flat=True)),
        "slug": ["pharmacist", "peer_support_worker", "nursing_associate"],
        "pk": [str(pk) for pk in pks],
        "model": ["mapping.deployment"],
    }
    out = []
    for name, route in _patterns(get_resolver().url_patterns):
        if name.startswith("admin:") or route.startswith("admin/"):
            continue  # Django's admin: no exports of ours
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        filled = [route]
        for param in params:
            filled = [
                re.sub(rf"<(?:\w+:)?{param}>", value, r, count=1) for r in filled for value in values.get(param, ["1"])
            ]
        for url in filled:
            out.append((name, "/" + url))
    return out


def _tables(response: Any) -> list[list[list[str]]]:
    """The rows of a CSV or every sheet of a workbook, as text."""
    if response["Content-Type"].startswith("text/csv"):
        return [list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [[["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)] for sheet in book]


def exports_for(user, sheffield, rotherham) -> dict[str, list[list[list[str]]]]:  # type: ignore[no-untyped-def]
    """Every download the user can get, by "url name?format", found by asking every URL for one."""
    client = client_for(user)
    found: dict[str, list[list[list[str]]]] = {}
    for name, url in _urls(sheffield, rotherham):
        for fmt in ("csv", "xlsx"):  # a page that gives no CSV gives no workbook either
            response = client.get(url, {"format": fmt})
            disposition = response.get("Content-Disposition", "")
            if response.status_code != 200 or not re.search(r"\.(csv|xlsx)\"?$", disposition):
                break
            found[f"{url}?format={fmt}"] = _tables(response)
            found.setdefault(f"name:{name}", [])
    return found


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _count_cells(table: list[list[str]]) -> list[tuple[list[str], str, float]]:
    """(row, header, value) of every numeric cell under a staff-count header."""
    if not table:
        return []
    headers = table[0]
    out = []
    for row in table[1:]:
        for header, cell in zip(headers, row, strict=False):
            value = _number(cell)
            if value is not None and COUNT_HEADER.search(header):
                out.append((row, header, value))
    return out


EXPECTED_EXPORTS = {
    "mapping:deployments", "mapping:coverage", "workforce:national",
    "workforce:national_quality", "organisations:trusts", "organisations:teams", "roles:catalogue",
    "funding:national",
}  # fmt: skip


def test_no_export_gives_an_outsider_a_small_count_of_another_trust(figures, sheffield, rotherham, charlie, alice):
    exports = exports_for(charlie, sheffield, rotherham)
    names = {key.removeprefix("name:") for key in exports if key.startswith("name:")}
    assert names >= EXPECTED_EXPORTS, f"exports not found: {EXPECTED_EXPORTS - names}"

    # What Rotherham knows of its own figures, to difference national totals with.
    own_by_role = {c.role.name if c.role else "Unresolved titles": c.headcount
                   for c in workforce.counts_by_role([rotherham.pk], MONTH)}  # fmt: skip
    own_quality = client_for(charlie).get("/workforce/RXE/quality/", {"format": "csv"})
    own_by_label = {row[0]: _number(row[1]) for row in _tables(own_quality)[0][1:] if _number(row[1]) is not None}
    own = {**own_by_role, **own_by_label}

    problems = []
    for key, tables in exports.items():
        for table in tables:
            for row, header, value in _count_cells(table):
                about_sheffield = any(sheffield.name in cell or cell == "TAH" for cell in row)
                about_rotherham = any(rotherham.name in cell or cell == "RXE" for cell in row)
                if about_sheffield and not about_rotherham and 0 < value < 5:
                    problems.append(f"{key}: {header}={value} in {row}")
                national = not about_sheffield and not about_rotherham and "/national" in key
                if national and row[0] in own and 0 < value - own[row[0]] < 5:
                    problems.append(f"{key}: {row[0]} {header}={value} minus Rotherham's {own[row[0]]}")
    assert not problems, "\n".join(problems)


def test_the_trusts_member_finds_its_real_figures_in_its_exports(figures, sheffield, rotherham, alice):
    exports = exports_for(alice, sheffield, rotherham)
    deployments = [t for key, tables in exports.items() if key.startswith("/map/deployments/?") for t in tables]
    rows = [dict(zip(t[0], r, strict=False)) for t in deployments for r in t[1:]]
    navigator = next(r for r in rows if r["Local title"] == "Recovery Navigator")
    assert (_number(navigator["Headcount"]), _number(navigator["WTE"])) == (4, 3.2)
    quality = [t for key, tables in exports.items() if "/workforce/TAH/quality/" in key for t in tables]
    assert quality, "Sheffield's data-quality export was not found"
    assert "/map/deployments/?format=csv" in exports and "/workforce/national/?format=xlsx" in exports


def test_the_pharmacist_total_cannot_be_differenced(figures, charlie, nadia, admin_user):
    """National "pharmacist, 2 trusts, 52" minus Rotherham's 51 would give Sheffield's 1."""

    def pharmacists(user):  # type: ignore[no-untyped-def]
        export = client_for(user).get("/workforce/national/", {"format": "csv"}).content.decode("utf-8-sig")
        return next(row for row in csv.reader(io.StringIO(export)) if row[0] == "Pharmacist")

    assert pharmacists(charlie) == ["Pharmacist", "2", "*", "*", "0"]
    assert pharmacists(nadia)[2] == "*"  # the same figure for everyone outside a contributing trust
    assert pharmacists(admin_user)[2] == "52"
