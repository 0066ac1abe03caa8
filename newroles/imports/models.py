"""What the import flow remembers: each user's column mapping per kind of import."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ColumnMapping(models.Model):
    """The columns a user last mapped for a kind of import, so the next file of the same shape maps itself."""

    trust_path = None
    change_rule = "owner"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=50)
    mapping = models.JSONField(default=dict, help_text="field name -> column header")
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mapping_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.kind} columns for {self.user_id}"


class ImportRun(models.Model):
    """One check, then commit, of an uploaded file with its columns mapped, run by the background worker.

    The check's problems are kept (`errors`), so the page, the error file and the commit read them
    instead of checking the file again. A run is the state of a job, not data: it is written without
    change records (`newroles.imports.runs`), like the staff-record import's progress bar, and the data
    an import changes is audited row by row under the run's `batch_id`.
    """

    change_rule = "trust_editor"  # its job state is written by the worker, as the docstring says

    QUEUED = "queued"
    CHECKING = "checking"
    CHECKED = "checked"
    COMMITTING = "committing"
    COMMITTED = "committed"
    FAILED = "failed"
    STATUS_CHOICES = [
        (QUEUED, "Waiting for the background worker"),
        (CHECKING, "Checking every row"),
        (CHECKED, "Checked"),
        (COMMITTING, "Importing"),
        (COMMITTED, "Imported"),
        (FAILED, "Failed"),
    ]
    RUNNING = (QUEUED, CHECKING, COMMITTING)
    trust_path = "trust"

    token = models.CharField(max_length=40, db_index=True, help_text="The upload's token (the file, not kept here).")
    kind = models.CharField(max_length=50)
    filename = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    trust = models.ForeignKey("organisations.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict, help_text="field name -> column header")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0, help_text="Rows that add a record (as checked, or as imported).")
    updated = models.PositiveIntegerField(default=0, help_text="Rows that update a record.")
    errors = models.JSONField(default=list, blank=True, help_text="[[row, column, value, problem], ...]")
    message = models.TextField(blank=True, help_text="Why the run failed, for the person who ran it.")
    batch_id = models.CharField(max_length=64, blank=True, help_text="The audit batch of the commit.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker running it; stale means abandoned."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.filename}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def ok(self) -> bool:
        return self.status in (self.CHECKED, self.COMMITTED) and not self.errors
