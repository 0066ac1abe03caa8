"""A deploy check: demo accounts (with their published password) must not exist in production."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_accounts_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from newroles.accounts.models import User

    try:
        count = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:
        return []  # no database yet (first migrate): nothing to warn about
    if count:
        return [
            Warning(
                f"{count} demo account(s) exist; their password is published in the README.",
                hint="Run `newroles demo --remove` or deactivate them before going live.",
                id="newroles.W001",
            )
        ]
    return []
