"""What forewarning adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from newroles.forewarning import services
from newroles.forewarning.warnings import lead_time_warnings
from newroles.lib import panels
from newroles.roles.leadtime import planning_gap


def deployment_context(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A deployment's lead-time warning and its role's events ahead; nothing for a title not yet matched to a
    role. The deployment page gives `deployment` (with its role and trust) and `trust`."""
    deployment = page.get("deployment")
    if deployment is None or deployment.role_id is None:
        return None
    today = timezone.localdate()
    gap = lead_time_warnings([deployment], today=today).get(deployment.pk)
    measured = None
    if gap is None and not deployment.first_post_started:
        measured = planning_gap(deployment.role, deployment.planned_start, today)
        if measured is not None and measured.recruit_months is None:
            measured = None  # nothing known to measure against: the template says so
    upcoming = services.dated(services.for_role(deployment.role, deployment.trust.region_id, today=today), today=today)
    if gap is None and measured is None and not upcoming and not deployment.planned_start:
        return None
    return {
        "forewarning_gap": gap,
        "forewarning_measured": measured,
        "forewarning_events": upcoming,
        "forewarning_trust_link": services.may_read_trust_events(request.user, deployment.trust),
    }


# A deployment's page warns when its planned start comes sooner than its role takes to bring in.
panels.register("mapping.deployment", "forewarning/panels/deployment.html", context=deployment_context)
