"""Forewarning: the dated national events that change what trusts must plan, and each trust's calendar feed.

The briefing's national ask: "Mental Health Wellbeing Practitioners did not land well due to the tight
turnaround". Curators (the research team and administrators) keep a register of events that change what a
trust must plan for a role (national programmes and funding windows, university intakes, regulation
deadlines, changes in law or guidance), each with its source. Every trust sees the events that affect the
roles it deploys or plans. Events are public reference data; a trust's calendar feed address is the
trust's own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

PROGRAMME = "programme"
INTAKE = "intake"
REGULATION = "regulation"
LAW = "law"
OTHER = "other"
KIND_CHOICES = [
    (PROGRAMME, "National programme or funding window"),
    (INTAKE, "University intake"),
    (REGULATION, "Regulation deadline"),
    (LAW, "Change in law or guidance"),
    (OTHER, "Other"),
]
KIND_LABELS = dict(KIND_CHOICES)


class Event(models.Model):
    """One dated national (or regional) event that affects the roles it names, with where it comes from.

    Reference data: everyone signed in reads the register; curators change it. An event with a region
    concerns only the trusts of that region. Events loaded from `forewarning/data/events.json` carry that
    file's key in `reference_key`, so loading again updates them instead of adding copies.
    """

    trust_path = None
    change_rule = "curator"

    date = models.DateField(help_text="When it happens or takes effect (YYYY-MM-DD).")
    title = models.CharField(max_length=200, help_text="What happens, in a few words.")
    kind = models.CharField(
        max_length=12, choices=KIND_CHOICES, help_text="One of: " + ", ".join(k for k, _ in KIND_CHOICES) + "."
    )
    description = models.TextField(blank=True, help_text="What it means for trusts planning the roles it affects.")
    source_url = models.URLField("source address", max_length=500, blank=True, help_text="Where it is published.")
    source_citation = models.TextField(
        "source", blank=True, help_text="Who published it, its title and date; needed when there is no address."
    )
    roles = models.ManyToManyField(
        "roles.Role", related_name="forewarning_events", help_text="The catalogue roles it affects."
    )
    region = models.ForeignKey(
        "organisations.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forewarning_events",
        help_text="Only for an event that concerns one region; empty for a national event.",
    )
    illustrative = models.BooleanField(
        default=False, help_text="An invented example shown in the demo, not a real event."
    )
    reference_key = models.SlugField(
        max_length=80, unique=True, null=True, blank=True, editable=False,
        help_text="The key of an event loaded from the reference data file.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["date", "title"]
        indexes = [models.Index(fields=["date", "kind"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %B %Y})" if self.date else self.title

    def get_absolute_url(self) -> str:
        return reverse("forewarning:events") + f"#event-{self.pk}"

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        self.source_url = (self.source_url or "").strip()
        self.source_citation = (self.source_citation or "").strip()
        if not self.source_url and not self.source_citation:
            raise ValidationError(
                {"source_citation": "Give the source: its address, or who published it, its title and date."}
            )

    @property
    def source_text(self) -> str:
        """The source as one line: the citation and the address, whichever are given."""
        return " ".join(part for part in (self.source_citation, self.source_url) if part)


class CalendarFeed(models.Model):
    """A trust's calendar feed: the secret part of the address calendar apps subscribe to.

    Calendar apps cannot sign in, so the address itself is the key: anyone holding it reads the trust's
    events (public reference data, nothing private). The trust's managers create it and can reset it,
    which stops the old address working; the token is kept out of the history (`audit_secret`).
    """

    trust_path = "trust"
    change_rule = "trust_manager"
    audit_secret = ("token",)

    trust = models.OneToOneField("organisations.Trust", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    def __str__(self) -> str:
        return f"Calendar feed of {self.trust_id and self.trust.name}"
