"""The national map of new roles: deployments (a role at a trust), the mapping exercise's engagements, and
notices from national and regional curators to the trusts that deploy a role or sit in a region."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from newroles.roles.models import normalise_title
from newroles.skillmix.typology import KIND_LABELS, KINDS

# The reasons the study heard for bringing a role in, in the briefing's order (staff shortages first).
STAFF_SHORTAGES = "staff_shortages"
OTHER_REASON = "other"
REASON_CHOICES = [
    (STAFF_SHORTAGES, "Staff shortages"),
    ("diversify_workforce", "Bringing in people new to care, younger people and a more diverse workforce"),
    ("career_pathways", "Career pathways and growing our own workforce"),
    ("physical_health", "Improving the physical healthcare offer"),
    ("support_professionals", "Supporting other healthcare professionals"),
    ("waiting_lists", "Helping with waiting lists"),
    ("new_skills", "Bringing new skills, such as recovery, lived experience or psychologically informed care"),
    (OTHER_REASON, "Other"),
]
REASON_LABELS = dict(REASON_CHOICES)
# Short forms for chart axes; pages give the full wording in the table beside the chart.
REASON_SHORT = {
    STAFF_SHORTAGES: "Staff shortages",
    "diversify_workforce": "A more diverse workforce",
    "career_pathways": "Career pathways",
    "physical_health": "Physical healthcare",
    "support_professionals": "Supporting other professionals",
    "waiting_lists": "Waiting lists",
    "new_skills": "New skills",
    OTHER_REASON: "Other",
}
REASON_KEYS = tuple(REASON_LABELS)

KIND_CHOICES = [(k, KIND_LABELS[k]) for k in KINDS]

STATUS_CHOICES = [
    ("planned", "Planned"),
    ("pilot", "Pilot"),
    ("active", "Active"),
    ("paused", "Paused"),
    ("discontinued", "Discontinued"),
]
# Statuses in which a trust counts as deploying the role (planned has no post yet; discontinued has none left).
DEPLOYED_STATUSES = ("pilot", "active", "paused")

SOURCE_CHOICES = [
    ("interview", "Interview"),
    ("questionnaire", "Questionnaire"),
    ("staff_record", "Staff record (ESR)"),
    ("trust_entry", "The trust's own entry"),
]
STANCE_CHOICES = [
    ("defensive", "Defensive: to protect existing provision"),
    ("proactive", "Proactive: to extend care and careers"),
]
NEW_ROLE = "new_role"
NEW_TITLE = "new_title"
NOT_NEW = "not_new"
TRUST_NEWNESS_CHOICES = [
    (NEW_ROLE, "A new role"),
    (NEW_TITLE, "A new title for an existing role"),
    (NOT_NEW, "Not new"),
]


def _check_keys(value: object, allowed: tuple[str, ...], field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: "Give a list of keys."})
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValidationError({field: f"Not known: {', '.join(unknown)}. Use any of: {', '.join(allowed)}."})
    if len(set(value)) != len(value):
        raise ValidationError({field: "Each may be given once."})


def ordered(keys: list[str], allowed: tuple[str, ...]) -> list[str]:
    """Keys in their canonical order, so equal sets are stored (and audited) identically."""
    return [k for k in allowed if k in set(keys)]


class Deployment(models.Model):
    """A role at a trust: its local title, the canonical role (empty while unresolved), how many, since
    when, in which teams, why, and the skill-mix change intended and seen.

    Everyone signed in reads deployments (the map is national); only the trust's editors change them.
    A local title that cannot be matched to a role is kept with `role` empty and listed for the trust to
    resolve: it is never dropped.
    """

    trust_path = "trust"
    change_rule = "trust_editor"
    shared_when = [{"pk__isnull": False}]  # every row is readable by everyone signed in
    # Fields hidden outside the trust when the count that governs them is small (`accounts.disclosure`):
    # the history shows the row before and after every change, so it must star what the page stars.
    disclosure_fields = {"headcount": "headcount", "wte": "headcount"}

    trust = models.ForeignKey(
        "organisations.Trust",
        on_delete=models.CASCADE,
        related_name="deployments",
        help_text="ODS code of the trust.",
    )
    local_title = models.CharField(
        max_length=200, help_text="The trust's own title for the role, as its staff use it, e.g. 'Peer Worker'."
    )
    title_normalised = models.CharField(max_length=200, db_index=True, editable=False)
    role = models.ForeignKey(
        "roles.Role",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
        help_text="The canonical role (slug); empty while the title is not yet matched.",
    )
    status = models.CharField(
        max_length=15,
        choices=STATUS_CHOICES,
        default="active",
        help_text="One of: " + ", ".join(k for k, _ in STATUS_CHOICES) + ".",
    )
    first_post_started = models.DateField(
        "first post started", null=True, blank=True, help_text="Date the first post started (YYYY-MM-DD)."
    )
    headcount = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100_000)], help_text="People in post."
    )
    wte = models.DecimalField(
        "WTE",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Whole-time equivalent in post.",
    )
    planned_start = models.DateField(
        "planned start",
        null=True,
        blank=True,
        help_text="When the first post is planned to start, for a role not yet in post.",
    )
    figures_as_of = models.DateField("figures as of", null=True, blank=True, help_text="Date the figures describe.")
    figures_source = models.CharField(
        "source of the figures",
        max_length=15,
        choices=SOURCE_CHOICES,
        blank=True,
        help_text="One of: " + ", ".join(k for k, _ in SOURCE_CHOICES) + ".",
    )
    teams = models.ManyToManyField(
        "organisations.Team", blank=True, related_name="deployments", help_text="Teams of the same trust."
    )
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Why the role was brought in, any of: " + ", ".join(REASON_KEYS) + ".",
    )
    reason_other = models.CharField(
        "other reason", max_length=300, blank=True, help_text="The reason, when 'other' is one of them."
    )
    stance = models.CharField(
        max_length=10, choices=STANCE_CHOICES, blank=True, help_text="defensive, proactive or blank."
    )
    trust_newness = models.CharField(
        "how new the trust sees it",
        max_length=10,
        choices=TRUST_NEWNESS_CHOICES,
        blank=True,
        help_text="new_role, new_title (a new title for an existing role), not_new or blank.",
    )
    intended_kinds = models.JSONField(
        "intended skill-mix change",
        default=list,
        blank=True,
        help_text="Kinds of skill-mix change intended, any of: " + ", ".join(KINDS) + ".",
    )
    intended_evidence = models.TextField(
        "evidence for the intended change", blank=True, help_text="Where the intention is written or was said."
    )
    actual_kinds = models.JSONField(
        "actual skill-mix change",
        default=list,
        blank=True,
        help_text="Kinds of skill-mix change seen in practice, any of: " + ", ".join(KINDS) + ".",
    )
    actual_evidence = models.TextField(
        "evidence for the actual change", blank=True, help_text="What shows how the role works in practice."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at", "title_normalised")

    class Meta:
        ordering = ["trust__name", "local_title"]
        constraints = [
            models.UniqueConstraint(
                Lower("local_title"), "trust", name="deployment_title_unique_in_trust",
                violation_error_message="The trust already has a deployment with this title.",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["role", "trust"])]

    def __str__(self) -> str:
        return f"{self.local_title} at {self.trust_id and self.trust.name}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:deployment", args=[self.pk])

    def clean(self) -> None:
        self.local_title = (self.local_title or "").strip()
        self.title_normalised = normalise_title(self.local_title)
        if not self.title_normalised:
            raise ValidationError({"local_title": "A title needs letters or digits."})
        _check_keys(self.reasons, REASON_KEYS, "reasons")
        _check_keys(self.intended_kinds, KINDS, "intended_kinds")
        _check_keys(self.actual_kinds, KINDS, "actual_kinds")
        self.reasons = ordered(self.reasons, REASON_KEYS)
        self.intended_kinds = ordered(self.intended_kinds, KINDS)
        self.actual_kinds = ordered(self.actual_kinds, KINDS)
        if self.reason_other.strip() and OTHER_REASON not in self.reasons:
            raise ValidationError({"reason_other": "Tick 'Other' among the reasons, or leave this empty."})
        if OTHER_REASON in self.reasons and not self.reason_other.strip():
            raise ValidationError({"reason_other": "Say what the other reason is."})
        if self.status == "planned" and self.headcount:
            raise ValidationError({"headcount": "A planned role has nobody in post yet: leave the headcount empty."})

    @property
    def is_unmapped(self) -> bool:
        return self.role_id is None

    @property
    def drifted(self) -> bool:
        """Both changes are recorded and what happens differs from what was intended."""
        return bool(self.intended_kinds and self.actual_kinds and set(self.intended_kinds) != set(self.actual_kinds))

    def reason_labels(self) -> list[str]:
        return [self.reason_other if r == OTHER_REASON else REASON_LABELS[r] for r in self.reasons]

    def intended_labels(self) -> list[str]:
        return [KIND_LABELS[k] for k in self.intended_kinds]

    def actual_labels(self) -> list[str]:
        return [KIND_LABELS[k] for k in self.actual_kinds]


def json_list_has(field: str, key: str) -> Q:
    """Rows whose JSON list `field` holds `key`.

    SQLite has no JSON containment lookup, so this matches the quoted key in the stored text, which is
    exact because every key is a plain identifier validated against a fixed list.
    """
    return Q(**{f"{field}__icontains": f'"{key}"'})


PHASE1_INTERVIEW = "phase1_interview"
QUESTIONNAIRE = "questionnaire"
PHASE_CHOICES = [
    (PHASE1_INTERVIEW, "Phase 1 interview"),
    (QUESTIONNAIRE, "Phase 1 questionnaire"),
    ("phase2_reflection_group", "Phase 2 reflection group"),
    ("phase3_case_study", "Phase 3 case study"),
]
PHASE1 = (PHASE1_INTERVIEW, QUESTIONNAIRE)
COMPLETED = "completed"
ENGAGEMENT_STATUS_CHOICES = [
    ("planned", "Planned"),
    (COMPLETED, "Completed"),
    ("declined", "Declined"),
    ("no_response", "No response"),
]


class Engagement(models.Model):
    """A contact with a trust, or with a body that is not a trust in the register (a national or regional body,
    a provider outside the register), in one phase of the study: the mapping exercise's own record.

    Which trusts took part is research information: only researchers and administrators read the rows
    (`services.engagements_for`); everyone else sees counts, such as the coverage table. The participant
    is recorded by post, never by name.
    """

    trust_path = "trust"  # for the audit trail; reading is decided by services.engagements_for
    change_rule = "researcher"

    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="engagements",
        help_text="ODS code. Leave empty for an engagement with another organisation.",
    )  # fmt: skip
    # Phase 2 reflection groups and phase 3 case studies also involve bodies outside the trust register.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="engagements",
        help_text="The organisation, when the engagement is not with a trust in the register.",
    )  # fmt: skip
    phase = models.CharField(
        max_length=30, choices=PHASE_CHOICES, help_text="One of: " + ", ".join(k for k, _ in PHASE_CHOICES) + "."
    )
    date = models.DateField(null=True, blank=True, help_text="When it took place or is planned (YYYY-MM-DD).")
    participant_post = models.CharField(
        "participant's post",
        max_length=150,
        blank=True,
        help_text="The participant's post, e.g. head of HR or professional lead. Never a name.",
    )
    status = models.CharField(
        max_length=15,
        choices=ENGAGEMENT_STATUS_CHOICES,
        default="planned",
        help_text="One of: " + ", ".join(k for k, _ in ENGAGEMENT_STATUS_CHOICES) + ".",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["trust__name", "phase", "date"]
        indexes = [models.Index(fields=["phase", "status"])]

    def __str__(self) -> str:
        party = self.trust if self.trust_id else self.organisation if self.organisation_id else None
        return f"{self.get_phase_display()} with {party.name if party else 'nobody'}"

    def clean(self) -> None:
        if (self.trust_id is None) == (self.organisation_id is None):
            raise ValidationError("Give either the trust or the other organisation the engagement was with.")
        if self.status == COMPLETED and self.date is None:
            raise ValidationError({"date": "Give the date a completed engagement took place."})


class Notice(models.Model):
    """A notice from national or regional curators to trusts: every active trust in a region, every active
    trust that deploys or plans a role, the trusts in a region that deploy or plan a role, or, with neither
    given, every active trust in the register.

    Curators (researchers and administrators) write it as a draft and send it; sending fixes the trusts it
    reached (`trusts`), whose members see it on their home page until they mark it read, and whose new
    roles leads it names as its addressees. A notice belongs to no one trust, so it declares no
    `trust_path`: the access policy's trust filters refuse it, and who reads a notice is decided in one
    place, `mapping.notices.visible_notices`.
    """

    change_rule = "curator"

    title = models.CharField(max_length=150, help_text="A short heading, as it will show on home pages.")
    body = models.TextField(
        help_text="Plain text, or Markdown for headings (##), lists (- item) and links ([text](https://...))."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "organisations.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        help_text="Send it to the trusts in this region; leave empty for every region.",
    )
    role = models.ForeignKey(
        "roles.Role",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        help_text="Send it to the trusts that deploy or plan this role; leave empty for any role.",
    )
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    trusts = models.ManyToManyField(
        "organisations.Trust", blank=True, related_name="notices", help_text="The trusts it reached when sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mapping:notice", args=[self.pk])

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def audience(self) -> str:
        """Who it is for, in words, e.g. "Trusts in London that deploy or plan the role nursing associate"."""
        role = f"the role {self.role.name.lower()}" if self.role_id else ""
        if self.region_id and role:
            return f"Trusts in {self.region.name} that deploy or plan {role}"
        if self.region_id:
            return f"Every trust in {self.region.name}"
        if role:
            return f"Every trust that deploys or plans {role}"
        return "Every trust in the register"


class NoticeRead(models.Model):
    """That one person has read a notice, so it leaves their home page. Their own row: only they write it."""

    change_rule = "owner"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="one_read_mark_per_user")]

    def __str__(self) -> str:
        return f"{self.notice_id} read by {self.user_id}"
