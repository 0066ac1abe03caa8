"""The three audited writes every service function is built from.

Each validates the row (`full_clean`), checks the access policy on the row as it will be saved,
saves it and writes the ChangeRecord, all inside one transaction. Service functions add their own
domain rules around these; nothing else calls `save()` or `delete()` on a model.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from newroles.audit import access
from newroles.audit.models import ChangeRecord
from newroles.audit.services import record, snapshot

M = TypeVar("M", bound=models.Model)


def _check(actor: Any, obj: models.Model, check_policy: bool) -> None:
    # actor None is a system job (reference data loader, demo loader); it is never a web request,
    # because views require a signed-in user before they reach a service.
    if check_policy and actor is not None:
        access.policy().require_change(actor, obj)


@transaction.atomic
def create_row(actor: Any, obj: M, *, message: str = "", check_policy: bool = True, exclude=None) -> M:
    """Validate, authorise, save and audit a new row."""
    obj.full_clean(exclude=exclude)
    _check(actor, obj, check_policy)
    obj.save()
    _check(actor, obj, check_policy)  # again on the saved row: defaults and signals can move it
    record(actor=actor, action=ChangeRecord.CREATE, obj=obj, after=snapshot(obj), message=message)
    return obj


@transaction.atomic
def update_row(
    actor: Any, obj: M, changes: dict[str, Any], *, message: str = "", check_policy: bool = True, exclude=None
) -> M:
    """Apply `changes` to a row, then validate, authorise, save and audit; no record when nothing changed.

    The policy is checked before the change (may the actor change this row at all?) and after it
    (may the actor own the row where it now points?), so a row cannot be moved into another trust.
    """
    _check(actor, obj, check_policy)
    before = snapshot(obj)
    m2m = {k: v for k, v in changes.items() if k in {f.name for f in obj._meta.many_to_many}}
    for name, value in changes.items():
        if name not in m2m:
            setattr(obj, name, value)
    obj.full_clean(exclude=exclude)
    _check(actor, obj, check_policy)
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    after = snapshot(obj)
    if after != before:
        record(actor=actor, action=ChangeRecord.UPDATE, obj=obj, before=before, after=after, message=message)
    return obj


@transaction.atomic
def delete_row(actor: Any, obj: models.Model, *, message: str = "", check_policy: bool = True) -> None:
    """Authorise, audit and delete a row."""
    _check(actor, obj, check_policy)
    before = snapshot(obj)
    pk = obj.pk
    record(actor=actor, action=ChangeRecord.DELETE, obj=obj, before=before, message=message, object_id=pk)
    obj.delete()
