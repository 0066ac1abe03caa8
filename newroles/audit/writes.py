"""The three audited writes every service function is built from.

Each validates the row (`full_clean`), checks the access policy (handed in by accounts, see `access`) on
the row as it will be saved and again after saving, saves it and writes the ChangeRecord, all inside one
transaction. The check follows the model's declared change rule (`accounts/rules.py`) and always runs: a
job without a person acts as `policy.SYSTEM`, and an actor of None is refused. Service functions add their
own domain rules around these; nothing else calls `save()` or `delete()` on a model.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from newroles.audit import access
from newroles.audit.models import ChangeRecord
from newroles.audit.services import record, snapshot

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def create_row(actor: Any, obj: M, *, message: str = "", exclude=None) -> M:
    """Validate, authorise, save and audit a new row."""
    obj.full_clean(exclude=exclude)
    access.policy().require_change(actor, obj)
    obj.save()
    # Again on the saved row (defaults and save() can move it), still judged as a row being created.
    obj._state.adding = True
    try:
        access.policy().require_change(actor, obj)
    finally:
        obj._state.adding = False
    record(actor=actor, action=ChangeRecord.CREATE, obj=obj, after=snapshot(obj), message=message)
    return obj


@transaction.atomic
def update_row(actor: Any, obj: M, changes: dict[str, Any], *, message: str = "", exclude=None) -> M:
    """Apply `changes` to a row, then validate, authorise, save and audit; no record when nothing changed.

    The policy is checked before the change (may the actor change this row at all?), after it (may the
    actor own the row where it now points?) and on the saved row, so a row cannot be moved into another
    trust.
    """
    access.policy().require_change(actor, obj)
    before = snapshot(obj)
    m2m = {k: v for k, v in changes.items() if k in {f.name for f in obj._meta.many_to_many}}
    for name, value in changes.items():
        if name not in m2m:
            setattr(obj, name, value)
    obj.full_clean(exclude=exclude)
    access.policy().require_change(actor, obj)
    obj.save()
    access.policy().require_change(actor, obj)
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    after = snapshot(obj)
    if after != before:
        record(actor=actor, action=ChangeRecord.UPDATE, obj=obj, before=before, after=after, message=message)
    return obj


@transaction.atomic
def delete_row(actor: Any, obj: models.Model, *, message: str = "") -> None:
    """Authorise, audit and delete a row."""
    access.policy().require_change(actor, obj)
    before = snapshot(obj)
    pk = obj.pk
    record(actor=actor, action=ChangeRecord.DELETE, obj=obj, before=before, message=message, object_id=pk)
    obj.delete()
