"""What the import flow remembers: each user's column mapping per kind of import."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ColumnMapping(models.Model):
    """The columns a user last mapped for a kind of import, so the next file of the same shape maps itself."""

    trust_path = None

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=50)
    mapping = models.JSONField(default=dict, help_text="field name -> column header")
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mapping_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.kind} columns for {self.user_id}"
