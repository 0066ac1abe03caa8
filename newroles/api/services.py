"""Making, revoking and checking API tokens; every change through the audited writes.

A token's secret is `nr_` followed by 32 random bytes (URL-safe base64). It is returned once, by
`create_token`, and never stored: the row keeps its SHA-256 digest, which is what a request's bearer
secret is looked up by.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.api.models import ApiToken
from newroles.audit.writes import create_row, update_row

SECRET_PREFIX = "nr_"
SECRET_BYTES = 32
DISPLAY_PREFIX_LENGTH = 10  # "nr_" and seven characters: enough to tell tokens apart, far too few to guess
# Recording every use would write on every read; a minute's precision is what the account page shows.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *,
    actor: Any,
    user: Any,
    name: str,
    request: Any,
    read_only: bool = False,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with its secret, which is shown once and never again.

    A token is a lasting credential: researchers and administrators make one only in a session that passed
    their second factor (`policy.may_create_api_token`), so a stolen password alone never yields one.
    """
    if not policy.may_create_api_token(user, request):
        raise PermissionDenied("Confirm your second factor before making an API token.")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. what will use it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if ApiToken.objects.filter(user=user, name__iexact=name).exists():
        raise ValidationError({"name": "You already have a token with this name."})
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=digest(secret),
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        read_only=read_only,
        expires_at=expires_at,
    )
    create_row(actor, token, message="API token made")
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token for good: requests with it are refused from now on (its owner or an administrator)."""
    if token.revoked_at is not None:
        return token
    return update_row(actor, token, {"revoked_at": timezone.now()}, message="API token revoked")


def tokens_of(user: Any) -> list[ApiToken]:
    """The user's tokens, newest first, for their account page."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))


def authenticate(secret: str) -> ApiToken | None:
    """The usable token whose secret this is, or None (unknown, revoked, expired, or its user deactivated)."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=digest(secret)).first()
    if token is None or not token.is_usable():
        return None
    return token


def note_use(token: ApiToken) -> None:
    """Keep the token's last-used time (to the minute); `last_used` is bookkeeping, so no change record."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_PRECISION:
        return
    update_row(token.user, token, {"last_used": now})
