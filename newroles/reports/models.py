"""Frozen findings briefings: a published version that later changes to the data do not alter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Snapshot(models.Model):
    """One frozen briefing: every figure as it stood (its JSON), who froze it and when.

    The figures were written for the public reader (small staff counts already starred), so every signed-in
    user may read a snapshot; researchers freeze them. A snapshot never changes afterwards, except that a
    quote from a participant who withdrew consent is redacted (`services.redact_withdrawn`) and the
    snapshot flagged.
    """

    BRIEFING = "briefing"
    KIND_CHOICES = [(BRIEFING, "Findings briefing")]

    trust_path = None  # national, built from the public reader's figures
    change_rule = "researcher"
    # The frozen figures are not copied into the change record: a redaction must leave no copy of the
    # withdrawn quote behind, and the JSON is the snapshot itself, never edited.
    audit_exclude = ("data",)

    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default=BRIEFING)
    title = models.CharField(max_length=200, help_text="What this version is, e.g. 'Published briefing, March 2027'.")
    data = models.JSONField(help_text="Every figure of the report as it stood when frozen.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redacted_quotes = models.JSONField(
        default=list, blank=True, help_text="Ids of quotes removed because the participant withdrew consent."
    )
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot", args=[self.pk])

    @property
    def redacted(self) -> bool:
        return bool(self.redacted_quotes)
