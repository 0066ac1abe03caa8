"""CSV and Excel downloads of funding: a trust's register (in the import's own columns, so it can be edited
and imported back) and the national counts (as the page shows them, small counts starred)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from newroles.funding.importers import FIELDS
from newroles.funding.models import COST_FIELDS, FundingLine
from newroles.funding.national import NationalFunding
from newroles.funding.shares import shares_text
from newroles.lib.exports import download

REGISTER_HEADERS = [f.label for f in FIELDS]


def _number(value: Any) -> Any:
    """Decimals as numbers a spreadsheet adds up (pounds to the penny survive a float at these sizes)."""
    return float(value) if isinstance(value, Decimal) else value


def _register_row(line: FundingLine) -> list[Any]:
    values: dict[str, Any] = {
        "id": line.pk,
        "deployment": line.deployment.local_title,
        "name": line.name,
        "funder_kind": line.get_funder_kind_display(),
        "funder_name": line.funder_display if (line.funder_name or line.funder_id) else "",
        "funding_type": line.get_funding_type_display(),
        "amount_per_year": _number(line.amount_per_year),
        "start_date": line.start_date,
        "end_date": line.end_date,
        "posts": line.posts,
        "wte": _number(line.wte),
        "conditions": line.conditions,
        "contract_status": line.get_contract_status_display(),
        "contract_note": line.contract_note,
        "contract_holder": line.contract_holder,
        "shares": shares_text(line.shares.all()),
        "partner_agreement": line.partner_agreement,
        "evidence": line.evidence.title if line.evidence_id else "",  # type: ignore[union-attr]
        "notes": line.notes,
    }
    values.update({name: "yes" if getattr(line, name) else "no" for name in COST_FIELDS})
    return [values[f.name] for f in FIELDS]


def register_download(trust: Any, lines: Iterable[FundingLine], file_format: str) -> HttpResponse:
    return download(f"funding-{trust.ods_code}", REGISTER_HEADERS, (_register_row(line) for line in lines), file_format)


NATIONAL_HEADERS = [
    "Breakdown", "Name", "Deployments facing a cliff within 6 months", "WTE facing a cliff within 6 months",
    "Deployments facing a cliff within 12 months", "WTE facing a cliff within 12 months",
]  # fmt: skip


def national_download(picture: NationalFunding, file_format: str) -> HttpResponse:
    rows = []
    for breakdown, group in (("Region", picture.by_region), ("Role", picture.by_role), ("Total", [picture.total])):
        for r in group:
            rows.append([breakdown, r.name, r.deployments_6, _number(r.wte_6), r.deployments_12, _number(r.wte_12)])
    return download("funding-cliffs-national", NATIONAL_HEADERS, rows, file_format)
