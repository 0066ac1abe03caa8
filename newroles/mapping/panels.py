"""What the map adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Min

from newroles.lib import panels
from newroles.mapping.models import Deployment
from newroles.workforce import trends


def map_first_months(trust_ids: list[int]) -> dict[int, dict[int, dt.date]]:
    """Each role's first month on the map, trust by trust: the month its first deployment was recorded."""
    out: dict[int, dict[int, dt.date]] = defaultdict(dict)
    rows = (
        Deployment.objects.filter(trust_id__in=trust_ids, role__isnull=False)
        .values("role", "trust").annotate(first=Min("created_at")).order_by()
    )  # fmt: skip
    for r in rows:
        out[r["role"]][r["trust"]] = r["first"].date().replace(day=1)
    return dict(out)


def _record_before_map(request: Any, page: Mapping[str, Any]) -> dict[str, Any] | None:
    """New roles in the staff record before they were on the map, for the trusts the trends page covers."""
    data = page.get("trends")
    if data is None:
        return None
    trust_ids = sorted({t for firsts in data.first_month.values() for t in firsts})
    return {"record_first": trends.record_first(data, map_first_months(trust_ids))}


# A staff-record trend shows which new roles the record counted before the trust put them on the map.
panels.register("workforce.trends", "mapping/panels/record_before_map.html", context=_record_before_map)
