"""Staff-record (ESR) extracts, kept as aggregate counts only.

An extract names people; these models never do. An import keeps, per trust and month, the counts of
staff and WTE by organisation unit, title, band and staff group (`StaffCount`), and the distinct
titles and codes with their counts and how each resolved to a catalogue role (`ExtractTitle`).
No name, date of birth, NI number or assignment number is stored: see docs/data-protection.md.

Every model here is private to its trust (`trust_path = "trust"`); pages shown beyond the trust
suppress small counts (`newroles.accounts.disclosure`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

MONTH_FORMAT = "%Y-%m"


def month_label(month: dt.date) -> str:
    """'March 2025' for a month stored as its first day."""
    return month.strftime("%B %Y")


class ExtractMapping(models.Model):
    """The columns a trust last mapped for its extracts, so the next month's file maps itself.

    Kept per trust, not per user (as the general import flow does), because an extract's shape is the
    trust's ESR report, whoever runs it.
    """

    trust_path = "trust"
    change_rule = "trust_editor"

    trust = models.OneToOneField("organisations.Trust", on_delete=models.CASCADE, related_name="extract_mapping")
    mapping = models.JSONField(default=dict, help_text="field name -> column header")
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    def __str__(self) -> str:
        return f"Extract columns for {self.trust_id and self.trust.name}"


class ExtractImport(models.Model):
    """One run of the extract import for a trust and month: its progress, what was dropped, the result.

    The file itself is never kept: it is deleted when the run ends, however it ends (a run whose process
    died is found by its stale `heartbeat_at` and failed by the worker's sweep). `is_current` marks
    the import whose counts stand for the month; re-importing the month replaces them in one transaction.
    """

    MAPPING = "mapping"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (MAPPING, "Waiting for its columns"),
        (QUEUED, "Waiting to start"),
        (RUNNING, "Running"),
        (DONE, "Imported"),
        (FAILED, "Failed"),
        (CANCELLED, "Cancelled"),
    ]
    trust_path = "trust"
    change_rule = "trust_editor"

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="extract_imports")
    month = models.DateField(help_text="The month the extract describes, stored as its first day.")
    filename = models.CharField(max_length=255, help_text="The uploaded file's name (the file is not kept).")
    file_format = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=MAPPING)
    stage = models.CharField(max_length=100, blank=True, help_text="What the running import is doing.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    headers = models.JSONField(default=list, blank=True, help_text="The file's column names (never values).")
    mapping = models.JSONField(default=dict, blank=True, help_text="field name -> column header")
    personal_columns = models.JSONField(
        default=list, blank=True, help_text="Columns that look like personal data: never read, so never stored."
    )
    personal_reasons = models.JSONField(
        default=dict, blank=True,
        help_text="Columns found personal by their sampled values (not their header): column -> what they look like.",
    )  # fmt: skip
    preview = models.JSONField(
        default=list, blank=True,
        help_text="The first rows of the columns that are not personal, shown while the columns are mapped; "
        "emptied when the mapping step ends.",
    )  # fmt: skip
    unused_columns = models.JSONField(default=list, blank=True, help_text="Other columns not mapped, so not read.")
    summary = models.JSONField(default=dict, blank=True, help_text="Counts describing the result.")
    error = models.TextField(blank=True)
    is_current = models.BooleanField(default=False, help_text="Its counts stand for the trust's month.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the process running it; stale means abandoned."
    )
    counted_under = models.CharField(
        max_length=40, blank=True,
        help_text="The catalogue version (workforce.memory) its titles waiting for review were last matched under.",
    )  # fmt: skip
    # the preview is values from the file: never in the audit
    audit_exclude = ("stage", "progress", "preview", "heartbeat_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["trust", "month", "is_current"])]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "month"], condition=models.Q(is_current=True), name="one_current_import_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"Staff record {month_label(self.month)} for {self.trust_id and self.trust.name}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:import", args=[self.trust.ods_code, self.pk])

    @property
    def month_key(self) -> str:
        return self.month.strftime(MONTH_FORMAT)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED, self.CANCELLED)

    @property
    def hashed_column(self) -> str:
        """The assignment number column, if mapped: read only to count duplicates, hashed and discarded."""
        return (self.mapping or {}).get("assignment_number", "")

    @property
    def dropped_columns(self) -> list[str]:
        """Personal-data columns never read (an assignment number used for duplicates is read, so not here)."""
        return [h for h in self.personal_columns if h != self.hashed_column]


# The aggregate rows (ExtractTitle, StaffCount) carry no database foreign-key constraints. Their references
# are ids the import has just read, written in one transaction by the import alone, and deletions are
# cascaded by Django (`on_delete`) or by the month's own DELETEs, as before. The constraints cost more than
# the write itself: on PostgreSQL, checking ~800,000 references of a national month at commit took 6.8 s of
# a 17 s import; on SQLite, every inserted row looked up three or four parents.


class ExtractTitle(models.Model):
    """One distinct (title, job role, occupation code) of a trust's month, with its counts and resolution.

    `cleaned` is the normaliser's cleaned form the resolution rests on; titles that share it are
    reviewed together. `candidates` keeps the normaliser's likeliest roles for whoever reviews it.
    """

    trust_path = "trust"
    change_rule = "trust_editor"

    # Bulk-written in the hundreds of thousands: only the indexes the pages query by (Meta) are kept, and
    # no database constraint on the references (see the note above ExtractTitle).
    extract = models.ForeignKey(
        ExtractImport, on_delete=models.CASCADE, related_name="titles", db_index=False, db_constraint=False
    )
    trust = models.ForeignKey(
        "organisations.Trust", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField()
    title = models.CharField(max_length=300, blank=True)
    job_role = models.CharField(max_length=200, blank=True)
    occupation_code = models.CharField(max_length=10, blank=True)
    cleaned = models.CharField(max_length=300, blank=True)
    role = models.ForeignKey(
        "roles.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    confidence = models.FloatField(default=0)
    method = models.CharField(max_length=15)
    in_training = models.BooleanField(default=False)
    code_conflict = models.BooleanField(default=False)
    band_in_title = models.CharField(max_length=3, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text="[[slug, score], ...]")
    headcount = models.PositiveIntegerField(default=0)
    wte = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Problems of its rows, as counts: the data-quality report reads them (and names the title, never a person).
    band_missing = models.PositiveIntegerField(default=0)
    band_unreadable = models.PositiveIntegerField(default=0, help_text="Grades that are no AfC band or medical grade.")
    band_outside = models.PositiveIntegerField(default=0, help_text="Staff at a band outside the role's range.")
    wte_missing = models.PositiveIntegerField(default=0)
    wte_impossible = models.PositiveIntegerField(default=0, help_text="WTE <= 0 or > 1.5 (left out of WTE sums).")
    duplicate_rows = models.PositiveIntegerField(default=0, help_text="Rows whose assignment appears twice or more.")
    review = models.BooleanField(default=False, help_text="Unresolved or low confidence: counted under its own title.")
    remembered = models.BooleanField(
        default=False, help_text="Its answer came from the remembered answers, not from matching it again."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within its import, most staff first.")

    class Meta:
        ordering = ["-headcount", "title"]
        indexes = [models.Index(fields=["trust", "month"])]

    def __str__(self) -> str:
        return self.title or "(no title)"


class StaffCount(models.Model):
    """Staff and WTE in one cell: trust, month, organisation unit, role, in training, band and staff group.

    A title matched with confidence is counted under its role only (`title` empty), as the aggregate
    needs; a title waiting for review (unresolved or low confidence) keeps its own cells (`title` set),
    so that a decision on it moves exactly its staff to the role decided.
    """

    trust_path = "trust"
    change_rule = "trust_editor"

    # Bulk-written: only the indexes the pages query by (title's, for moving a title's staff in a recount),
    # and no database constraint on the references (see the note above ExtractTitle).
    extract = models.ForeignKey(
        ExtractImport, on_delete=models.CASCADE, related_name="counts", db_index=False, db_constraint=False
    )
    trust = models.ForeignKey(
        "organisations.Trust", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField()
    org_unit = models.CharField("organisation unit", max_length=200, blank=True)
    area_of_work = models.CharField(max_length=120, blank=True)
    role = models.ForeignKey(
        "roles.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    title = models.ForeignKey(
        ExtractTitle, null=True, blank=True, on_delete=models.CASCADE, related_name="counts", db_constraint=False,
        help_text="Set only for a title waiting for review.",
    )  # fmt: skip
    in_training = models.BooleanField(default=False)
    band = models.CharField(
        max_length=8, blank=True, help_text="1-9, 8a-8d, 'medical'; empty when missing, '?' when unreadable."
    )
    staff_group = models.CharField(max_length=120, blank=True)
    headcount = models.PositiveIntegerField(default=0)
    wte = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])

    class Meta:
        indexes = [models.Index(fields=["trust", "month"])]

    def __str__(self) -> str:
        return f"{self.headcount} in {self.org_unit or 'no unit'} ({self.month:%Y-%m})"


class TitleDecision(models.Model):
    """A trust's decision on a title it reviewed: the role it means, or that it is not a new role.

    A decision naming a role is also the trust's own alias (`alias`), which the normaliser matches
    first on every later import; "not a new role" has no alias (an alias must name a role) and is
    given to the normaliser as a title to abstain on.
    """

    ACCEPTED = "accepted"
    OTHER_ROLE = "other_role"
    NOT_NEW = "not_new"
    OUTCOME_CHOICES = [
        (ACCEPTED, "Accepted the suggestion"),
        (OTHER_ROLE, "Chose another role"),
        (NOT_NEW, "Not a new role"),
    ]
    trust_path = "trust"
    change_rule = "trust_editor"

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="title_decisions")
    key = models.CharField(max_length=300, help_text="The cleaned title the decision applies to.")
    example = models.CharField(max_length=300, blank=True, help_text="A title as the extract wrote it.")
    outcome = models.CharField(max_length=12, choices=OUTCOME_CHOICES)
    role = models.ForeignKey("roles.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    alias = models.ForeignKey(
        "roles.RoleAlias", null=True, blank=True, on_delete=models.SET_NULL, related_name="title_decisions"
    )
    proposed = models.BooleanField(default=False, help_text="Proposed to the national catalogue.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["trust", "key"], name="one_decision_per_title")]

    def __str__(self) -> str:
        return f"{self.key}: {self.get_outcome_display()}"


class StaffRecordFigure(models.Model):
    """A role's staff-record figures at a trust for a month, beside what people entered on the map.

    The map's deployments of the role show this figure; one whose figures a person entered keeps
    them, and the page flags the difference instead of overwriting it.
    """

    trust_path = "trust"
    disclosure_fields = {"headcount": "headcount", "wte": "headcount", "in_training": "in_training"}
    change_rule = "trust_editor"

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("roles.Role", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    extract = models.ForeignKey(ExtractImport, on_delete=models.CASCADE, related_name="figures")
    headcount = models.PositiveIntegerField()
    wte = models.DecimalField(max_digits=12, decimal_places=2)
    in_training = models.PositiveIntegerField(default=0, help_text="Of the headcount, staff in training.")

    class Meta:
        ordering = ["role__name"]
        constraints = [models.UniqueConstraint(fields=["trust", "role", "month"], name="one_figure_per_role_month")]

    def __str__(self) -> str:
        return f"{self.role_id and self.role.name}: {self.headcount} ({self.month:%Y-%m})"


class StaffRecordSuggestion(models.Model):
    """A new role found in a trust's staff record that the trust has not recorded on the map."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    STATUS_CHOICES = [(OPEN, "To look at"), (ACCEPTED, "Added to the map"), (DISMISSED, "Dismissed")]
    trust_path = "trust"
    disclosure_fields = {"headcount": "headcount", "wte": "headcount"}
    change_rule = "trust_editor"

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("roles.Role", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The latest month the role was found in.")
    headcount = models.PositiveIntegerField()
    wte = models.DecimalField(max_digits=12, decimal_places=2)
    example_title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=OPEN)
    deployment = models.ForeignKey(
        "mapping.Deployment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["status", "-headcount"]
        constraints = [models.UniqueConstraint(fields=["trust", "role"], name="one_suggestion_per_role")]

    def __str__(self) -> str:
        return f"Found in staff record: {self.role_id and self.role.name}"


class TitleAnswer(models.Model):
    """A remembered answer: what one distinct (title, job role, occupation code) resolved to, and under
    which versions of what the answer depends on, so later months and other trusts' extracts match only
    titles never seen before.

    `trust` is empty for the national normaliser's answers (every trust without titles of its own
    shares them) and set for a trust whose own aliases and decisions the answer rests on. An answer
    stands while `catalogue_version` (the normaliser's version, its word tables and the catalogue's
    roles, aliases and codes) and `decision_version` (the trust's own aliases and decisions; empty
    nationally) are current; otherwise the title is matched again and its answer replaced.

    Titles and codes only: no assignment number, name or count of staff is kept here.
    """

    trust_path = "trust"
    change_rule = "system"  # derived from imports and the catalogue: written by the import, never by a person

    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    title = models.CharField(max_length=300, blank=True, help_text="The title as the extract wrote it (trimmed).")
    job_role = models.CharField(max_length=200, blank=True)
    occupation_code = models.CharField(max_length=10, blank=True)
    cleaned = models.CharField(max_length=300, blank=True)
    slug = models.CharField(max_length=60, blank=True, help_text="The catalogue role's slug; empty when none.")
    confidence = models.FloatField(default=0)
    method = models.CharField(max_length=15)
    in_training = models.BooleanField(default=False)
    code_conflict = models.BooleanField(default=False)
    band_in_title = models.CharField(max_length=3, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text="[[slug, score], ...]")
    catalogue_version = models.CharField(max_length=40)
    decision_version = models.CharField(max_length=40, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    audit_exclude = ("answered_at",)

    class Meta:
        indexes = [models.Index(fields=["trust", "catalogue_version", "decision_version"])]

    def __str__(self) -> str:
        return f"{self.title or '(no title)'}: {self.slug or 'no role'}"


class Recount(models.Model):
    """Matching every trust's stored titles again after the catalogue changed, run by the background worker.

    A change to the catalogue (an alias approved or withdrawn, a role edited, a new normaliser version)
    changes `memory.catalogue_version`; every trust whose current months were counted under another version
    is recounted, one trust at a time, and this row carries the progress the pages show. Derived data
    written by the system alone; it names trusts by count only.
    """

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUS_CHOICES = [(QUEUED, "Waiting to start"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]
    change_rule = "system"  # written by the recount service and the worker, never by a person

    reason = models.CharField(max_length=300)
    catalogue_version = models.CharField(max_length=40, help_text="The version it brings every trust to.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    trusts_total = models.PositiveIntegerField(default=0)
    trusts_done = models.PositiveIntegerField(default=0)
    titles_changed = models.PositiveIntegerField(default=0)
    months_changed = models.PositiveIntegerField(default=0)
    staff_moved = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    audit_exclude = ("progress", "heartbeat_at")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Recount: {self.reason}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:recount", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)
