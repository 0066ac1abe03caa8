"""Regions, trusts and teams: the organisations everything else belongs to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

SERVICE_TYPES = [
    ("community", "Community mental health"),
    ("inpatient", "Inpatient"),
    ("crisis", "Crisis and home treatment"),
    ("camhs", "Children and young people (CAMHS)"),
    ("talking_therapies", "NHS Talking Therapies"),
    ("perinatal", "Perinatal"),
    ("early_intervention", "Early intervention in psychosis"),
    ("forensic", "Forensic and secure"),
    ("learning_disability", "Learning disability and autism"),
    ("older_adults", "Older adults"),
    ("liaison", "Liaison psychiatry"),
    ("primary_care", "Primary care mental health"),
    ("schools", "Mental health support in schools"),
    ("other", "Other"),
]


class Region(models.Model):
    """One of the seven NHS England regions."""

    trust_path = None  # reference data, readable by everyone signed in
    change_rule = "admin"

    code = models.CharField(max_length=3, unique=True, help_text="NHS ODS region code, e.g. Y63.")
    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=5, help_text="Abbreviation used on the tile map, e.g. NEY.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:region", args=[self.code])  # the region's one page is the map's


class Trust(models.Model):
    """An NHS trust providing mental health services, identified by its ODS code.

    Closed or merged trusts stay in the register with their successor, so history (and the study's
    2023 set of 51) stays readable.
    """

    trust_path = None  # the trust row itself is reference data; its private content hangs off it
    change_rule = "trust_register"
    editor_fields = ("website", "new_roles_lead_name", "new_roles_lead_email")  # the rest: admins only

    ACTIVE = "active"
    CLOSED = "closed"
    STATUS_CHOICES = [(ACTIVE, "Active"), (CLOSED, "Closed or merged")]

    ods_code = models.CharField(
        "ODS code",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{3,6}$", "An ODS code is 3 to 6 capital letters or digits.")],
        help_text="The trust's NHS ODS code, e.g. RX4.",
    )
    name = models.CharField(max_length=200, help_text="The trust's full name.")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="trusts", help_text="NHS England region name or code."
    )
    status = models.CharField(
        max_length=10,
        choices=STATUS_CHOICES,
        default=ACTIVE,
        help_text="active, or closed for a closed trust.",
    )
    status_note = models.CharField(
        max_length=300, blank=True, help_text="Renames, mergers and closures, in a sentence."
    )
    closed_on = models.DateField(null=True, blank=True, help_text="Date the trust closed or merged, if it did.")
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="ODS code of the trust that took over its services.",
    )
    in_study_set = models.BooleanField(
        "in the study's 2023 set",
        default=False,
        help_text="One of the 51 trusts the New Roles in Mental Health study counted in 2023 (yes/no).",
    )
    website = models.URLField(blank=True, help_text="The trust's website address.")
    new_roles_lead_name = models.CharField(
        "new roles lead",
        max_length=150,
        blank=True,
        help_text="Who holds the picture of new roles at the trust (the study found this hard to find).",
    )
    new_roles_lead_email = models.EmailField("new roles lead email", blank=True)
    source = models.TextField(blank=True, help_text="Where the code and name were seen.")
    icb = models.ForeignKey(
        "Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="icb_trusts",
        limit_choices_to={"kind": "icb"},
        help_text="The integrated care board the trust's headquarters sit in (ODS code).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:trust", args=[self.ods_code])

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE

    def clean(self) -> None:
        # limit_choices_to guards forms only; imports and loaders set the link through full_clean.
        if self.icb_id is not None and self.icb.kind != Organisation.ICB:
            raise ValidationError({"icb": f"{self.icb.name} is not an integrated care board."})


class Team(models.Model):
    """A team or service within a trust. Private to the trust unless marked shared."""

    trust_path = "trust"
    shared_field = "is_shared"
    change_rule = "trust_editor"

    trust = models.ForeignKey(
        Trust,
        on_delete=models.CASCADE,
        related_name="teams",
        help_text="ODS code of the trust the team is in.",
    )
    name = models.CharField(max_length=150, help_text="The team's name as the trust uses it, e.g. 'CMHT North'.")
    service_type = models.CharField(
        max_length=30,
        choices=SERVICE_TYPES,
        help_text="One of: " + ", ".join(f"{key} ({label})" for key, label in SERVICE_TYPES) + ".",
    )
    description = models.TextField(blank=True, help_text="What the team does, in a sentence or two.")
    is_shared = models.BooleanField(
        "shared beyond the trust",
        default=False,
        help_text="yes to let every signed-in user see the team; no keeps it to the trust's members.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["trust__name", "name"]
        constraints = [models.UniqueConstraint(fields=["trust", "name"], name="team_name_unique_in_trust")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:team", args=[self.trust.ods_code, self.pk])


class Organisation(models.Model):
    """Every body that is not a trust in the register: an ICB, a regional team, a local authority, a
    PCN, a professional body, a regulator, an education provider, a charity, a provider outside the
    register. Funding partners and research engagements name one.

    Reference data, readable by everyone signed in; curators (researchers and admins) keep it.
    """

    trust_path = None
    change_rule = "curator"

    ICB = "icb"
    KIND_CHOICES = [
        (ICB, "Integrated care board (ICB)"),
        ("nhse_region", "NHS England regional team"),
        ("nhse", "NHS England (national)"),
        ("local_authority", "Local authority"),
        ("pcn", "Primary care network (PCN)"),
        ("professional_body", "Professional body"),
        ("regulator", "Regulator"),
        ("education", "Education provider"),
        ("charity", "Charity or voluntary organisation"),
        ("provider", "Provider outside the trust register"),
        ("other", "Other"),
    ]
    KIND_LABELS = dict(KIND_CHOICES)

    kind = models.CharField(
        max_length=20,
        choices=KIND_CHOICES,
        help_text="One of: " + ", ".join(f"{key} ({label})" for key, label in KIND_CHOICES) + ".",
    )
    name = models.CharField(max_length=200, help_text="The organisation's full name.")
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]{3,10}$", "An ODS code is 3 to 10 capital letters or digits.")],
        help_text="Its NHS ODS code, where it has one (ICBs, PCNs and NHS providers do).",
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        help_text="The NHS England region it sits in, where it sits in one.",
    )
    website = models.URLField(blank=True)
    source = models.TextField(blank=True, help_text="Where the code and name were seen.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~models.Q(ods_code=""), name="organisation_ods_code_unique"
            ),
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_name_unique_in_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_icb(self) -> bool:
        return self.kind == self.ICB

    def source_parts(self) -> list[str]:
        """The sources, one per item: the data files separate them with " ; "."""
        return [part.strip() for part in self.source.split(" ; ") if part.strip()]

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.ods_code = (self.ods_code or "").strip().upper()
        if self.kind == self.ICB and not self.ods_code:
            raise ValidationError({"ods_code": "An integrated care board has an ODS code: give it."})
