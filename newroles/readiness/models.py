"""The readiness check: a versioned framework of the factors the study found decide whether a new role lands
well, and each trust's assessments of its deployments against it.

The framework is reference data (`data/framework-v*.toml`, loaded by `services.load_framework`), so researchers
revise it without a migration; an assessment keeps the version it was made against. Assessments and their
ratings are the trust's own: private to it, changed by its editors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

ASKED = "asked"
COMPUTED = "computed"
MODE_CHOICES = [(ASKED, "Asked: a trust editor rates it"), (COMPUTED, "Computed from the register")]

NOT_STARTED = "not_started"
PARTLY = "partly"
IN_PLACE = "in_place"
NOT_APPLICABLE = "not_applicable"
RATING_CHOICES = [
    (NOT_STARTED, "Not started"),
    (PARTLY, "Partly in place"),
    (IN_PLACE, "In place"),
    (NOT_APPLICABLE, "Not applicable"),
]
# Statuses an item can have on a summary beyond the four ratings: a computed item whose source data is missing,
# and an asked item no assessment has rated yet.
NOT_KNOWN = "not_known"
NOT_ASSESSED = "not_assessed"
STATUS_LABELS = {**dict(RATING_CHOICES), NOT_KNOWN: "Not known", NOT_ASSESSED: "Not assessed yet"}
# A factor is unmet (a red flag) when it is not started or only partly in place.
UNMET = (NOT_STARTED, PARTLY)


class FrameworkVersion(models.Model):
    """One version of the readiness framework, as loaded from `data/framework-v<N>.toml`."""

    trust_path = None
    change_rule = "curator"  # loaded by the reference loader; researchers revise it by adding a version file

    version = models.PositiveIntegerField(unique=True, help_text="The version number, from the file.")
    title = models.CharField(max_length=200)
    source_document = models.CharField(max_length=300, blank=True, help_text="Where the items' quotes come from.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class FrameworkItem(models.Model):
    """One factor of a framework version: its question, what good looks like and the briefing's words for it.

    An asked item is rated by a trust editor; a computed item is worked out from the register when a summary
    is shown (its key names the computation in `computed.py`) and never stored.
    """

    trust_path = None
    change_rule = "curator"

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=40, help_text="Stable identifier of the factor across versions.")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=150)
    question = models.TextField()
    good = models.TextField("what good looks like")
    source = models.TextField(help_text="The briefing's own words, quoted exactly.")
    mode = models.CharField(max_length=10, choices=MODE_CHOICES)
    flag = models.TextField("red flag", help_text="Shown when the factor is not in place.")
    next_step = models.TextField("next step", help_text="What to do when the factor is not in place.")
    name_label = models.CharField(
        max_length=150, blank=True, help_text="For items where the trust names a champion or group: the question."
    )

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "key"], name="framework_item_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.mode == COMPUTED


class Assessment(models.Model):
    """A readiness check of one deployment on one date, against one framework version.

    A new check is a new row: earlier ones are kept as the deployment's history. Private to the trust.
    """

    trust_path = "deployment__trust"
    change_rule = "trust_editor"

    deployment = models.ForeignKey("mapping.Deployment", on_delete=models.CASCADE, related_name="readiness_assessments")
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField("date of the check")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_by_name = models.CharField(
        "who made the check", max_length=150, help_text="Kept as written, so the history reads after an account goes."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["deployment", "-assessed_on"])]

    def __str__(self) -> str:
        return f"Readiness check of {self.deployment.local_title} on {self.assessed_on:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:assessment", args=[self.pk])


class Rating(models.Model):
    """One asked factor as a check rated it, with its evidence: a note, a document, a named champion or group."""

    trust_path = "assessment__deployment__trust"
    change_rule = "trust_editor"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="ratings")
    status = models.CharField(max_length=15, choices=RATING_CHOICES)
    evidence = models.TextField(blank=True, help_text="What shows it: a meeting, a decision, a document.")
    document = models.ForeignKey(
        "roles.SharedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="A document that shows it (the trust's own, or one shared with it).",
    )  # fmt: skip
    champion = models.CharField(
        "named champion or group", max_length=200, blank=True, help_text="The person or group, where the item asks."
    )

    class Meta:
        ordering = ["assessment", "item__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="one_rating_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_status_display()}"

    def clean(self) -> None:
        if self.item_id is None or self.assessment_id is None:
            return
        if self.item.framework_id != self.assessment.framework_id:
            raise ValidationError({"item": "The item belongs to another version of the framework."})
        if self.item.is_computed:
            raise ValidationError({"item": f"'{self.item.title}' is worked out from the register, not rated."})
        if self.document_id is not None:
            document = self.document
            trust_id = self.assessment.deployment.trust_id
            if document.trust_id not in (None, trust_id) and document.sharing == document.PRIVATE:
                raise ValidationError({"document": "Link a document of the trust's own, or one shared with it."})
