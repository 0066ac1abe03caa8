"""Who may see and change what.

Every trust-owned model names its path to the trust in a class attribute, `trust_path` (for example
`"trust"` or `"deployment__trust"`), and, when its rows can be shared beyond the trust, the name of a
boolean field in `shared_field`, or `shared_when`, a list of lookups any of which makes a row readable by
everyone signed in (national rows with no trust, documents shared with all users). Reference models
(regions, trusts themselves) have `trust_path = None` and are readable by every signed-in user.

- `visible(user, qs)`: rows the user may read: admins everything; otherwise rows of the user's trusts
  plus rows marked shared.
- `editable(user, qs)`: rows the user may change: admins everything; otherwise rows of trusts where the
  user is an editor or manager.
- `get_for_user(user, qs_or_model, action, **lookup)`: one row: 404 when the user may not see it, 403
  when they may see it but not change it (action="change").

Changing is decided row by row: every model declares its change rule in `change_rule` (trust editor,
trust manager, curator, researcher, admin, self, ...; the rules and their predicates are in
`accounts/rules.py`), registered as Django's object permission `<app>.change_<model>`, so
`require_change(actor, obj)` is `actor.has_perm(perm, obj)`. The audited writes (`audit/writes.py`)
call it before and after every save, inside the transaction, so a forged id in a POST cannot move data
into another trust. Jobs that act without a person (reference and demo loaders, background recounts,
the worker, commands run without a user) act as `SYSTEM`, never as None.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from newroles.accounts.models import Membership, User, trust_model

M = TypeVar("M", bound=models.Model)

EDIT_ROLES = (Membership.EDITOR, Membership.MANAGER)


def _trust_path(model: type[models.Model]) -> str | None:
    if not hasattr(model, "trust_path"):
        raise TypeError(f"{model.__name__} must declare trust_path to be used with the access policy")
    return model.trust_path  # type: ignore[attr-defined]


def _trust_lookup(path: str) -> str:
    # "trust" -> "trust_id" avoids a join; deeper paths ("deployment__trust") filter on the related id.
    return f"{path}_id" if "__" not in path else f"{path}__id"


class SystemActor:
    """The actor of a job that runs without a person: it may change anything, and is named "system" in history.

    It is not a signed-in user (`is_authenticated` is False), so it reads nothing through `visible`: a job
    reads what it needs itself. There is one, `SYSTEM`; compare with `is`.
    """

    pk = None
    is_authenticated = False
    is_active = True
    name = "system"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return "policy.SYSTEM"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def is_curator(user: Any) -> bool:
    """Curators of the national catalogue (roles, aliases, codes, national packs) who also keep the mapping
    exercise's records: the research team and administrators."""
    return is_admin(user) or bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_researcher)


def reads_national(user: Any) -> bool:
    """Who reads the national pictures made from trusts' private rows (counted, small numbers starred): national
    readers, the research team and administrators."""
    return is_curator(user) or bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_national_reader
    )


def reads_evidence(user: Any) -> bool:
    """Who reads the research evidence (sources, participants, codings, its pages, exports and commands): the
    research team and administrators. Evidence models declare no trust path, so `visible` refuses them."""
    return is_curator(user)


def require_evidence_reader(user: Any) -> None:
    """A 404 for anyone outside the research team: evidence pages do not say that they exist."""
    if not reads_evidence(user):
        raise Http404("No such page.")


def visible(user: Any, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `qs` that `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    path = _trust_path(qs.model)
    if path is None or is_admin(user):
        return qs
    condition = Q(**{f"{_trust_lookup(path)}__in": user.trust_ids()})
    shared_field = getattr(qs.model, "shared_field", None)
    if shared_field:
        condition |= Q(**{shared_field: True})
    for lookup in getattr(qs.model, "shared_when", ()):
        condition |= Q(**lookup)
    return qs.filter(condition)


def editable(user: Any, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `qs` that `user` may change."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_admin(user):
        return qs
    path = _trust_path(qs.model)
    if path is None:
        return qs.none()  # reference data: admins only
    return qs.filter(**{f"{_trust_lookup(path)}__in": user.trust_ids(*EDIT_ROLES)})


def trust_id_of(obj: models.Model) -> int | None:
    """Follow the model's trust_path on an instance (saved or not) to the trust id."""
    path = _trust_path(obj._meta.model)
    if path is None:
        return None
    target: Any = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id")


def editor_trusts(user: Any) -> models.QuerySet[Any]:
    """The trusts where the user is an editor or manager (through membership, whatever their admin rights)."""
    trusts = trust_model().objects
    if not getattr(user, "is_authenticated", False):
        return trusts.none()
    return trusts.filter(pk__in=user.trust_ids(*EDIT_ROLES))


def can_change_in(user: Any, trust_id: int | None) -> bool:
    """Whether the user may create or change rows owned by the trust (the system actor may)."""
    if user is SYSTEM or is_admin(user):
        return True
    if trust_id is None or not getattr(user, "is_authenticated", False):
        return False
    return trust_id in user.trust_ids(*EDIT_ROLES)


def can_manage(user: Any, trust_id: int) -> bool:
    """Whether the user may manage the members of the trust (the system actor may)."""
    return (
        user is SYSTEM
        or is_admin(user)
        or (getattr(user, "is_authenticated", False) and trust_id in user.trust_ids(Membership.MANAGER))
    )


def can_see_in(user: Any, trust_id: int | None) -> bool:
    """Whether the user may read the trust's private rows."""
    if is_admin(user):
        return True
    return bool(trust_id is not None and getattr(user, "is_authenticated", False) and trust_id in user.trust_ids())


def change_permission(model: type[models.Model]) -> str:
    """The object permission that holds the model's change rule, e.g. "roles.change_rolepack"."""
    return f"{model._meta.app_label}.change_{model._meta.model_name}"


def can_change(actor: Any, obj: models.Model) -> bool:
    """Whether `actor` may create, change or delete `obj` as it stands (its declared change rule)."""
    if actor is SYSTEM:
        return True
    if actor is None or not hasattr(actor, "has_perm"):
        return False
    return actor.has_perm(change_permission(obj._meta.model), obj)


def require_change(actor: Any, obj: models.Model) -> None:
    """Raise PermissionDenied unless the actor may change `obj` (checked on the row as it will be saved).

    The system actor passes; None is refused, so a caller that lost track of who acts fails loudly.
    """
    if actor is None:
        raise PermissionDenied("No one is acting: a job without a person acts as policy.SYSTEM.")
    if not can_change(actor, obj):
        raise PermissionDenied(_refusal(obj))


def _refusal(obj: models.Model) -> str:
    rule = getattr(obj._meta.model, "change_rule", "")
    if rule == "admin" or (rule == "trust_editor" and trust_id_of(obj) is None):
        return "Only administrators change reference data."
    if rule in ("curator", "researcher"):
        return "Only the research team and administrators change this."
    if rule in ("membership", "invitation"):
        return "Only the trust's managers change its members."
    return "You may not change data of this trust."


def creating(obj: models.Model) -> bool:
    """Whether the row is being created (the audited create keeps this true through its after-save check)."""
    return obj._state.adding


def stored_differs(obj: models.Model, allowed: tuple[str, ...] = ()) -> bool:
    """Whether the row as it will be saved differs from the stored row in any field outside `allowed`.

    Rules that let someone change only some fields of a row (a trust's contact details, one's own name
    and password) compare with the stored row: the audited update checks before it saves.
    """
    if obj.pk is None:
        return True
    fields = [f for f in obj._meta.concrete_fields if f.name not in allowed and not f.primary_key]
    stored = obj._meta.model._default_manager.filter(pk=obj.pk).values(*[f.attname for f in fields]).first()
    if stored is None:
        return True
    return any(stored[f.attname] != f.value_from_object(obj) for f in fields)


# The permission helpers services and views share ---------------------------------------------------


def require_editor(actor: Any, trust: Any) -> None:
    """Before the work of a change to a trust's data starts (reading a file, say): its editors only."""
    if not can_change_in(actor, trust.pk):
        raise PermissionDenied("Only the trust's editors change its data.")


def require_manager(actor: Any, trust_id: int, message: str = "Only the trust's managers manage its members.") -> None:
    if not can_manage(actor, trust_id):
        raise PermissionDenied(message)


def require_admin(actor: Any, message: str = "Only administrators may do this.") -> None:
    if not (actor is SYSTEM or is_admin(actor)):
        raise PermissionDenied(message)


def require_curator(actor: Any) -> None:
    if not (actor is SYSTEM or is_curator(actor)):
        raise PermissionDenied("Only national curators (researchers and administrators) change the catalogue.")


def can_edit_pack(user: Any, pack: Any) -> bool:
    """A national pack is its curators'; a trust's pack its editors'."""
    return can_change(user, pack)


def can_own_document(user: Any, trust: Any) -> bool:
    """Who may own a document of `trust` (None: the national library, curators only)."""
    if trust is None:
        return user is SYSTEM or is_curator(user)
    return can_change_in(user, trust.pk)


def get_for_user(user: Any, qs_or_model: models.QuerySet[M] | type[M], action: str = "view", **lookup: Any) -> M:
    """Fetch one row for `action` ("view" or "change"): 404 if not visible, 403 if visible but not editable."""
    qs = qs_or_model if isinstance(qs_or_model, models.QuerySet) else qs_or_model._default_manager.all()
    try:
        obj = visible(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {qs.model._meta.verbose_name} found.") from exc
    if action == "change" and not editable(user, qs.model._default_manager.filter(pk=obj.pk)).exists():
        refusal = PermissionDenied("You can see this but not change it.")
        refusal.trust_id = trust_id_of(obj)  # type: ignore[attr-defined]  # the 403 page says whose it is
        raise refusal
    return obj


def require_user(user: Any) -> User:
    """Narrow a request user to a signed-in User (the login middleware guarantees it on pages)."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def may_create_api_token(user: Any, request: Any) -> bool:
    """Whether this session may create an API token for `user`: researchers and administrators only after
    their second factor, so a stolen password alone never yields a lasting credential (see accounts.mfa)."""
    from newroles.accounts import mfa  # here, not at the top: mfa loads django-otp's models, policy loads early

    return mfa.may_create_api_token(user, request)
