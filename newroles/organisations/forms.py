from __future__ import annotations

from django import forms

from newroles.lib.forms import NHSModelForm
from newroles.organisations.models import Team, Trust

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


class TrustContactForm(NHSModelForm):
    website = forms.URLField(required=False, assume_scheme="https", help_text="The trust's website address.")

    class Meta:
        model = Trust
        fields = ["website", "new_roles_lead_name", "new_roles_lead_email"]
