"""Which deployments start sooner than their role takes to bring in: one function, for every page that warns.

A deployment is warned about when its planned start leaves fewer months than recruiting a trained
post-holder takes (`Gap.short`), or fewer than recruiting a trainee and training them (`Gap.too_short_to_train`).
The measuring is `roles.leadtime`'s, so forewarning, funding and readiness say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from newroles.roles.leadtime import Gap, planning_gap
from newroles.roles.models import Role

LEAD_TIME_FIELDS = ("name", "slug", "recruit_months", "qualify_months")


def needs_warning(gap: Gap | None) -> bool:
    return gap is not None and (gap.short or gap.too_short_to_train)


def lead_time_warnings(deployments: Iterable[Any], *, today: dt.date) -> dict[int, Gap]:
    """The gap of each deployment (by id) whose planned start comes sooner than its role's lead time.

    Deployments with no role, no planned start, or a first post already started get no warning, nor do
    those whose role's lead times are unknown. The roles are read in one query whatever the number of
    deployments (none when the caller fetched them with `select_related("role")`).
    """
    candidates = [d for d in deployments if d.role_id and d.planned_start and not d.first_post_started]
    cached = {d.role_id: d.role for d in candidates if d._meta.get_field("role").is_cached(d)}
    missing = {d.role_id for d in candidates} - set(cached)
    if missing:
        cached.update(Role.objects.only(*LEAD_TIME_FIELDS).in_bulk(missing))
    out: dict[int, Gap] = {}
    for d in candidates:
        gap = planning_gap(cached.get(d.role_id), d.planned_start, today)
        if needs_warning(gap):
            out[d.pk] = gap  # type: ignore[assignment]
    return out
