"""Curating the national catalogue's titles: a trust proposes one of its titles as a national alias,
and a curator approves or rejects it. A proposed alias matches nothing until it is approved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row
from newroles.organisations.models import Trust
from newroles.roles.models import Role, RoleAlias, normalise_title
from newroles.roles.services import save_alias
from newroles.roles.signals import national_alias_approved


def propose_alias(*, actor: Any, trust: Trust, role: Role, title: str) -> RoleAlias | None:
    """Propose a trust's title to the national catalogue: a national alias with status "proposed", which
    matches nothing until a curator approves it. None when the catalogue already has (or was already
    proposed) that title."""
    if not policy.can_change_in(actor, trust.pk):
        raise PermissionDenied("Only the trust's editors propose its titles to the national catalogue.")
    normalised = normalise_title(title)
    if RoleAlias.objects.filter(trust__isnull=True, normalised=normalised).exists():
        return None
    alias = RoleAlias(
        role=role, title=title, trust=None, status=RoleAlias.PROPOSED, kind="variant",
        source=f"proposed by {trust.ods_code}"[:100],
    )  # fmt: skip
    return create_row(actor, alias, message=f"proposed to the national catalogue by {trust.name}")


def proposed_aliases() -> list[RoleAlias]:
    return list(
        RoleAlias.objects.filter(trust__isnull=True, status=RoleAlias.PROPOSED).select_related("role").order_by("title")
    )


def approve_alias(*, actor: Any, alias: RoleAlias) -> RoleAlias:
    """A curator approves a proposed national alias. Every trust's staff-record counts are then recounted
    in the background, by whatever listens to `national_alias_approved` (the staff-record app)."""
    policy.require_curator(actor)
    alias, _ = save_alias(actor=actor, role=alias.role, title=alias.title, trust=None, status=RoleAlias.APPROVED)
    national_alias_approved.send(sender=RoleAlias, alias=alias, actor=actor)
    return alias


def reject_alias(*, actor: Any, alias: RoleAlias) -> None:
    policy.require_curator(actor)
    if alias.trust_id is not None or alias.status != RoleAlias.PROPOSED:
        raise ValidationError("Only a proposed national alias can be rejected.")
    delete_row(actor, alias, message="proposal rejected")
