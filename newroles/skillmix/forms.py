"""Forms for compositions, posts, required competencies, scenarios and their changes, in plain words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from newroles.accounts import disclosure
from newroles.lib.bands import BAND_CHOICES
from newroles.lib.forms import IdMultipleChoiceField, NHSForm, NHSModelForm
from newroles.organisations.models import Team
from newroles.roles.models import Role
from newroles.skillmix.guided_questions import (  # the guided questions, where the mapping pages look for them
    GUIDED_STEPS as GUIDED_STEPS,
)
from newroles.skillmix.guided_questions import GuidedAnswerForm as GuidedAnswerForm
from newroles.skillmix.guided_questions import guided_defaults as guided_defaults
from newroles.skillmix.guided_questions import guided_question as guided_question
from newroles.skillmix.guided_questions import guided_steps as guided_steps
from newroles.skillmix.metrics import available_pay_years
from newroles.skillmix.models import (
    MAX_POST_WTE,
    MAX_POSTS_PER_CHANGE,
    OWN_DISCIPLINE_CHOICES,
    Composition,
    CompositionPost,
    Scenario,
    ScenarioChange,
)
from newroles.skillmix.services import COMPOSITION_FIELDS

MAX_COMPARED = 3
TRI_CHOICES = [("", "As usual for the role (from the role catalogue)"), ("yes", "Yes"), ("no", "No")]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def tri_initial(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return f"{obj.name} ({obj.band_range})"


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CompositionPost) -> str:
        title = f" – {obj.title}" if obj.title else ""
        return f"{obj}{title}"


class CompetencyLinesField(forms.CharField):
    """A textarea of names, one a line, cleaned to a list without blanks or repeats."""

    widget = forms.Textarea(attrs={"rows": 5})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value


def _wte_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=MAX_POST_WTE,
        decimal_places=2,
        max_digits=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
        **kwargs,
    )


NO_BAND = "medical"


def _band_field(label: str) -> forms.ChoiceField:
    """A band, or 'no band' for a doctor: required, so a band is never left out by accident."""
    return forms.ChoiceField(
        label=label,
        choices=[("", "Choose a band"), *BAND_CHOICES, (NO_BAND, "No band: a doctor (medical pay)")],
        help_text="Agenda for Change band. Doctors are paid on medical terms, not on a band.",
    )


def _band_value(data: dict[str, Any]) -> None:
    if data.get("band") == NO_BAND:
        data["band"] = ""


def _tri_field(label: str, hint: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=TRI_CHOICES, required=False, widget=forms.RadioSelect, help_text=hint)


class CompositionForm(NHSModelForm):
    pay_year = forms.ChoiceField(label="Pay year", help_text="Agenda for Change pay table used for costs.")

    class Meta:
        model = Composition
        fields = list(COMPOSITION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "pay_point": forms.RadioSelect,
            "on_cost_percent": forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
            "supervisor_hours_per_wte": forms.TextInput(
                attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}
            ),
            "medical_salary": forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
        }
        help_texts = {
            "is_shared": "Tick this to let everyone who signs in see this composition and its posts. Other trusts "
            "see a private team's service type and trust, not its name: share the team to show its name.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pay_year"].choices = [(y, y) for y in available_pay_years()]


class CompositionCreateForm(CompositionForm):
    """A new composition: which team, and optionally a copy of another composition to start from."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team")
    copy_from = forms.ModelChoiceField(
        queryset=Composition.objects.none(),
        required=False,
        label="Start from a copy of another team's composition",
        help_text="Its posts and settings are copied; you can change them afterwards. Leave empty to start "
        "with no posts.",
    )

    field_order = ["team", "copy_from", "name"]

    def __init__(
        self, *args: Any, teams: QuerySet[Team], sources: QuerySet[Composition], user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.select_related("trust")
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.trust.name})"
        self.fields["copy_from"].queryset = sources.select_related("team__trust")
        # Another trust's private team is named by its service type and trust, which the name then carries.
        self.fields["copy_from"].label_from_instance = lambda c: (
            f"{c.team.trust.name}: {c}" if disclosure.team_name(user, c.team) == c.team.name else c.name_for(user)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        team, name = data.get("team"), data.get("name")
        if team and name and Composition.objects.filter(team=team, name=name.strip()).exists():
            self.add_error("name", "This team already has a composition with that name.")
        return data

    def validate_unique(self) -> None:
        # The team is chosen in this form, not on the instance; clean() checks the name within the team.
        pass


class PostForm(NHSForm):
    """One post (or several identical ones, when adding)."""

    role = RoleChoiceField(queryset=Role.objects.order_by("name"), label="Role", empty_label="Choose a role")
    title = forms.CharField(
        label="Local job title", max_length=150, required=False, help_text="For example 'Team manager'."
    )
    band = _band_field("Band")
    wte = _wte_field("WTE", help_text="Whole-time equivalent: 1.0 is full time (37.5 hours a week).")
    filled = forms.TypedChoiceField(
        label="Is someone in the post?",
        choices=[("yes", "Yes, it is filled"), ("no", "No, it is vacant")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    registered = _tri_field(
        "Is the post-holder on a statutory professional register?", "For example NMC, HCPC, GMC or Social Work England."
    )
    supervises_others = _tri_field(
        "Does the post-holder give formal supervision to others in the team?",
        "Supervision available is worked out from the posts that give it.",
    )
    competencies = CompetencyLinesField(
        label="Competencies the post-holder holds", required=False, help_text="One a line."
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        _band_value(data)
        data["registered"] = _tri(data["registered"])
        data["supervises_others"] = _tri(data["supervises_others"])
        return data

    @classmethod
    def initial_for(cls, post: CompositionPost) -> dict[str, Any]:
        return {
            "role": post.role_id,
            "title": post.title,
            "band": post.band or (NO_BAND if post.medical else ""),
            "wte": post.wte,
            "filled": "yes" if post.filled else "no",
            "registered": tri_initial(post.registered),
            "supervises_others": tri_initial(post.supervises_others),
            "competencies": post.competencies,
            "note": post.note,
        }


class PostAddForm(PostForm):
    count = forms.IntegerField(
        label="How many posts like this?",
        min_value=1,
        max_value=MAX_POSTS_PER_CHANGE,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
    )


class CompetenciesForm(NHSForm):
    competencies = CompetencyLinesField(
        label="Competencies the team needs between its staff",
        required=False,
        help_text="One a line. Coverage counts how many of these at least one person in post holds.",
    )
    note = forms.CharField(label="Where the list comes from", max_length=500, required=False)


class ScenarioForm(NHSModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "description", "is_shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": "For example, 'Nursing associates in place of the band 6 vacancy'.",
            "is_shared": "Tick this to let everyone who signs in see the scenario. They see it only once its "
            "team's composition is shared too.",
        }

    def __init__(self, *args: Any, composition: Composition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.composition = composition


class ChangeForm(NHSForm):
    """One change to a scenario; ``change_form`` builds the fields for its kind."""

    kind: str = ""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        _band_value(data)
        for name in ("registered", "supervises_others"):
            if name in data:
                data[name] = _tri(data[name])
        return data


def change_form(kind: str, scenario: Scenario, *args: Any, **kwargs: Any) -> ChangeForm:
    """The form for one kind of change: add posts, remove a post, or convert a vacancy.

    Built as a class per kind so that NHSFormMixin styles every field, with plain-words questions.
    """
    posts = scenario.composition.posts.select_related("role")
    taken = scenario.changes.filter(kind__in=[ScenarioChange.REMOVE, ScenarioChange.CONVERT]).values("post")
    free = posts.exclude(pk__in=taken)
    fields: dict[str, Any] = {"kind": kind}
    if kind == ScenarioChange.CONVERT:
        fields["post"] = PostChoiceField(
            queryset=free.filter(filled=False),
            label="Which vacancy do you want to convert?",
            empty_label="Choose a vacancy",
            help_text=(
                "Only vacancies can be converted. The new posts take on the vacant post's tasks, and the "
                "competencies it lists with them."
            ),
        )
    if kind == ScenarioChange.REMOVE:
        fields["post"] = PostChoiceField(
            queryset=free, label="Which post do you want to remove?", empty_label="Choose a post"
        )
    if kind in (ScenarioChange.ADD, ScenarioChange.CONVERT):
        fields["role"] = RoleChoiceField(
            queryset=Role.objects.order_by("name"), label="Role of the new posts", empty_label="Choose a role"
        )
        fields["band"] = _band_field("Band of each new post")
        fields["count"] = forms.IntegerField(
            label="How many posts?",
            min_value=1,
            max_value=MAX_POSTS_PER_CHANGE,
            initial=1,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        )
        fields["wte"] = _wte_field("WTE of each post", initial=Decimal("1.0"), help_text="1.0 is full time.")
        fields["registered"] = _tri_field(
            "Will the post-holders be on a statutory professional register?",
            "For example a registered nursing associate (NMC); a trainee is not yet registered.",
        )
        fields["supervises_others"] = _tri_field(
            "Will they give formal supervision to others in the team?",
            "Only posts that give supervision count towards the supervision available.",
        )
        fields["filled"] = forms.TypedChoiceField(
            label="Count the new posts as",
            choices=[("yes", "Recruited (filled)"), ("no", "Still vacant")],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect,
            initial="yes",
            help_text="Recruited shows the team once the posts are filled, which is what most plans compare.",
        )
        fields["competencies"] = CompetencyLinesField(
            label="Competencies the post-holders will hold", required=False, help_text="One a line."
        )
    if kind == ScenarioChange.ADD:
        fields["adopted_from_post"] = PostChoiceField(
            queryset=posts,
            required=False,
            label="Whose tasks will the new posts take on?",
            empty_label="No one's: they do new work",
            help_text=(
                "The kind of skill-mix change depends on whose tasks a new role takes on. If you remove a "
                "vacancy and name it here, the new posts hold its competencies too."
            ),
        )
    if kind in (ScenarioChange.ADD, ScenarioChange.CONVERT):
        fields["own_discipline_change"] = forms.ChoiceField(
            label="Within its own discipline, the new role brings",
            choices=OWN_DISCIPLINE_CHOICES,
            initial="none",
            widget=forms.RadioSelect,
        )
        fields["novel_practice"] = forms.BooleanField(
            label="It takes the service into something new, such as lived experience or a new kind of care",
            required=False,
        )
    fields["note"] = forms.CharField(label="Note", max_length=300, required=False)
    form_class = type(f"{kind.title()}ChangeForm", (ChangeForm,), fields)
    return form_class(*args, **kwargs)


class CompareForm(NHSForm):
    scenarios = IdMultipleChoiceField(
        queryset=Scenario.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Scenarios to compare",
        help_text=f"Choose up to {MAX_COMPARED}. Each is shown beside the team as it is now.",
    )

    def __init__(self, *args: Any, scenarios: QuerySet[Scenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].queryset = scenarios

    def clean_scenarios(self) -> list[Scenario]:
        chosen = list(self.cleaned_data["scenarios"])
        if len(chosen) > MAX_COMPARED:
            raise forms.ValidationError(f"Choose up to {MAX_COMPARED} scenarios.")
        return chosen
