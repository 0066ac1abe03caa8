"""`record()`: the one way an audit record is written, called by every service function."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from newroles.audit import access
from newroles.audit.context import batch_id_var, request_id_var, via_var
from newroles.audit.models import ChangeRecord


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's concrete field values (and many-to-many ids of a saved row) as JSON-ready data."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        data[field.attname] = _json_value(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(_json_value(v) for v in field.value_from_object(obj))
    for name in getattr(obj, "audit_exclude", ()):
        data.pop(name, None)
    # Secrets (a password hash) are recorded only as a short digest: a change shows, the value never does.
    for name in getattr(obj, "audit_secret", ()):
        if data.get(name):
            data[name] = "digest " + hashlib.sha256(str(data[name]).encode()).hexdigest()[:12]
    return data


def _trust_id(obj: models.Model) -> int | None:
    if obj._meta.model_name == "trust" and obj._meta.app_label == "organisations":
        return obj.pk
    if getattr(obj._meta.model, "trust_path", None):
        try:
            return access.policy().trust_id_of(obj)
        except AttributeError:
            return None
    return None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
    object_id: Any = None,
) -> ChangeRecord:
    """Write one ChangeRecord. Must run inside the transaction that makes the change.

    `actor` is the acting User, or `policy.SYSTEM` for a job without a person (named "system" in history).
    For deletes pass `object_id`, since the row no longer has a primary key.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the change's transaction")
    user = actor if getattr(actor, "pk", None) else None
    channel = via_var.get()
    if channel:
        message = f"{message} (via {channel})" if message else f"via {channel}"
    return ChangeRecord.objects.create(
        user=user,
        user_name=(user.name if user else "system")[:254],
        action=action,
        # obj._meta.model, not type(obj): a view may pass request.user, a lazy wrapper around the User.
        content_type=ContentType.objects.get_for_model(obj._meta.model),
        object_id=str(object_id if object_id is not None else obj.pk),
        object_repr=str(obj)[:300],
        trust_id=_trust_id(obj),
        before=before,
        after=after,
        request_id=request_id_var.get(),
        batch_id=batch_id_var.get(),
        message=message[:500],
    )


def history(obj: models.Model) -> models.QuerySet[ChangeRecord]:
    """Every record about `obj`, newest first."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj._meta.model), object_id=str(obj.pk)
    ).select_related("user")


def shown_history(user: Any, obj: models.Model, limit: int | None = None) -> list[ChangeRecord]:
    """The records about `obj` as `user` may see them, each with `shown_changes` for the page.

    Outside the record's trust, the fields the model declares small-count controlled (`disclosure_fields`,
    e.g. a deployment's headcount and WTE) show "*" wherever the recorded count is small, so the history
    never gives back a figure the object's own page hides.
    """
    records = list(history(obj)[:limit] if limit else history(obj))
    fields = getattr(obj._meta.model, "disclosure_fields", None) or {}
    rule = access.disclosure()
    for r in records:
        changes = r.changed_fields()
        trust_id = r.trust_id if r.trust_id is not None else _trust_id(obj)
        if fields:
            before = rule.masked_values(user, trust_id, r.before or {}, fields)
            after = rule.masked_values(user, trust_id, r.after or {}, fields)
            changes = [(k, before.get(k) if b is not None else None, after.get(k) if a is not None else None)
                       for k, b, a in changes]  # fmt: skip
        r.shown_changes = changes  # type: ignore[attr-defined]
    return records
