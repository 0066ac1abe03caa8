"""The access policy as the audit app uses it, handed in by the accounts app rather than imported.

audit sits below accounts in the layers: accounts' own services (users, memberships) write through
`audit.writes`, so audit cannot import `accounts.policy` without the two apps importing each other.
Instead `AccountsConfig.ready()` installs its policy here when the apps load. Until one is installed,
every audited write and every audit page refuses (a missing policy fails closed, never open).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class AccessPolicy(Protocol):
    """What audit asks of the policy (`newroles.accounts.policy` provides it)."""

    def require_change(self, user: Any, obj: models.Model) -> None: ...

    def trust_id_of(self, obj: models.Model) -> int | None: ...

    def get_for_user(self, user: Any, qs_or_model: Any, action: str = "view", **lookup: Any) -> Any: ...

    def is_admin(self, user: Any) -> bool: ...


class Disclosure(Protocol):
    """What audit asks of the small-numbers rule (`newroles.accounts.disclosure` provides it)."""

    def masked_values(self, user: Any, trust_id: int | None, values: Any, fields: Any) -> Any: ...


_installed: AccessPolicy | None = None
_disclosure: Disclosure | None = None


def install(access_policy: AccessPolicy) -> None:
    global _installed
    _installed = access_policy


def policy() -> AccessPolicy:
    if _installed is None:
        raise ImproperlyConfigured("No access policy installed: newroles.accounts must be in INSTALLED_APPS.")
    return _installed


def install_disclosure(rule: Disclosure) -> None:
    global _disclosure
    _disclosure = rule


def disclosure() -> Disclosure:
    """The small-numbers rule, for the history: like the policy, missing means refusing, never showing."""
    if _disclosure is None:
        raise ImproperlyConfigured("No disclosure rule installed: newroles.accounts must be in INSTALLED_APPS.")
    return _disclosure
