"""The change record: every create, change and delete, who made it, when, and the row before and after."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChangeRecord(models.Model):
    """One change to one row, written by a service function in the same transaction as the change.

    `user_name` copies the actor's name so the record survives the user's deletion. `request_id` ties
    together the changes of one web request or CLI run; `batch_id` those of one import.
    """

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ACTION_CHOICES = [(CREATE, "Created"), (UPDATE, "Changed"), (DELETE, "Deleted")]
    trust_path = None  # access is decided on the object the record is about
    change_rule = "system"  # written only by audit.record, inside the change it records

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    user_name = models.CharField(max_length=254)
    action = models.CharField(max_length=10, choices=ACTION_CHOICES)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    trust = models.ForeignKey("organisations.Trust", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True, db_index=True)
    batch_id = models.CharField(max_length=36, blank=True, db_index=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} by {self.user_name}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
