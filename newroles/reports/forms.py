from __future__ import annotations

from typing import Any

from django import forms

from newroles.reports.models import Snapshot


class FreezeForm(forms.Form):
    title = forms.CharField(
        label="Name this version",
        max_length=200,
        help_text="For example, 'Published briefing, March 2027'. Later changes to the data will not alter it.",
    )


class CompareForm(forms.Form):
    before = forms.ModelChoiceField(Snapshot.objects.defer("data"), label="Earlier snapshot", empty_label=None)
    after = forms.ModelChoiceField(Snapshot.objects.defer("data"), label="Later snapshot", empty_label=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("before") and data.get("before") == data.get("after"):
            self.add_error("after", "Choose two different snapshots to compare.")
        return data
