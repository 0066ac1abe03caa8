"""What the role catalogue adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.lib import panels
from newroles.roles.models import RolePack


def trust_packs(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The trust's own copies of role packs that this user may open (drafts stay with the trust)."""
    trust = page.get("trust")
    if trust is None or request is None:
        return None
    packs = list(
        policy.visible(request.user, RolePack.objects.filter(trust=trust)).select_related("role").order_by("role__name")
    )
    return {"trust_packs": packs}


# A trust's page: the role packs it adopted and adapted.
panels.register("organisations.trust", "roles/panels/trust_packs.html", context=trust_packs)
