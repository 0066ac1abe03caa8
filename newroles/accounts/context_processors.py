"""Template context about the signed-in user's access, for navigation and the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def access(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}

    def memberships() -> list[Any]:
        return list(user.memberships.select_related("trust").order_by("trust__name"))  # type: ignore[union-attr]

    return {"my_memberships": memberships}
