"""/api/v1: the register for trusts' own systems and analysts' scripts, through the same services and policy as
the pages. The OpenAPI document is at /api/v1/openapi.json and the interactive docs at /api/v1/docs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from ninja.openapi.docs import Swagger

from newroles.api import routes_plans, routes_register, routes_reports, routes_staff, services
from newroles.api.base import AUTH, PROBLEMS, install_error_handlers
from newroles.api.models import ApiToken

api = NinjaAPI(
    title="newroles API",
    version="1",
    description=(
        "The shared register of new roles in NHS mental health trusts. Authenticate with a personal API token "
        "(`Authorization: Bearer nr_…`, made on your account page) or a signed-in browser session. A token acts "
        "as its user with exactly their rights; a read-only token never writes. Errors are RFC 9457 problem "
        'details. Counts of staff below 5 are shown as "*" outside their trust.'
    ),
    auth=AUTH,
    urls_namespace="api",
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app), no CDN. It runs under the
    # site's CSP unchanged: its scripts are static files and its settings a JSON data block, not inline script.
    docs=Swagger(settings={"persistAuthorization": False}),
)
install_error_handlers(api)

tokens = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    read_only: bool
    created_at: dt.datetime
    last_used: dt.datetime | None
    expires_at: dt.datetime | None
    revoked: bool


def _token(t: ApiToken) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "prefix": t.prefix, "read_only": t.read_only, "created_at": t.created_at,
            "last_used": t.last_used, "expires_at": t.expires_at, "revoked": t.revoked}  # fmt: skip


@tokens.get("/tokens", response={200: list[TokenOut], **PROBLEMS})
def token_list(request: HttpRequest) -> Any:
    """Your own API tokens (never their secrets). Make and revoke them on your account page."""
    return [_token(t) for t in services.tokens_of(request.user)]


api.add_router("", tokens)
api.add_router("", routes_register.router)
api.add_router("", routes_staff.router)
api.add_router("", routes_plans.router)
api.add_router("", routes_reports.router)
