"""The role catalogue (roles, aliases, codes), role packs and shared documents."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newroles.lib.bands import BAND_CHOICES, band_index
from newroles.lib.levels import LEVEL_CHOICES
from newroles.organisations.models import SERVICE_TYPES

STAFF_GROUPS = [
    "HCHS doctors",
    "Nurses & health visitors",
    "Midwives",
    "Ambulance staff",
    "Scientific, therapeutic & technical staff",
    "Support to doctors, nurses & midwives",
    "Support to ambulance staff",
    "Support to ST&T staff",
    "NHS infrastructure support",
    "Other staff or those with unknown classification",
]
STAFF_GROUP_CHOICES = [(g, g) for g in STAFF_GROUPS]

NEW_ROLE = "new_role"
NEW_TITLE = "new_title"
EXTENDED_ROLE = "extended_role"
ESTABLISHED = "established"
NEWNESS_CHOICES = [
    (NEW_ROLE, "New role"),
    (NEW_TITLE, "New title for an existing role"),
    (EXTENDED_ROLE, "Extended role"),
    (ESTABLISHED, "Established role"),
]
REGULATOR_CHOICES = [
    ("nmc", "Nursing and Midwifery Council (NMC)"),
    ("gmc", "General Medical Council (GMC)"),
    ("hcpc", "Health and Care Professions Council (HCPC)"),
    ("swe", "Social Work England"),
    ("gphc", "General Pharmaceutical Council (GPhC)"),
    ("accredited_register", "An accredited register (Professional Standards Authority)"),
    ("none", "Not regulated"),
]
REGISTRATION_CHOICES = [
    ("statutory", "Statutory registration"),
    ("voluntary", "Voluntary (accredited register)"),
    ("none", "No registration"),
]
ENTRY_ROUTES = [
    ("degree", "Degree"),
    ("apprenticeship", "Apprenticeship"),
    ("in_service", "In-service training"),
    ("trainee_post", "Trainee post"),
    ("postgraduate", "Postgraduate course"),
]
TEAM_TYPES = SERVICE_TYPES

# The fields a curator edits, in the order forms, exports and imports show them.
ROLE_EDITABLE_FIELDS = (
    "name", "staff_group", "newness", "newness_reason", "first_year", "regulator", "registration",
    "regulation_note", "medical", "band_min", "band_max", "entry_routes", "training_note", "supervisor",
    "supervision_frequency", "supervision_hours_per_wte", "supervises_others", "lead_time_months",
    "recruit_months", "recruit_source", "qualify_months", "qualify_source", "typical_teams", "case_study",
    "pen_what", "pen_why", "pen_challenges", "as_of",
)  # fmt: skip

slug_validator = RegexValidator(r"^[a-z0-9_]+$", "Use lower-case letters, digits and underscores only.")


class Role(models.Model):
    """A canonical role in the national catalogue, with a stable slug.

    Reference data curated nationally (researchers and administrators); every trust reads it.
    """

    trust_path = None
    change_rule = "curator"

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator], help_text="Stable id.")
    name = models.CharField(max_length=120, unique=True, help_text="Display name, e.g. 'Nursing associate'.")
    staff_group = models.CharField(
        max_length=60, choices=STAFF_GROUP_CHOICES, help_text="One of the ten NHS Workforce Statistics staff groups."
    )
    newness = models.CharField(
        max_length=20,
        choices=NEWNESS_CHOICES,
        help_text="new_role, new_title (a new title for an existing role), extended_role or established.",
    )
    newness_reason = models.TextField(blank=True, help_text="Why the role is counted as new (or not).")
    first_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year first seen in NHS mental health services in England.",
    )
    regulator = models.CharField(max_length=30, choices=REGULATOR_CHOICES, default="none")
    registration = models.CharField(max_length=20, choices=REGISTRATION_CHOICES, default="none")
    regulation_note = models.TextField(blank=True)
    medical = models.BooleanField(default=False, help_text="Doctors only: paid on medical terms, not a band.")
    band_min = models.CharField(max_length=3, choices=BAND_CHOICES, blank=True, help_text="Lowest AfC band.")
    band_max = models.CharField(max_length=3, choices=BAND_CHOICES, blank=True, help_text="Highest AfC band.")
    entry_routes = models.JSONField(default=list, blank=True, help_text="Any of: degree, apprenticeship, ...")
    training_note = models.TextField(blank=True)
    supervisor = models.CharField(max_length=300, blank=True, help_text="Who supervises the role.")
    supervision_frequency = models.CharField(max_length=300, blank=True)
    supervision_hours_per_wte = models.DecimalField(
        "supervision hours a week per WTE",
        max_digits=4,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="Supervision a 1.0 WTE post needs each week; drives the supervision-capacity check.",
    )
    supervises_others = models.BooleanField(default=False, help_text="Posts of this role can supervise others.")
    lead_time_months = models.PositiveSmallIntegerField(
        default=0, help_text="Recommended planning time before the first post starts."
    )
    # Forewarning splits the lead time in two, because a trust that can recruit trained post-holders
    # plans differently from one that must train its own. Empty means not known: never a guess.
    recruit_months = models.PositiveSmallIntegerField(
        "months to recruit a trained post-holder",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="From approval of the post to a trained post-holder starting; empty when not known.",
    )
    recruit_source = models.TextField(
        "source of the recruitment time", blank=True, help_text="Where the figure comes from."
    )
    qualify_months = models.PositiveSmallIntegerField(
        "months from trainee start to qualified in post",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="Length of the training route to a qualified post-holder; empty when not known.",
    )
    qualify_source = models.TextField(
        "source of the training time", blank=True, help_text="Where the figure comes from."
    )
    typical_teams = models.JSONField(default=list, blank=True, help_text="Service types where the role works.")
    case_study = models.BooleanField(default=False, help_text="Followed by the study's phase 3 case studies.")
    pen_what = models.TextField("what the role is", blank=True)
    pen_why = models.TextField("why trusts bring it in", blank=True)
    pen_challenges = models.TextField("challenges in introducing it", blank=True)
    as_of = models.CharField(max_length=20, blank=True, help_text="When the content was last checked.")
    # Facts the skill-mix typology reads, from roles/data/typology.json (see roles/typology_facts.py): the
    # level decides delegation against horizontal substitution; new_practice is the innovation question's
    # usual answer (lived experience, say); new_title_of lists [{"role", "bands", "reason", "source"}].
    level = models.CharField("level of training and expertise", max_length=30, choices=LEVEL_CHOICES, blank=True)
    level_reason = models.TextField("why the role is at this level", blank=True)
    level_source = models.TextField("source of the level", blank=True)
    new_practice = models.BooleanField("brings practice new to most teams", default=False)
    new_practice_reason = models.TextField("why the practice is (or is not) new to most teams", blank=True)
    new_practice_source = models.TextField("source of the new-practice answer", blank=True)
    new_title_of = models.JSONField("posts this role is a new title for", default=list, blank=True)
    curated = models.BooleanField(
        default=False, help_text="Edited in the app; the reference loader then leaves the row as curators left it."
    )
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("roles:role", args=[self.slug])

    def clean(self) -> None:
        if self.medical and (self.band_min or self.band_max):
            raise ValidationError("A medical role is not paid on an Agenda for Change band: leave the bands empty.")
        if self.band_min and self.band_max and band_index(self.band_min) > band_index(self.band_max):
            raise ValidationError({"band_max": "The highest band must not be below the lowest band."})
        routes = {key for key, _ in ENTRY_ROUTES}
        if not isinstance(self.entry_routes, list) or not set(self.entry_routes) <= routes:
            raise ValidationError({"entry_routes": f"Use any of: {', '.join(sorted(routes))}."})
        teams = {key for key, _ in TEAM_TYPES}
        if not isinstance(self.typical_teams, list) or not set(self.typical_teams) <= teams:
            raise ValidationError({"typical_teams": f"Use any of: {', '.join(sorted(teams))}."})

    @property
    def band_range(self) -> str:
        if self.medical:
            return "Medical pay scales"
        if not self.band_min:
            return "Not set"
        return f"Band {self.band_min}" if self.band_min == self.band_max else f"Bands {self.band_min}–{self.band_max}"

    @property
    def is_new(self) -> bool:
        return self.newness != ESTABLISHED

    def entry_route_labels(self) -> list[str]:
        labels = dict(ENTRY_ROUTES)
        return [labels.get(r, r) for r in self.entry_routes]

    def typical_team_labels(self) -> list[str]:
        labels = dict(TEAM_TYPES)
        return [labels.get(t, t) for t in self.typical_teams]


class RoleAlias(models.Model):
    """A title variant that means a role: national (no trust) or learnt for one trust."""

    APPROVED = "approved"
    PROPOSED = "proposed"
    STATUS_CHOICES = [(APPROVED, "Approved"), (PROPOSED, "Proposed")]
    KIND_CHOICES = [
        ("abbreviation", "Abbreviation"),
        ("variant", "Title variant"),
        ("former_title", "Former title"),
        ("trainee", "Trainee title"),
    ]
    trust_path = "trust"
    change_rule = "alias"
    shared_when = [{"trust__isnull": True}]

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="aliases", help_text="Role slug.")
    title = models.CharField(max_length=200, help_text="The title as written, e.g. 'PSW'.")
    normalised = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="variant")
    in_training = models.BooleanField(default=False, help_text="yes when the title means a trainee.")
    source = models.CharField(max_length=100, blank=True, help_text="Where the alias came from.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=APPROVED)
    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="role_aliases"
    )

    class Meta:
        ordering = ["role__name", "title"]
        verbose_name_plural = "role aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["normalised"], condition=Q(trust__isnull=True), name="national_alias_unique"
            ),
            models.UniqueConstraint(fields=["normalised", "trust"], name="trust_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.role_id and self.role.name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.normalised = normalise_title(self.title)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.normalised = normalise_title(self.title)
        if not self.normalised:
            raise ValidationError({"title": "A title needs letters or digits."})


def normalise_title(title: str) -> str:
    """Lower case, single spaces, letters and digits only: the form aliases are matched on."""
    import re

    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


class OccupationCode(models.Model):
    """An NHS occupation code from the NHS Occupation Code Manual (NHS England, OGL v3.0)."""

    trust_path = None
    change_rule = "admin"  # the NHS Occupation Code Manual: reference data

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=200)
    main_staff_group = models.CharField(max_length=100)
    broad_staff_group = models.CharField(max_length=100)
    detailed_staff_group = models.CharField(max_length=100)
    level = models.CharField(max_length=100)
    care_setting = models.CharField(max_length=100)
    is_valid = models.BooleanField(default=True, help_text="Currently valid in manual v22.1.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoleCode(models.Model):
    """A code in a staff-record or smartcard system that points at a role."""

    OCCUPATION = "occupation_code"
    NWD_JOB_ROLE = "nwd_job_role"
    SDS_JOB_ROLE = "sds_job_role"
    SYSTEM_CHOICES = [
        (OCCUPATION, "NHS occupation code"),
        (NWD_JOB_ROLE, "NWD / ESR job role"),
        (SDS_JOB_ROLE, "Smartcard (SDS) job role"),
    ]
    trust_path = None
    change_rule = "curator"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="codes", help_text="Role slug.")
    system = models.CharField(max_length=20, choices=SYSTEM_CHOICES, help_text="occupation_code, nwd_job_role, ...")
    code = models.CharField(max_length=100, help_text="The code (or ESR job role name).")
    label = models.CharField(max_length=200, blank=True)
    in_training = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["system", "code"]
        constraints = [models.UniqueConstraint(fields=["system", "code", "role"], name="role_code_unique")]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.code}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": "The end date must not be before the start date."})
        if self.system == self.OCCUPATION and not OccupationCode.objects.filter(code=self.code).exists():
            raise ValidationError({"code": f"'{self.code}' is not in the NHS Occupation Code Manual."})


# Role packs ---------------------------------------------------------------------------------------

PACK_COMPONENTS = [
    ("job_description", "Job description"),
    ("person_specification", "Person specification"),
    ("competency_framework", "Competency framework"),
    ("sops", "Standard operating procedures"),
    ("career_pathway", "Career pathway"),
    ("pay_and_banding", "Pay and banding"),
    ("governance_and_regulation", "Governance and regulation"),
    ("supervision_model", "Supervision model"),
    ("training_and_education", "Training and education"),
    ("recruitment", "Recruitment"),
    ("evaluation_evidence", "Evaluation evidence"),
]
# A pack whose file or copy names no review date is checked against its sources a year after it is made:
# the regulation, curricula and funding rules it rests on change about yearly.
PACK_REVIEW_MONTHS = 12


def default_review_by(today: date | None = None) -> date:
    """PACK_REVIEW_MONTHS after today (the month's last day when that day does not exist, as 29 February)."""
    today = today or timezone.localdate()
    months = today.month - 1 + PACK_REVIEW_MONTHS
    year, month = today.year + months // 12, months % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


class RolePack(models.Model):
    """The off-the-shelf package for a role: national (no trust) or a trust's adopted copy.

    National packs are versioned: publishing a change makes a new version and keeps the old one.
    A trust's copy records the national pack and version it was adopted from.
    """

    DRAFT = "draft"
    PUBLISHED = "published"
    STATUS_CHOICES = [(DRAFT, "Draft"), (PUBLISHED, "Published")]
    trust_path = "trust"
    change_rule = "trust_editor_or_curator"
    shared_when = [{"trust__isnull": True}]
    shared_field = "is_shared"

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="packs")
    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="role_packs"
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    as_of = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    is_current = models.BooleanField(default=True, help_text="The latest version of this pack.")
    is_shared = models.BooleanField(default=False, help_text="A trust's copy shared with everyone signed in.")
    adopted_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="adoptions")
    adopted_version = models.PositiveIntegerField(null=True, blank=True)
    review_by = models.DateField(
        "review by",
        default=default_review_by,
        help_text="When the content is next due to be checked against its sources.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["role__name", "trust__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "version"], condition=Q(trust__isnull=True), name="national_pack_version_unique"
            )
        ]

    def __str__(self) -> str:
        owner = self.trust.name if self.trust_id else "national"
        return f"{self.title} (v{self.version}, {owner})"

    def get_absolute_url(self) -> str:
        return reverse("roles:pack", args=[self.pk])

    @property
    def is_national(self) -> bool:
        return self.trust_id is None

    def review_overdue(self, today: date | None = None) -> bool:
        """Whether the review date has passed (today counts as still in time)."""
        return self.review_by < (today or timezone.localdate())


class PackReviewFlag(models.Model):
    """A reason to review a role's national pack before its review date, such as a change of regulation or
    national guidance. Open until a curator records a review of the pack; the pack page shows the reason.

    Kept by role rather than by pack version, so a flag raised on one version stays open on the next.
    """

    trust_path = None
    change_rule = "curator"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="review_flags")
    reason = models.TextField(help_text="What changed and why the pack needs checking, in plain English.")
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a curator recorded a review of the pack; empty while open."
    )

    class Meta:
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return f"Review of the {self.role} pack: {self.reason[:60]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class PackComponent(models.Model):
    """One component of a pack: Markdown text (sanitised on render), optional structured data."""

    trust_path = "pack__trust"
    change_rule = "trust_editor_or_curator"
    shared_when = [{"pack__trust__isnull": True}, {"pack__is_shared": True}]

    pack = models.ForeignKey(RolePack, on_delete=models.CASCADE, related_name="components")
    key = models.CharField(max_length=40, choices=PACK_COMPONENTS)
    text = models.TextField(blank=True, help_text="Markdown.")
    data = models.JSONField(default=dict, blank=True, help_text="Career pathway steps, job profile.")
    not_yet_written = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pack", "key"], name="one_component_per_key")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} – {self.pack}"

    @property
    def order(self) -> int:
        return [k for k, _ in PACK_COMPONENTS].index(self.key)


# Shared documents ---------------------------------------------------------------------------------

DOCUMENT_TYPES = [
    ("job_description", "Job description"),
    ("person_specification", "Person specification"),
    ("competency_framework", "Competency framework"),
    ("sop", "Standard operating procedure"),
    ("training_agreement", "Training agreement"),
    ("policy", "Policy"),
    ("role_evaluation", "Role evaluation"),
    ("business_case", "Business case"),
    ("other", "Other"),
]


class SharedDocument(models.Model):
    """A document a trust owns (job description, training agreement, evaluation...) and may share.

    Sharing levels: private to the trust, every signed-in user, or public (also without signing in).
    National documents (no trust) belong to national packs and are never private.
    """

    PRIVATE = "private"
    SIGNED_IN = "signed_in"
    PUBLIC = "public"
    SHARING_CHOICES = [
        (PRIVATE, "Private to the trust"),
        (SIGNED_IN, "Everyone signed in"),
        (PUBLIC, "Public"),
    ]
    trust_path = "trust"
    change_rule = "document"
    shared_when = [{"sharing__in": ["signed_in", "public"]}]

    trust = models.ForeignKey(
        "organisations.Trust",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        help_text="The owning trust; empty for a national document curated with a national pack.",
    )
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    pack = models.ForeignKey(RolePack, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    title = models.CharField(max_length=200)
    doc_type = models.CharField("type", max_length=30, choices=DOCUMENT_TYPES)
    sharing = models.CharField(max_length=10, choices=SHARING_CHOICES, default=PRIVATE)
    reuse_note = models.TextField(
        "permission to reuse", blank=True, help_text="What others may do with it, e.g. 'adapt freely, credit us'."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roles:document", args=[self.pk])

    def clean(self) -> None:
        if self.trust_id is None and self.sharing == self.PRIVATE:
            raise ValidationError({"sharing": "A national document cannot be private: share it with everyone."})

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    """One uploaded file of a document; files live outside the web root, named by their SHA-256."""

    trust_path = "document__trust"
    change_rule = "trust_editor_or_curator"
    shared_when = [{"document__sharing__in": ["signed_in", "public"]}]

    document = models.ForeignKey(SharedDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True, help_text="Extracted text, for search.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    audit_exclude = ("text",)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"


class SearchEntry(models.Model):
    """A denormalised search row per role, pack component or document, kept current by the services.

    Carries the owner trust and sharing so search filters by the same policy as every list.
    """

    trust_path = "trust"
    change_rule = "system"  # derived data: the services reindex as the system
    shared_when = [{"is_shared": True}]

    kind = models.CharField(max_length=20)  # role, pack, document
    object_id = models.PositiveIntegerField()
    trust = models.ForeignKey("organisations.Trust", null=True, blank=True, on_delete=models.CASCADE)
    is_shared = models.BooleanField(default=True)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    text = models.TextField(help_text="Lower-cased searchable text.")
    audit_exclude = ("text",)  # derived from the rows it indexes, whose own records show the text

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
