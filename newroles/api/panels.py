"""What the API adds to the account page (see newroles.lib.panels): the person's tokens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.api import services
from newroles.lib import panels


def account_tokens(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The signed-in person's tokens, and whether this session may make one (a second factor passed, if needed)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    return {"api_tokens": services.tokens_of(user), "may_create_token": policy.may_create_api_token(user, request)}


panels.register("accounts.profile", "api/panels/account_tokens.html", context=account_tokens)
