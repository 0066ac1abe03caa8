"""What the reports add to pages of the apps below them (see newroles.lib.panels): links to the profiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.lib import panels


def trust_panel(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The link to the trust's profile, for those who may read it: its members and national readers.
    The trust page gives `trust`."""
    trust = page.get("trust")
    if trust is None or request is None:
        return None
    if not (policy.can_see_in(request.user, trust.pk) or policy.reads_national(request.user)):
        return None
    return {"profile_trust": trust}


def role_panel(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The link to the role's profile, for everyone signed in. The role page gives `role`."""
    role = page.get("role")
    return None if role is None else {"profile_role": role}


# A trust's page links to its profile (a board-ready summary); a role's page to the role's profile.
panels.register("organisations.trust", "reports/panels/trust.html", context=trust_panel)
panels.register("roles.role", "reports/panels/role.html", context=role_panel)
