"""The funding register: what pays for each deployment of a new role, for how long, and what it covers.

The briefing's five funding problems each become fields here, so that the sustainability warnings
(`funding/warnings.py`) can be computed rather than typed: sustained funding (recurrent or time-limited,
with dates), cycles misaligned with workforce planning (the end date against 31 March and the role's lead
time), short timescales, joint funding (partners' shares and what happens if one stops), funding that
covers the post or training but not backfill, supervision and ongoing support (a yes/no for each cost, so
gaps are countable), and contracting held up by unclear purpose and value (the contracting status).

Funding is the trust's private data: only its members read it, its editors change it, and nothing about
it leaves the trust except counts on the national page, with small counts suppressed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

# Who pays, in the words trusts use (the list).
FUNDER_KIND_CHOICES = [
    ("trust_baseline", "Trust baseline budget"),
    ("nhse_programme", "NHS England national programme"),
    ("icb", "Integrated care board (ICB)"),
    ("nhse_wte", "NHS England workforce, training and education"),
    ("local_authority", "Local authority"),
    ("pcn_arrs", "Primary care network (ARRS)"),
    ("charity_research", "Charity or research grant"),
    ("other", "Other"),
]
FUNDER_KIND_LABELS = dict(FUNDER_KIND_CHOICES)

RECURRENT = "recurrent"
TIME_LIMITED = "time_limited"
FUNDING_TYPE_CHOICES = [(RECURRENT, "Recurrent"), (TIME_LIMITED, "Time-limited")]

AGREED = "agreed"
IN_NEGOTIATION = "in_negotiation"
UNCLEAR = "unclear"
CONTRACT_STATUS_CHOICES = [
    (AGREED, "Agreed"),
    (IN_NEGOTIATION, "In negotiation"),
    (UNCLEAR, "Held up: the role's purpose or value is unclear"),
]

# What a line pays for, each a yes/no field so that gaps can be counted. The order is the briefing's:
# the post itself first, then what funding "often" leaves out.
COSTS: tuple[tuple[str, str], ...] = (
    ("covers_salary", "Salary"),
    ("covers_on_costs", "On-costs"),
    ("covers_training", "Training or education fees"),
    ("covers_backfill", "Backfill"),
    ("covers_supervision", "Supervision"),
    ("covers_support", "Ongoing support and CPD"),
    ("covers_recruitment", "Recruitment"),
)
COST_FIELDS = tuple(name for name, _ in COSTS)
COST_LABELS = dict(COSTS)

MAX_AMOUNT = Decimal("99999999.99")  # a line of up to £100m a year: more is a typing slip


class FundingLine(models.Model):
    """One source of money for one deployment of a role at a trust: who pays, how much a year, from when to
    when, what it covers, on what conditions and how far its contract has got.

    A deployment may have several lines (a national programme paying for training, then the ICB paying the
    salary); the warnings compare them. Joint funding is recorded as partners' shares (`FundingShare`).
    """

    trust_path = "trust"
    change_rule = "trust_editor"
    # No shared_field or shared_when: a trust's funding is never shared; the national page shows counts only.

    trust = models.ForeignKey(
        "organisations.Trust",
        on_delete=models.CASCADE,
        related_name="funding_lines",
        help_text="ODS code of the trust.",
    )
    deployment = models.ForeignKey(
        "mapping.Deployment",
        on_delete=models.CASCADE,
        related_name="funding_lines",
        help_text="The trust's title for the role this line pays for, as on its list of roles.",
    )
    name = models.CharField(
        "what the funding is called",
        max_length=200,
        blank=True,
        help_text="How the trust refers to it, e.g. 'Community transformation: peer support'.",
    )
    posts = models.PositiveSmallIntegerField(
        "posts it pays for",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000)],
        help_text="How many posts it pays for, if it names them.",
    )
    wte = models.DecimalField(
        "WTE it pays for",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10000"))],
        help_text="Whole-time equivalent it pays for, if it says.",
    )
    funder_kind = models.CharField(
        "kind of funder",
        max_length=20,
        choices=FUNDER_KIND_CHOICES,
        help_text="One of: " + ", ".join(f"{k} ({label})" for k, label in FUNDER_KIND_CHOICES) + ".",
    )
    funder_name = models.CharField(
        "funder",
        max_length=200,
        blank=True,
        help_text="Who pays, by name, e.g. 'NHS South Yorkshire ICB'.",
    )
    funder = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_lines",
        help_text="The funder among the organisations outside the trust register, where it is one.",
    )
    funding_type = models.CharField(
        "recurrent or time-limited",
        max_length=15,
        choices=FUNDING_TYPE_CHOICES,
        help_text="recurrent (in the baseline, no end date) or time_limited (ends on a date).",
    )
    amount_per_year = models.DecimalField(
        "amount a year (£)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
        help_text="Pounds a year, e.g. 45000 or 45,000.50.",
    )
    start_date = models.DateField("starts", help_text="The first day it pays for (YYYY-MM-DD).")
    end_date = models.DateField(
        "ends",
        null=True,
        blank=True,
        help_text="The last day it pays for (YYYY-MM-DD); required when time-limited, empty when recurrent.",
    )
    covers_salary = models.BooleanField("covers salary", default=False, help_text="yes or no.")
    covers_on_costs = models.BooleanField("covers on-costs", default=False, help_text="yes or no.")
    covers_training = models.BooleanField("covers training or education fees", default=False, help_text="yes or no.")
    covers_backfill = models.BooleanField("covers backfill", default=False, help_text="yes or no.")
    covers_supervision = models.BooleanField("covers supervision", default=False, help_text="yes or no.")
    covers_support = models.BooleanField("covers ongoing support and CPD", default=False, help_text="yes or no.")
    covers_recruitment = models.BooleanField("covers recruitment", default=False, help_text="yes or no.")
    conditions = models.TextField(
        blank=True,
        help_text="Conditions attached, e.g. 'trainee funding requires a band 5 post to be created'.",
    )
    contract_status = models.CharField(
        "contracting",
        max_length=15,
        choices=CONTRACT_STATUS_CHOICES,
        default=AGREED,
        help_text="agreed, in_negotiation, or unclear (held up because the role's purpose or value is unclear).",
    )
    contract_note = models.TextField("about the contracting", blank=True, help_text="What is agreed or holding it up.")
    contract_holder = models.CharField(
        "who holds the contract",
        max_length=200,
        blank=True,
        help_text="The organisation that holds the contract, e.g. the trust, the ICB or the lead partner.",
    )
    partner_agreement = models.TextField(
        "if a partner stops paying",
        blank=True,
        help_text="What the joint funders agreed happens if one of them stops paying its share.",
    )
    evidence = models.ForeignKey(
        "roles.SharedDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_lines",
        help_text="The funding letter or agreement, among the trust's documents.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["trust__name", "start_date", "pk"]
        indexes = [models.Index(fields=["trust", "end_date"]), models.Index(fields=["deployment", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="funding_line_ends_after_it_starts",
                violation_error_message="The end date is before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("funding:line", args=[self.pk])

    @property
    def label(self) -> str:
        """The line's name, or who pays, for lists and the timeline."""
        if self.name:
            return self.name
        return f"{self.funder_display} ({self.get_funding_type_display().lower()})"

    @property
    def funder_display(self) -> str:
        """Who pays: the name given, the organisation's name, or the kind of funder."""
        if self.funder_name:
            return self.funder_name
        if self.funder_id is not None:
            return self.funder.name  # type: ignore[union-attr]
        return FUNDER_KIND_LABELS.get(self.funder_kind, self.funder_kind)

    @property
    def is_time_limited(self) -> bool:
        return self.funding_type == TIME_LIMITED

    def in_force(self, day: dt.date) -> bool:
        """Whether the line pays for `day`."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def not_ended(self, day: dt.date) -> bool:
        """Whether the line still pays for `day` or later (in force, or starting later)."""
        return self.end_date is None or day <= self.end_date

    def covered_costs(self) -> list[str]:
        return [label for name, label in COSTS if getattr(self, name)]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.name = (self.name or "").strip()
        self.funder_name = (self.funder_name or "").strip()
        if self.deployment_id is not None and self.trust_id is not None and self.deployment.trust_id != self.trust_id:
            errors["deployment"] = "Choose one of this trust's roles: the role belongs to another trust."
        if self.funding_type == TIME_LIMITED and self.end_date is None:
            errors["end_date"] = "Time-limited funding needs the date it ends."
        if self.funding_type == RECURRENT and self.end_date is not None:
            errors["end_date"] = "Recurrent funding has no end date: if it ends, record it as time-limited."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        if not any(getattr(self, name) for name in COST_FIELDS):
            errors["covers_salary"] = "Say what the funding covers: tick at least one cost."
        if self.evidence_id is not None and self.evidence is not None:
            doc = self.evidence
            if doc.trust_id != self.trust_id and doc.sharing == doc.PRIVATE:
                errors["evidence"] = "Choose one of this trust's documents."
        if errors:
            raise ValidationError(errors)


class FundingShare(models.Model):
    """A joint funder's share of one funding line, in per cent. A line's shares add to exactly 100.

    The partner is an organisation outside the trust register where one is recorded, or a name typed in
    where none is (a council's public health team, a local charity).
    """

    trust_path = "funding_line__trust"
    change_rule = "trust_editor"

    funding_line = models.ForeignKey(FundingLine, on_delete=models.CASCADE, related_name="shares")
    partner_name = models.CharField("partner", max_length=200, help_text="The partner's name.")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_shares",
        help_text="The partner among the organisations outside the trust register, where it is one.",
    )
    percent = models.DecimalField(
        "share (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="The partner's share of the line, in per cent.",
    )

    class Meta:
        ordering = ["-percent", "partner_name"]
        constraints = [
            models.UniqueConstraint(fields=["funding_line", "partner_name"], name="funding_share_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} {self.percent.normalize():f}%"
