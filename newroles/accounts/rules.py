"""The change rules: who may create, change or delete a row of each model.

Every model of the project declares one rule by name in a class attribute, `change_rule`. At start-up
`register()` binds each model's rule to Django's object permission `<app>.change_<model>` through the
`rules` package, so `user.has_perm("roles.change_rolepack", pack)` answers for the pack as it stands, and
`policy.require_change` (called by the audited writes before and after every save) follows it.

The rules, in plain words:

- `trust_editor`: the editors and managers of the trust the row belongs to (its `trust_path`); a row
  that belongs to no trust (a national default) is the administrators'.
- `trust_editor_or_curator`: the same, but a row of the national catalogue (no trust) is the curators'.
- `alias`: a trust's alias is its editors'; a national alias is the curators'; any trust's editor may
  propose a new national alias (status "proposed", matching nothing until a curator approves it).
- `document`: a trust's document is its editors', a national one the curators'; attaching a document
  to a pack changes the pack, so only those who may change the pack attach to it.
- `trust_manager`: the managers of the trust the row belongs to (a trust's calendar feed address).
- `membership`: the trust's managers; a person may also join a trust in the role a pending invitation
  to their address offers.
- `invitation`: the trust's managers; the invited person may accept it (set `accepted_at`, nothing else).
- `trust_register`: administrators; a trust's editors may change its `editor_fields` (contact details).
- `curator`: curators of the national catalogue (`policy.is_curator`: the research team and admins).
- `researcher`: the research team and admins (engagements of the mapping exercise). Today the same
  people as curators, named apart so either can change without touching the other's models.
- `admin`: administrators (reference data).
- `owner`: the user the row belongs to (their own column mappings, their second-factor devices; the
  model's `owner_path`, "user" unless it says otherwise), and administrators.
- `account`: administrators; a person their own name and password (`self_fields`). A newcomer's account
  is opened by the system, on the authority of an invitation.
- `system`: only jobs acting as `policy.SYSTEM` (derived data such as the search index, the audit trail
  and the demo marker).

Administrators pass every rule but `system` (and superusers pass every rule, as Django grants them every
permission). The system actor passes every rule (in `policy`).
"""

from __future__ import annotations

from typing import Any

import rules
from django.apps import apps
from django.db import models

from newroles.accounts import policy


@rules.predicate
def is_admin(user: Any) -> bool:
    return policy.is_admin(user)


@rules.predicate
def is_curator(user: Any) -> bool:
    return policy.is_curator(user)


def _owning_trust_id(obj: Any) -> int | None:
    """The trust a row belongs to (None for no row, or a row of no trust)."""
    return None if obj is None else policy.trust_id_of(obj)


@rules.predicate
def edits_owning_trust(user: Any, obj: Any) -> bool:
    """An editor or manager of the trust the row belongs to (False for a row of no trust)."""
    trust_id = _owning_trust_id(obj)
    return trust_id is not None and policy.can_change_in(user, trust_id)


@rules.predicate
def belongs_to_no_trust(user: Any, obj: Any) -> bool:
    return obj is not None and policy.trust_id_of(obj) is None


@rules.predicate
def manages_owning_trust(user: Any, obj: Any) -> bool:
    trust_id = _owning_trust_id(obj)
    return trust_id is not None and policy.can_manage(user, trust_id)


@rules.predicate
def proposes_national_alias(user: Any, alias: Any) -> bool:
    """A new national alias with status "proposed", by an editor of any trust."""
    if alias is None or alias.trust_id is not None or not policy.creating(alias):
        return False
    return alias.status == alias.PROPOSED and bool(policy.editor_trusts(user).exists())


@rules.predicate
def may_attach_to_pack(user: Any, document: Any) -> bool:
    """Attaching a document to a pack (a new document with a pack, or a changed pack) is a change to the pack."""
    if document is None:
        return False
    if document.pack_id is None:
        return True
    if not policy.creating(document):
        stored = document._meta.model._default_manager.filter(pk=document.pk).values_list("pack_id", flat=True).first()
        if stored == document.pack_id:
            return True  # already attached: changing the document itself is its owner's business
    return policy.can_change(user, document.pack)


@rules.predicate
def changes_only_editor_fields(user: Any, trust: Any) -> bool:
    """A trust's editors keep its contact details; the rest of the register is the administrators'."""
    if trust is None or trust.pk is None or not policy.can_change_in(user, trust.pk):
        return False
    return not policy.stored_differs(trust, tuple(trust.editor_fields))


@rules.predicate
def joins_by_invitation(user: Any, membership: Any) -> bool:
    """A person's own new membership in the role a pending, unexpired invitation to their address offers."""
    from django.utils import timezone

    from newroles.accounts.models import Invitation

    if membership is None or not policy.creating(membership) or getattr(user, "pk", None) != membership.user_id:
        return False
    return Invitation.objects.filter(
        trust_id=membership.trust_id,
        email__iexact=user.email,
        role=membership.role,
        accepted_at=None,
        expires_at__gt=timezone.now(),
    ).exists()


@rules.predicate
def accepts_own_invitation(user: Any, invitation: Any) -> bool:
    if invitation is None or invitation.pk is None or not getattr(user, "is_authenticated", False):
        return False
    if user.email.lower() != invitation.email.lower():
        return False
    return not policy.stored_differs(invitation, ("accepted_at",))


@rules.predicate
def owns_row(user: Any, obj: Any) -> bool:
    if obj is None or getattr(user, "pk", None) is None:
        return False
    *hops, last = getattr(obj, "owner_path", "user").split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop)
    return getattr(target, f"{last}_id") == user.pk


@rules.predicate
def changes_own_account(user: Any, account: Any) -> bool:
    if account is None or account.pk is None or getattr(user, "pk", None) != account.pk:
        return False
    return not policy.stored_differs(account, tuple(account.self_fields))


@rules.predicate
def nobody(user: Any) -> bool:
    return False


RULES: dict[str, rules.Predicate] = {
    "trust_editor": is_admin | edits_owning_trust,
    "trust_editor_or_curator": is_admin | edits_owning_trust | (belongs_to_no_trust & is_curator),
    "alias": is_admin | edits_owning_trust | (belongs_to_no_trust & is_curator) | proposes_national_alias,
    "document": (is_admin | edits_owning_trust | (belongs_to_no_trust & is_curator)) & (is_admin | may_attach_to_pack),
    "trust_manager": is_admin | manages_owning_trust,
    "membership": is_admin | manages_owning_trust | joins_by_invitation,
    "invitation": is_admin | manages_owning_trust | accepts_own_invitation,
    "trust_register": is_admin | changes_only_editor_fields,
    "curator": is_curator,
    "researcher": is_curator,
    "admin": is_admin,
    "owner": is_admin | owns_row,
    "account": is_admin | changes_own_account,
    "system": nobody,
}


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the project's own apps (not Django's or third parties')."""
    return [m for m in apps.get_models() if m.__module__.startswith("newroles.")]


def ruled_models() -> list[type[models.Model]]:
    """The project's models and the third-party models the project writes (given a rule in accounts' ready())."""
    return [m for m in apps.get_models() if m.__module__.startswith("newroles.") or hasattr(m, "change_rule")]


def rule_of(model: type[models.Model]) -> str:
    rule = getattr(model, "change_rule", None)
    if rule not in RULES:
        raise TypeError(f"{model._meta.label} must declare change_rule, one of: {', '.join(RULES)} (not {rule!r})")
    return rule


def register() -> None:
    """Bind every declared rule to its model's change permission (called once, when apps are ready)."""
    for model in ruled_models():
        rules.set_perm(policy.change_permission(model), RULES[rule_of(model)])
