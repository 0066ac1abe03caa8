"""What the staff record adds to pages of the apps below it (see newroles.lib.panels)."""

from __future__ import annotations

from typing import Any

from newroles.lib import panels
from newroles.roles.crosswalk import crosswalk


def _role_has_a_proposal(request: Any, page: Any) -> dict[str, Any] | None:
    role = page.get("role")
    return {} if role is not None and crosswalk().for_role(role.slug) is not None else None


# The catalogue links to the coding proposal; a role's page, where the proposal covers the role, to how
# trusts code it today.
panels.register("roles.catalogue.actions", "workforce/panels/catalogue_actions.html")
panels.register("roles.role.coding", "workforce/panels/role_coding.html", context=_role_has_a_proposal)
