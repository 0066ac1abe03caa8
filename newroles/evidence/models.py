"""The research evidence: sources and their paragraphs, pseudonymous participants, the codebook, codings,
memos, local names for pseudonymisation, case studies and their measures, published quotes, and researchers'
own classifications of a deployment's skill-mix change.

Researchers and administrators only. No model here declares a `trust_path`: the trust filters of the access
policy refuse them, and who reads them is decided in one place, `policy.reads_evidence` (every view, export
and command asks it first). Their change rule is "researcher".

No person's name is stored: participants are codes (J1, G1, 2-F). Change records hold ids, never text: every
field holding transcript or memo text is in `audit_exclude`, and `__str__` never shows text (the change record
keeps it as the row's name).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from newroles.mapping.models import PHASE_CHOICES

PARTICIPANT_CODE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9&\-]{0,19}$",
    "A participant code is letters, digits, '&' or '-' (e.g. J1, G1, 2-F, H1&2), never a name.",
)
CODE_KEY = RegexValidator(
    r"^[a-z0-9][a-z0-9_.\-]{0,79}$",
    "A code's key is lower-case letters, digits, '_', '-' and '.' (e.g. kinds.delegation).",
)
COLOUR = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "A colour is # and six hexadecimal digits, e.g. #005EB8.")


class ResearchModel(models.Model):
    """What every evidence model shares: researchers change it; nobody else reads it."""

    change_rule = "researcher"
    research_only = True

    class Meta:
        abstract = True


class Participant(ResearchModel):
    """One participant of the study, known only by a code. No name is stored anywhere."""

    GIVEN, WITHDRAWN, PENDING = "given", "withdrawn", "pending"
    CONSENT_CHOICES = [(GIVEN, "Consent given"), (PENDING, "Consent not yet recorded"), (WITHDRAWN, "Withdrawn")]
    POST_CHOICES = [
        ("hr_lead", "Head of HR or workforce lead"),
        ("professional_lead", "Professional lead"),
        ("trust_leadership", "Trust leadership"),
        ("policymaker", "Policymaker"),
        ("manager", "Team or clinical manager"),
        ("new_role", "Member of staff in a new role"),
        ("team_member", "Other member of the team"),
        ("service_user", "Service user or carer"),
        ("other_body", "Representative of another body"),
        ("other", "Other"),
    ]
    ORGANISATION_KINDS = [
        ("trust", "Mental health trust"),
        ("national", "National body"),
        ("regional", "Regional body"),
        ("provider", "Provider outside the trust register"),
        ("other", "Other organisation"),
    ]

    code = models.CharField(max_length=20, unique=True, validators=[PARTICIPANT_CODE], help_text="e.g. J1, G1, 2-F.")
    post_category = models.CharField(max_length=20, choices=POST_CHOICES)
    organisation_kind = models.CharField(max_length=10, choices=ORGANISATION_KINDS)
    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The participant's trust, where they work in one.",
    )  # fmt: skip
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Their organisation, when it is not a trust in the register.",
    )  # fmt: skip
    consent_status = models.CharField(max_length=10, choices=CONSENT_CHOICES, default=PENDING)
    consent_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not the study's.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"Participant {self.code}"

    def clean(self) -> None:
        if self.consent_status != self.PENDING and self.consent_date is None:
            raise ValidationError({"consent_date": "Give the date consent was given or withdrawn."})


class Source(ResearchModel):
    """One piece of material: an interview, reflection group, questionnaire, case-study observation or document.

    Its text is held as paragraphs (speaker turns), already pseudonymised when it was stored.
    """

    KIND_CHOICES = [
        ("interview", "Interview"),
        ("reflection_group", "Reflection group"),
        ("questionnaire", "Questionnaire"),
        ("observation", "Case-study observation"),
        ("document", "Document"),
    ]

    title = models.CharField(max_length=200, help_text="A pseudonymous label, e.g. 'Interview, Trust J1'.")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    phase = models.CharField(max_length=30, choices=PHASE_CHOICES)
    date = models.DateField(null=True, blank=True)
    engagement = models.ForeignKey(
        "mapping.Engagement", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    case_study = models.ForeignKey(
        "CaseStudy", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    participants = models.ManyToManyField(Participant, blank=True, related_name="sources")
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not the study's.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phase", "date", "title"]

    def __str__(self) -> str:
        return f"Source {self.pk}"


class Paragraph(ResearchModel):
    """One speaker turn (or paragraph) of a source: the unit coded and compared between coders."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="paragraphs")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=40, blank=True, help_text="A participant code or a role, e.g. 'Researcher'.")
    text = models.TextField()
    audit_exclude = ("text",)

    class Meta:
        ordering = ["source", "index"]
        constraints = [models.UniqueConstraint(fields=["source", "index"], name="evidence_paragraph_unique_index")]

    def __str__(self) -> str:
        return f"Paragraph {self.index} of source {self.source_id}"


class Codebook(ResearchModel):
    """One version of the codebook. A new version copies the codes of the last; codings keep their codes."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Codebook version {self.version}"


class Code(ResearchModel):
    """A code of a codebook version, perhaps under a parent; a heading only when not codable."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    key = models.CharField(
        max_length=80, validators=[CODE_KEY], help_text="Stable within the codebook, e.g. reasons.staff_shortages."
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#005EB8", validators=[COLOUR])
    is_codable = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    guid = models.CharField(max_length=36, blank=True, help_text="Its identifier in an exchanged REFI-QDA project.")

    class Meta:
        ordering = ["codebook", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["codebook", "key"], name="evidence_code_unique_key")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent.codebook_id != self.codebook_id:
            raise ValidationError({"parent": "A code's parent must be in the same codebook version."})
        if self.parent_id is not None and self.pk is not None:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": "A code cannot sit under itself."})
                ancestor = ancestor.parent


class Segment(ResearchModel):
    """A span of one paragraph, coded by one coder with one or more codes. The text is read from the paragraph."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="segments")
    start = models.PositiveIntegerField(help_text="Offset of the first character, counted in Unicode characters.")
    end = models.PositiveIntegerField(help_text="Offset just after the last character.")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    codes = models.ManyToManyField(Code, related_name="segments")
    summary = models.CharField(max_length=300, blank=True, help_text="The coder's summary, for the framework matrix.")
    created_at = models.DateTimeField(auto_now_add=True)
    audit_exclude = ("summary",)

    class Meta:
        ordering = ["paragraph__source", "paragraph__index", "start"]

    def __str__(self) -> str:
        return f"Segment {self.pk}"

    def clean(self) -> None:
        if self.end <= self.start:
            raise ValidationError({"end": "The end must come after the start."})
        if self.paragraph_id is not None and self.end > len(self.paragraph.text):
            raise ValidationError(
                {"end": f"The paragraph has {len(self.paragraph.text)} characters; the end is beyond it."}
            )

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]

    @property
    def source(self) -> Source:
        return self.paragraph.source


class Memo(ResearchModel):
    """A researcher's note on a source, a code or a segment (exactly one)."""

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    code = models.ForeignKey(Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    segment = models.ForeignKey(Segment, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    audit_exclude = ("text",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Memo {self.pk}"

    def clean(self) -> None:
        if sum(x is not None for x in (self.source_id, self.code_id, self.segment_id)) != 1:
            raise ValidationError("A memo is on exactly one source, code or segment.")


class LocalName(ResearchModel):
    """A local name (ward, site, town, service) the pseudonymisation replaces with its bracketed label.

    The name itself is identifying, so its value is left out of the change record (the id and kind remain).
    """

    KIND_CHOICES = [("ward", "Ward"), ("site", "Site"), ("town", "Town"), ("service", "Service"), ("person", "Person")]
    LABELS = {"ward": "[WARD]", "site": "[SITE]", "town": "[PLACE]", "service": "[SERVICE]", "person": "[NAME]"}

    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    name = models.CharField(max_length=200, unique=True)
    audit_exclude = ("name",)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"Local name {self.pk}"


class CaseStudy(ResearchModel):
    """A phase 3 case study: a team at a site, the new role studied, the period, and the measures it collects."""

    STATUS_CHOICES = [("planned", "Planned"), ("active", "Under way"), ("complete", "Complete")]

    site_trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The site, when it is a trust in the register.",
    )  # fmt: skip
    site_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The site, when it is a provider outside the register.",
    )  # fmt: skip
    team = models.CharField(max_length=200, help_text="The team studied, as the study names it.")
    role = models.ForeignKey("roles.Role", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="planned")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["period_start", "team"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return f"Case study {self.pk}"

    def clean(self) -> None:
        if (self.site_trust_id is None) == (self.site_organisation_id is None):
            raise ValidationError("Give the site as either a trust in the register or an organisation outside it.")
        if self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period must end after it starts."})

    @property
    def site_name(self) -> str:
        site = self.site_trust or self.site_organisation
        return site.name if site else ""


class Measure(ResearchModel):
    """A measure a case study collects: of staff experience or of patient and service-user care."""

    KIND_CHOICES = [("staff_experience", "Staff experience"), ("care", "Patient and service-user care")]

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["case_study", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class MeasureValue(ResearchModel):
    """One value of a measure at one date."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["measure", "date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="evidence_measure_value_date")]

    def __str__(self) -> str:
        return f"{self.measure_id} on {self.date}"


class Quote(ResearchModel):
    """A segment chosen as a quote, with its attribution code; it leaves the research team only once published."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="quotes")
    attribution = models.CharField(max_length=60, help_text="e.g. [Trust J1] or [Reflection Group Participant 2-F].")
    theme = models.ForeignKey(Code, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    role = models.ForeignKey("roles.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    readiness_item = models.CharField(max_length=60, blank=True, help_text="A readiness factor's key it illustrates.")
    published = models.BooleanField(default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "pk"]

    def __str__(self) -> str:
        return f"Quote {self.pk}"

    def clean(self) -> None:
        if not (self.attribution.startswith("[") and self.attribution.endswith("]")):
            raise ValidationError({"attribution": "Write the attribution in brackets, e.g. [Trust J1]."})

    @property
    def text(self) -> str:
        return self.segment.text


class Classification(ResearchModel):
    """A researcher's own classification of a deployment's skill-mix change, beside the rule's."""

    deployment = models.ForeignKey("mapping.Deployment", on_delete=models.CASCADE, related_name="+")
    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(default=list, blank=True, help_text="Kinds of skill-mix change, by key.")
    reasons = models.JSONField(default=list, blank=True, help_text="Reasons, by key.")
    segments = models.ManyToManyField(Segment, blank=True, related_name="classifications")
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at", "note")

    class Meta:
        ordering = ["deployment", "researcher"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "researcher"], name="evidence_one_classification_each")
        ]

    def __str__(self) -> str:
        return f"Classification {self.pk}"

    def clean(self) -> None:
        from newroles.mapping.models import REASON_KEYS
        from newroles.skillmix.typology import KINDS

        for field, allowed in (("kinds", KINDS), ("reasons", REASON_KEYS)):
            unknown = [v for v in getattr(self, field) or [] if v not in allowed]
            if unknown:
                raise ValidationError({field: f"Unknown: {', '.join(map(str, unknown))}."})
