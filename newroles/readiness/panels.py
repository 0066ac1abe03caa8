"""What readiness adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.lib import panels


def deployment_panel(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The readiness card, for the trust's members only (checks are private; the page is everyone's).

    The card asks for its red-flag count once the page has loaded (`views.deployment_panel`), so working
    out the summary never slows the deployment's page, which other apps add to as well.
    """
    deployment = page.get("deployment")
    if deployment is None or request is None or not policy.can_see_in(request.user, deployment.trust_id):
        return None
    return {}


# A deployment's page on the map: its readiness in a card, with the red-flag count.
panels.register("mapping.deployment", "readiness/panels/deployment.html", context=deployment_panel)
