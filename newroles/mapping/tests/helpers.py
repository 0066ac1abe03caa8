"""Helpers for the national map's tests: catalogue roles and deployments arranged without the policy."""

from __future__ import annotations

from typing import Any

from newroles.accounts import policy
from newroles.mapping import services
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.roles.services import save_role


def role(slug: str, newness: str = "new_role") -> Role:
    """The catalogue role with this slug (the reference loader has usually made it)."""
    existing = Role.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    name = slug.replace("_", " ").capitalize()
    created, _ = save_role(
        actor=policy.SYSTEM, slug=slug, name=name, staff_group="Nurses & health visitors", newness=newness
    )
    return created


def deploy(trust: Trust, title: str, role_slug: str | None = None, **fields: Any) -> Deployment:
    """A deployment made by the system (no policy check), for arranging tests."""
    return services.create_deployment(
        actor=policy.SYSTEM, trust=trust, local_title=title, role=role(role_slug) if role_slug else None, **fields
    )
