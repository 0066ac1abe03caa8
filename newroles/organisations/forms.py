from __future__ import annotations

from typing import Any

from django import forms

from newroles.lib.forms import NHSModelForm
from newroles.organisations.models import Organisation, Team, Trust

TRUST_SETS = [
    ("study", "The study's 51 trusts (2023)"),
    ("active", "Trusts active today"),
    ("all", "All, including closed and merged"),
]


class TeamForm(NHSModelForm):
    class Meta:
        model = Team
        fields = ["name", "service_type", "description", "is_shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "service_type": "",
            "is_shared": "Tick this to let everyone who signs in see the team. Otherwise only your trust's "
            "members see it.",
        }


class TrustContactForm(NHSModelForm):
    website = forms.URLField(required=False, assume_scheme="https", help_text="The trust's website address.")

    class Meta:
        model = Trust
        fields = ["website", "new_roles_lead_name", "new_roles_lead_email"]


class OrganisationForm(NHSModelForm):
    website = forms.URLField(required=False, assume_scheme="https", help_text="The organisation's website address.")

    class Meta:
        model = Organisation
        fields = ["kind", "name", "ods_code", "region", "website", "source"]
        labels = {"kind": "Kind of organisation", "region": "NHS England region"}
        help_texts = {"kind": ""}
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose a kind"), *Organisation.KIND_CHOICES]
        self.fields["region"].empty_label = "None: a national body"

    def clean_ods_code(self) -> str:
        return self.cleaned_data["ods_code"].strip().upper()
