"""What readiness adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.lib import panels
from newroles.readiness.summary import summary_for


def deployment_panel(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The deployment's red flags and a link to its readiness summary, for the trust's members only."""
    deployment = page.get("deployment")
    if deployment is None or request is None or not policy.can_see_in(request.user, deployment.trust_id):
        return None
    return {"readiness": summary_for(deployment, today=dt.date.today())}


# A deployment's page on the map: its readiness in a card, with the red-flag count.
panels.register("mapping.deployment", "readiness/panels/deployment.html", context=deployment_panel)
