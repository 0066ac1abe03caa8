"""The funding line form: one page for a line and its joint funders' shares; the trust comes from the page.

A plain form, not a ModelForm: the services validate the line and its shares together and the view puts
their errors back on these fields (`add_service_errors`), so a problem is reported once, in one place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from newroles.accounts import policy
from newroles.funding.models import (
    AGREED,
    CONTRACT_STATUS_CHOICES,
    COST_FIELDS,
    COSTS,
    FUNDER_KIND_CHOICES,
    FUNDING_TYPE_CHOICES,
    FundingLine,
)
from newroles.funding.shares import EXAMPLE, parse_shares, shares_text
from newroles.lib.forms import DateField, NHSForm
from newroles.mapping.models import Deployment
from newroles.organisations.models import Organisation, Trust
from newroles.roles.models import SharedDocument


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    """The model field's form field, labelled and documented as the model says."""
    field = FundingLine._meta.get_field(name).formfield(**kwargs)
    assert field is not None
    return field


class PoundsField(forms.DecimalField):
    """An amount in pounds as people write it: "45000", "45,000" or "£45,000.50"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


class DeploymentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Deployment) -> str:
        return f"{obj.local_title} ({obj.role.name})" if obj.role_id else obj.local_title  # type: ignore[union-attr]


class FundingLineForm(NHSForm):
    deployment = DeploymentChoiceField(
        queryset=Deployment.objects.none(),
        label="Which role it pays for",
        empty_label="Choose a role",
        error_messages={"required": "Choose the role the funding pays for."},
    )
    name = _model_field("name")
    funder_kind = forms.ChoiceField(
        choices=FUNDER_KIND_CHOICES,
        widget=forms.RadioSelect,
        label="Kind of funder",
        error_messages={"required": "Choose the kind of funder."},
    )
    funder = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="The funder, if it is listed",
        empty_label="Not listed",
        help_text="Organisations outside the trust register, such as ICBs and local authorities.",
    )
    funder_name = _model_field("funder_name", help_text="Who pays, when it is not listed above.")
    funding_type = forms.ChoiceField(
        choices=FUNDING_TYPE_CHOICES,
        widget=forms.RadioSelect,
        label="Is it recurrent or time-limited?",
        error_messages={"required": "Say whether the funding is recurrent or time-limited."},
    )
    amount_per_year = _model_field(
        "amount_per_year",
        form_class=PoundsField,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter the amount a year in pounds.", "invalid": "Enter the amount as a number."},
    )
    start_date = _model_field("start_date", form_class=DateField, required_message="Enter the date the funding starts")
    end_date = _model_field("end_date", form_class=DateField)
    posts = _model_field("posts", widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5"}))
    wte = _model_field("wte", widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}))
    covers = forms.MultipleChoiceField(
        choices=COSTS,
        widget=forms.CheckboxSelectMultiple,
        label="What it covers",
        error_messages={"required": "Say what the funding covers: tick at least one cost."},
        help_text="Tick every cost it pays for. Funding often covers the post or the training but not backfill, "
        "supervision and ongoing support.",
    )
    conditions = _model_field("conditions", widget=forms.Textarea(attrs={"rows": 3}))
    contract_status = forms.ChoiceField(
        choices=CONTRACT_STATUS_CHOICES,
        widget=forms.RadioSelect,
        label="How far has the contracting got?",
        initial=AGREED,
    )
    contract_note = _model_field("contract_note", widget=forms.Textarea(attrs={"rows": 3}))
    contract_holder = _model_field("contract_holder")
    shares = forms.CharField(
        label="Joint funders and their shares",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Only for joint funding: each partner with its share in per cent, one a line or separated by "
        f"semicolons, e.g. '{EXAMPLE}'. The shares must add to 100.",
    )
    partner_agreement = _model_field("partner_agreement", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.ModelChoiceField(
        queryset=SharedDocument.objects.none(),
        required=False,
        label="Evidence",
        empty_label="None",
        help_text="The funding letter or agreement, among the trust's documents.",
    )
    notes = _model_field("notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, trust: Trust, user: Any, line: FundingLine | None = None, **kwargs: Any) -> None:
        if line is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(line)
        super().__init__(*args, **kwargs)
        self.fields["deployment"].queryset = trust.deployments.select_related("role").order_by("local_title")
        documents = SharedDocument.objects.filter(Q(trust=trust) | ~Q(sharing=SharedDocument.PRIVATE))
        self.fields["evidence"].queryset = policy.visible(user, documents).order_by("title")

    def clean_shares(self) -> list[Any]:
        return parse_shares(self.cleaned_data.get("shares", ""))

    def line_fields(self) -> dict[str, Any]:
        """The service's keyword arguments, from the cleaned data (deployment and shares included)."""
        data = dict(self.cleaned_data)
        covers = set(data.pop("covers"))
        data.update({name: name in covers for name in COST_FIELDS})
        return data


def initial_from(line: FundingLine) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(line, name)
        for name in (
            "name", "funder_kind", "funder_name", "funding_type", "amount_per_year", "start_date", "end_date",
            "posts", "wte", "conditions", "contract_status", "contract_note", "contract_holder", "partner_agreement",
            "notes",
        )
    }  # fmt: skip
    initial.update(
        deployment=line.deployment_id,
        funder=line.funder_id,
        evidence=line.evidence_id,
        covers=[name for name in COST_FIELDS if getattr(line, name)],
        shares=shares_text(line.shares.all()),
    )
    return initial


def add_service_errors(form: FundingLineForm, exc: ValidationError) -> None:
    """Put the services' errors on the form's fields: a cost's on "What it covers", any other field the form
    lacks on the form as a whole."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = "covers" if name in COST_FIELDS else name
        if target not in form.fields:
            target = None
        for error in errors:
            form.add_error(target, error)
