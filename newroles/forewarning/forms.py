"""The curators' event form."""

from __future__ import annotations

from django import forms

from newroles.forewarning.models import Event
from newroles.lib.forms import NHSModelForm
from newroles.organisations.models import Region
from newroles.roles.models import Role


class EventForm(NHSModelForm):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Roles it affects",
        help_text="Trusts that deploy or plan any of these roles see the event.",
        error_messages={"required": "Choose at least one role the event affects."},
    )
    source_url = forms.URLField(
        label="Source address", required=False, max_length=500, assume_scheme="https",
        help_text="Where it is published, e.g. https://www.gmc-uk.org/...",
    )  # fmt: skip
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="All of England",
        label="Region",
        help_text="Only for an event that concerns one region.",
    )

    class Meta:
        model = Event
        fields = ["date", "title", "kind", "description", "source_url", "source_citation", "roles", "region",
                  "illustrative"]  # fmt: skip
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "source_citation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"illustrative": "An invented example for the demo, not a real event"}
        help_texts = {"kind": ""}

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("source_url") or "").strip() and not (data.get("source_citation") or "").strip():
            self.add_error("source_citation", "Give the source: its address, or who published it, its title and date.")
        return data
