from __future__ import annotations

from typing import Any

from django import forms

from newroles.accounts import policy
from newroles.lib.forms import NHSForm, NHSModelForm
from newroles.mapping.models import (
    KIND_CHOICES,
    REASON_CHOICES,
    STANCE_CHOICES,
    TRUST_NEWNESS_CHOICES,
    Deployment,
    Engagement,
    Notice,
)
from newroles.organisations.models import Region, Team, Trust
from newroles.roles.models import Role
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS, KINDS


class DeploymentForm(NHSModelForm):
    """A trust's deployment of a role; the trust comes from the page, never from the form."""

    role = forms.ModelChoiceField(
        queryset=Role.objects.order_by("name"),
        required=False,
        empty_label="Not matched to a role yet",
        help_text="The catalogue role this title means. Leave it unmatched if none fits; it stays listed to resolve.",
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Teams it works in"
    )
    reasons = forms.MultipleChoiceField(
        choices=REASON_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Why the trust brought the role in",
        help_text="Tick every reason that applies.",
    )
    stance = forms.ChoiceField(
        choices=[*STANCE_CHOICES, ("", "Not recorded")],
        required=False,
        widget=forms.RadioSelect,
        label="Stance",
    )
    trust_newness = forms.ChoiceField(
        choices=[*TRUST_NEWNESS_CHOICES, ("", "Not recorded")],
        required=False,
        widget=forms.RadioSelect,
        label="How new does the trust see this role?",
        help_text="Trusts disagree on this: say how your trust sees it, whatever the catalogue says.",
    )
    intended_kinds = forms.MultipleChoiceField(
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Intended skill-mix change",
        help_text="The kinds of change the role was meant to bring; a role may be more than one.",
    )
    actual_kinds = forms.MultipleChoiceField(
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Actual skill-mix change",
        help_text="The kinds of change seen in practice, which often differ from the intention.",
    )

    class Meta:
        model = Deployment
        fields = [
            "local_title", "role", "status", "planned_start", "first_post_started", "headcount", "wte", "figures_as_of",
            "figures_source", "teams", "reasons", "reason_other", "stance", "trust_newness", "intended_kinds",
            "intended_evidence", "actual_kinds", "actual_evidence", "notes",
        ]  # fmt: skip
        widgets = {
            "headcount": forms.NumberInput(attrs={"class": "nhsuk-input--width-5"}),
            "wte": forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "0.01"}),
            "intended_evidence": forms.Textarea(attrs={"rows": 3}),
            "actual_evidence": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "status": "",
            "figures_source": "Where the number of people and the WTE come from.",
            "reason_other": "The reason, if you ticked 'Other'.",
        }

    def __init__(self, *args: Any, trust: Trust, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = policy.visible(user, trust.teams.all()).order_by("name")
        self.fields["local_title"].label = "The trust's title for the role"

    def kind_definitions(self) -> list[tuple[str, str]]:
        return [(KIND_LABELS[k], KIND_DEFINITIONS[k]) for k in KINDS]


class ResolveForm(NHSForm):
    role = forms.ModelChoiceField(queryset=Role.objects.order_by("name"), label="Role", empty_label="Choose a role")
    remember = forms.BooleanField(
        required=False,
        label="Remember this title for the trust",
        help_text="Future imports then match it without asking.",
    )


class EngagementForm(NHSModelForm):
    trust = forms.ModelChoiceField(
        queryset=Trust.objects.order_by("name"), empty_label="Not a trust", required=False, label="Trust"
    )

    class Meta:
        model = Engagement
        fields = ["trust", "organisation", "phase", "status", "date", "participant_post", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"phase": "Which part of the study the engagement belongs to.", "status": ""}


class NoticeForm(NHSModelForm):
    """A draft notice: what it says and which trusts it goes to (leave both empty for every trust)."""

    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="Every region",
        label="Region",
        help_text="Send it to the trusts in this region only.",
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.order_by("name"),
        required=False,
        empty_label="Any role",
        label="Role",
        help_text="Send it only to the trusts that deploy or plan this role.",
    )

    class Meta:
        model = Notice
        fields = ["title", "body", "region", "role"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
