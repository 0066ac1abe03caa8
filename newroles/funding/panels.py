"""What funding adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from newroles.accounts import policy
from newroles.funding import warnings
from newroles.lib import panels


def deployment_funding(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A deployment's funding lines and warnings, for the trust's members only: funding is private, and
    the deployment's page is read by everyone signed in."""
    deployment = page.get("deployment")
    if deployment is None or request is None or not policy.can_see_in(request.user, deployment.trust_id):
        return None
    today = timezone.localdate()
    lines = warnings.lines_for_deployments([deployment.pk])[deployment.pk]
    found = warnings.for_lines(lines, today=today).get(deployment.pk, [])
    return {
        "funding_lines": lines,
        "funding_warnings": found,
        "funding_can_edit": policy.can_change_in(request.user, deployment.trust_id),
    }


# A deployment's page shows its funding to the trust's members.
panels.register("mapping.deployment", "funding/panels/deployment.html", order=20, context=deployment_funding)
