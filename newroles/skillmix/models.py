"""Team compositions (the posts of a team), the competencies a team needs, and scenarios of change.

A composition is a team's list of posts at a point in time: each post one person, or a vacancy. A scenario
is a list of changes to one composition (add posts, remove a post, convert a vacancy into other posts); the
metrics in ``metrics.py`` are computed for the composition as it is and as the scenario would leave it.

Compositions and scenarios belong to the team's trust and are private to it unless marked shared. A shared
scenario is visible beyond the trust only when its composition is shared too, because a scenario shows its
composition's posts. Sharing a composition does not share its team: beyond the trust a private team is named
only by its service type and trust (`accounts.disclosure.team_name`), since its own page is not found there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from newroles.accounts import disclosure
from newroles.lib.bands import BAND_CHOICES
from newroles.organisations.models import SERVICE_TYPES, Team
from newroles.roles.models import Role
from newroles.skillmix.metrics import DEFAULT_ON_COST, DEFAULT_SUPERVISOR_HOURS_PER_WTE, available_pay_years
from newroles.skillmix.typology import classify
from newroles.skillmix.typology_json import parse_shift

PAY_POINT_CHOICES = [
    ("top", "Top of the band"),
    ("mid", "Midpoint of the band"),
    ("bottom", "Entry point of the band"),
]
DEFAULT_PAY_YEAR = "2025/26"

OWN_DISCIPLINE_CHOICES = [
    ("none", "No change within its own discipline"),
    ("narrower", "Deeper expertise in a narrower area of its own discipline"),
    ("broader", "Broader tasks and responsibilities within its own discipline"),
]

# A post is one person, so its WTE is at most a little over full time (a doctor's job plan can exceed 10 PAs).
MAX_POST_WTE = Decimal("1.5")
MAX_POSTS_PER_CHANGE = 30


def _validate_competency_list(value: object, field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise ValidationError({field: "Give a list of competency names, each some text."})
    if any(len(c) > 200 for c in value):
        raise ValidationError({field: "Keep each competency name under 200 characters."})


def _validate_band_for_role(role: Role | None, band: str, field: str = "band") -> None:
    """A doctor has no Agenda for Change band; every other post needs one to be costed and compared."""
    if role is None:
        return
    if role.medical and band:
        raise ValidationError({field: f"{role.name} is a medical role, paid on medical terms: leave the band empty."})
    if not role.medical and not band:
        raise ValidationError({field: f"Choose the Agenda for Change band of the {role.name} post."})


def format_wte(wte: Decimal | float | None) -> str:
    """A WTE as people write it: 1.0, 0.6, 0.75."""
    if wte is None:
        return "?"
    text = f"{Decimal(str(wte)):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def describe_post(role: str, band: str, wte: Decimal | float | None, title: str = "", filled: bool = True) -> str:
    """'1.0 WTE band 6 Mental health nurse (Care coordinator), vacant'."""
    band_text = f"band {band} " if band else ""
    title_text = f" ({title})" if title else ""
    return f"{format_wte(wte)} WTE {band_text}{role}{title_text}{'' if filled else ', vacant'}"


class CompetencyRequirement(models.Model):
    """The competencies a team needs between its staff: a national default for a service type, or a team's own.

    National defaults (no team) are illustrative starting points loaded from ``skillmix/data/competencies.json``
    and changed by administrators only; a trust's editors set their own team's list, which then replaces the
    default for that team.
    """

    trust_path = "team__trust"
    change_rule = "trust_editor"
    shared_when = [{"team__isnull": True}]

    team = models.OneToOneField(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="competency_requirement",
        help_text="The team whose own list this is; empty for a service type's national default.",
    )
    service_type = models.CharField(
        max_length=30,
        choices=SERVICE_TYPES,
        blank=True,
        help_text="The service type a national default applies to; empty for a team's own list.",
    )
    competencies = models.JSONField(default=list, blank=True, help_text="Competency names, in order.")
    note = models.TextField(blank=True, help_text="Where the list comes from.")
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["service_type", "team__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=True) & ~Q(service_type="")) | (Q(team__isnull=False) & Q(service_type="")),
                name="competency_requirement_team_or_service_type",
            ),
            models.UniqueConstraint(
                fields=["service_type"], condition=Q(team__isnull=True), name="competency_default_per_service_type"
            ),
        ]

    def __str__(self) -> str:
        if self.team_id:
            return f"Required competencies: {self.team}"
        return f"Required competencies: {self.get_service_type_display()} (default)"

    def clean(self) -> None:
        _validate_competency_list(self.competencies, "competencies")
        self.competencies = list(dict.fromkeys(c.strip() for c in self.competencies))


class Composition(models.Model):
    """A team's posts at a point in time, with the pay and supervision assumptions its metrics use.

    A shared composition travels without its team's name when the team is private: other trusts see the
    team's service type and trust instead (`name_for`), on every page, list, comparison, export and history.
    """

    trust_path = "team__trust"
    change_rule = "trust_editor"
    shared_field = "is_shared"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="compositions", help_text="The team.")
    name = models.CharField(
        max_length=150,
        default="Current establishment",
        help_text="A name that tells this composition apart, e.g. 'Establishment April 2026'.",
    )
    as_of = models.DateField("as of", null=True, blank=True, help_text="The date the posts describe.")
    description = models.TextField(blank=True, help_text="Where the figures come from, in a sentence or two.")
    pay_year = models.CharField(
        max_length=7, default=DEFAULT_PAY_YEAR, help_text="Agenda for Change pay year used for costs, e.g. 2025/26."
    )
    pay_point = models.CharField(
        max_length=6,
        choices=PAY_POINT_CHOICES,
        default="top",
        help_text="Where in each band a post is costed. Planners usually budget at the top of the band.",
    )
    on_cost_percent = models.DecimalField(
        "employer on-costs (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(str(DEFAULT_ON_COST)) * 100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Employer National Insurance, pension and levy as a percentage of basic pay. 28 is a rough "
        "national figure; use your trust's own.",
    )
    supervisor_hours_per_wte = models.DecimalField(
        "supervision hours each supervisor gives a week",
        max_digits=4,
        decimal_places=2,
        default=Decimal(str(DEFAULT_SUPERVISOR_HOURS_PER_WTE)),
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="Hours of supervision a week that one whole-time supervising post can give to others "
        "alongside its own work.",
    )
    medical_salary = models.DecimalField(
        "medical pay (£ a year for 1.0 WTE)",
        max_digits=9,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Basic pay of a full-time doctor in the team. Doctors are not on Agenda for Change; without "
        "this figure medical posts are left out of the costs.",
    )
    is_shared = models.BooleanField(
        "shared beyond the trust",
        default=False,
        help_text="yes lets every signed-in user see this composition and its posts. Other trusts see a private "
        "team's service type and trust, not its name (e.g. 'Inpatient team at …'); share the team to show its name.",
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The composition this one was copied from, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["team__trust__name", "team__name", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="composition_name_unique_in_team")]

    def __str__(self) -> str:
        return f"{self.team.name}: {self.name}" if self.team_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("skillmix:composition", args=[self.pk])

    def name_for(self, user: Any) -> str:
        """The composition's name as the user may see it: a private team is not named beyond its trust."""
        return f"{disclosure.team_name(user, self.team)}: {self.name}" if self.team_id else self.name

    def clean(self) -> None:
        years = available_pay_years()
        if self.pay_year not in years:
            raise ValidationError({"pay_year": f"Choose a pay year with a pay table: {', '.join(years)}."})

    @property
    def on_cost(self) -> float:
        """On-costs as a fraction of basic pay, as the metrics take them."""
        return float(self.on_cost_percent) / 100


class CompositionPost(models.Model):
    """One post in a composition: filled by one person, or vacant.

    The role's staff group, medical status and supervision need come from the role catalogue; whether the
    post is registered and whether its holder supervises others start from the catalogue and may differ.
    """

    trust_path = "composition__team__trust"
    change_rule = "trust_editor"
    shared_when = [{"composition__is_shared": True}]

    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="posts")
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="composition_posts", help_text="Role slug in the catalogue."
    )
    title = models.CharField(
        "local job title", max_length=150, blank=True, help_text="Optional, e.g. 'Team manager' or 'Care coordinator'."
    )
    band = models.CharField(
        max_length=3, choices=BAND_CHOICES, blank=True, help_text="Agenda for Change band; empty for a doctor."
    )
    wte = models.DecimalField(
        "WTE",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_POST_WTE)],
        help_text="Whole-time equivalent of the post: 1.0 is full time (37.5 hours a week).",
    )
    registered = models.BooleanField(
        default=False, help_text="The post-holder is on a statutory professional register (NMC, HCPC, GMC, SWE...)."
    )
    supervises_others = models.BooleanField(
        "gives supervision", default=False, help_text="The post-holder gives formal supervision to others in the team."
    )
    competencies = models.JSONField(default=list, blank=True, help_text="Competencies the post-holder holds.")
    filled = models.BooleanField(default=True, help_text="yes for a post with someone in it; no for a vacancy.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["composition", "role__name", "band", "pk"]

    def __str__(self) -> str:
        role = self.role.name if self.role_id else "post"
        return describe_post(role, self.band, self.wte, self.title, self.filled)

    def clean(self) -> None:
        _validate_competency_list(self.competencies, "competencies")
        self.competencies = list(dict.fromkeys(c.strip() for c in self.competencies))
        if self.role_id:
            _validate_band_for_role(self.role, self.band)

    @property
    def medical(self) -> bool:
        return bool(self.role_id and self.role.medical)


class Scenario(models.Model):
    """A planned change to a composition, as a list of changes, to see before it happens what it does."""

    trust_path = "composition__team__trust"
    change_rule = "trust_editor"
    # A scenario shows its composition's posts, so it is visible beyond the trust only when both are shared.
    shared_when = [{"is_shared": True, "composition__is_shared": True}]

    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=150, help_text="e.g. 'Nursing associates in place of the band 6 vacancy'.")
    description = models.TextField(blank=True, help_text="What the change is for, in a sentence or two.")
    is_shared = models.BooleanField(
        "shared beyond the trust",
        default=False,
        help_text="yes lets every signed-in user see it, once its composition is shared too.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["composition", "name"]
        constraints = [models.UniqueConstraint(fields=["composition", "name"], name="scenario_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skillmix:scenario", args=[self.pk])


class ScenarioChange(models.Model):
    """One change in a scenario: add posts, remove a post, or convert a vacancy into other posts.

    ``count`` new posts of ``role`` at ``band``, each ``wte``, come in with an ``add`` or a ``convert``. A
    ``convert`` replaces a vacancy (the study: "repurposing vacancies which were not being filled"); the new
    posts take on the tasks of the vacant post's role. An ``add`` may name a post in the team whose tasks
    the new posts take on. The typology classifies each from these facts.
    """

    ADD = "add"
    REMOVE = "remove"
    CONVERT = "convert"
    KIND_CHOICES = [(ADD, "Add posts"), (REMOVE, "Remove a post"), (CONVERT, "Convert a vacancy")]

    trust_path = "scenario__composition__team__trust"
    change_rule = "trust_editor"
    shared_when = [{"scenario__is_shared": True, "scenario__composition__is_shared": True}]

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    # RESTRICT, not PROTECT: a post cannot be deleted while a scenario uses it, but deleting the whole
    # composition (which cascades to both) is allowed.
    post = models.ForeignKey(
        CompositionPost,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="scenario_changes",
        help_text="The post removed or converted.",
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Role of the new posts."
    )
    band = models.CharField(max_length=3, choices=BAND_CHOICES, blank=True)
    count = models.PositiveSmallIntegerField(
        "number of posts",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POSTS_PER_CHANGE)],
    )
    wte = models.DecimalField(
        "WTE of each post",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_POST_WTE)],
    )
    registered = models.BooleanField(default=False)
    supervises_others = models.BooleanField("gives supervision", default=False)
    filled = models.BooleanField(
        default=True, help_text="yes models the new posts as recruited; no keeps them as vacancies."
    )
    competencies = models.JSONField(default=list, blank=True)
    adopted_from_post = models.ForeignKey(
        CompositionPost,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="For added posts: the post in the team whose tasks they take on, if any.",
    )
    own_discipline_change = models.CharField(max_length=10, choices=OWN_DISCIPLINE_CHOICES, default="none")
    novel_practice = models.BooleanField(
        default=False, help_text="The new posts take the service into something new, such as lived experience."
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scenario", "pk"]

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        """The change in plain words, e.g. 'Convert the 1.0 WTE band 6 Mental health nurse vacancy into 2 ...'."""
        new = ""
        if self.role_id:
            band = f" at band {self.band}" if self.band else ""
            if self.count == 1:
                new = f"one {self.role.name} post{band}, {format_wte(self.wte)} WTE"
            else:
                new = f"{self.count} {self.role.name} posts{band}, {format_wte(self.wte)} WTE each"
        old = ""
        if self.post_id:
            post = self.post
            what = "vacancy" if not post.filled else "post"
            old = f"the {describe_post(post.role.name, post.band, post.wte, post.title)} {what}"
        if self.kind == self.REMOVE:
            return f"Remove {old or 'a post'}"
        if self.kind == self.CONVERT:
            return f"Convert {old or 'a vacancy'} into {new}"
        return f"Add {new}"

    @property
    def total_wte(self) -> Decimal:
        return (self.wte or Decimal(0)) * self.count

    def clean(self) -> None:
        _validate_competency_list(self.competencies, "competencies")
        self.competencies = list(dict.fromkeys(c.strip() for c in self.competencies))
        composition_id = self.scenario.composition_id if self.scenario_id else None
        for name in ("post", "adopted_from_post"):
            chosen = getattr(self, name)
            if chosen is not None and chosen.composition_id != composition_id:
                raise ValidationError({name: "Choose a post of this scenario's team composition."})
        if self.kind in (self.REMOVE, self.CONVERT) and self.post_id is None:
            raise ValidationError({"post": "Choose the post to remove or convert."})
        if self.kind == self.CONVERT and self.post is not None and self.post.filled:
            raise ValidationError({"post": "Only a vacancy can be converted. To replace a filled post, remove it "
                                           "and add the new posts."})  # fmt: skip
        if self.kind == self.REMOVE:
            if self.role_id or self.adopted_from_post_id:
                raise ValidationError("Removing a post adds nothing: leave the new-post fields empty.")
            return
        if self.kind == self.CONVERT and self.adopted_from_post_id:
            raise ValidationError({"adopted_from_post": "A converted vacancy's tasks come from the vacant post."})
        if self.role_id is None:
            raise ValidationError({"role": "Choose the role of the new posts."})
        if self.wte is None:
            raise ValidationError({"wte": "Give the WTE of each new post."})
        _validate_band_for_role(self.role, self.band)


class DeploymentShift(models.Model):
    """The task shift behind a deployment's skill-mix change, intended (planned) or actual (seen in practice).

    Recorded through the guided questions on a deployment; the kinds it classifies into are written onto the
    deployment (``intended_kinds`` / ``actual_kinds``) by the mapping app's service. As readable as its
    deployment, which the national map shows to everyone signed in; changed by the trust's editors.
    """

    INTENDED = "intended"
    ACTUAL = "actual"
    WHICH_CHOICES = [(INTENDED, "Intended change"), (ACTUAL, "Actual change")]

    trust_path = "deployment__trust"
    change_rule = "trust_editor"
    shared_when = [{"pk__isnull": False}]

    deployment = models.ForeignKey("mapping.Deployment", on_delete=models.CASCADE, related_name="skillmix_shifts")
    which = models.CharField(max_length=10, choices=WHICH_CHOICES)
    answers = models.JSONField(default=dict, blank=True, help_text="The answers to the guided questions.")
    shift = models.JSONField(default=dict, help_text="The task shift in the typology's JSON shape.")
    kinds = models.JSONField(default=list, blank=True, help_text="The kinds of skill-mix change it classifies as.")
    reasons = models.JSONField(default=dict, blank=True, help_text="One sentence for each kind.")
    missing = models.JSONField(default=list, blank=True, help_text="Facts needed but not known.")
    evidence = models.TextField(blank=True, help_text="What shows this change.")
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["deployment", "which"]
        constraints = [models.UniqueConstraint(fields=["deployment", "which"], name="one_shift_of_each_kind")]

    def __str__(self) -> str:
        return f"{self.get_which_display()}: {self.deployment}" if self.deployment_id else self.get_which_display()

    @property
    def notes(self) -> list[str]:
        """Why a role the tasks come from gave no kind (a new title, tasks moving up...), from the saved shift.

        The saved shift states every fact, so classifying it again gives the saved answer without the catalogue.
        """
        return classify(parse_shift(self.shift)).notes if self.shift else []


class RecordUnit(models.Model):
    """One of a trust's organisation units in the staff record, and the team it stands for.

    Set once and remembered: each month's staff-record counts of the unit are the team's, so a team's
    composition can be filled from the record (`skillmix.record`). `org_unit` is the organisation unit as
    the staff record keeps it (its aggregates' `org_unit`); several units may belong to one team.
    """

    trust_path = "trust"
    change_rule = "trust_editor"

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="record_units")
    org_unit = models.CharField(
        "organisation unit", max_length=200,
        help_text="The organisation unit exactly as the staff-record extract names it, e.g. 'TAH 101 CMHT North'.",
    )  # fmt: skip
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="record_units", help_text="The trust's team the unit is."
    )
    updated_at = models.DateTimeField(auto_now=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["org_unit"]
        constraints = [models.UniqueConstraint(fields=["trust", "org_unit"], name="one_team_per_record_unit")]

    def __str__(self) -> str:
        return f"{self.org_unit} → {self.team_id and self.team.name}"

    def clean(self) -> None:
        if self.team_id and self.trust_id and self.team.trust_id != self.trust_id:
            raise ValidationError({"team": "Choose one of the trust's own teams."})
