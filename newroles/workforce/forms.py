"""Forms for uploading an extract, matching its columns and deciding titles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django import forms
from django.utils import timezone

from newroles.imports.forms import MappingForm
from newroles.lib.forms import NHSForm
from newroles.roles.models import Role
from newroles.workforce import pipeline as p
from newroles.workforce.extract import is_assignment_header, looks_personal
from newroles.workforce.models import MONTH_FORMAT, TitleDecision, month_label

MONTHS_OFFERED = 36


def recent_months(today: dt.date | None = None, count: int = MONTHS_OFFERED) -> list[dt.date]:
    """The first day of this month and the months before it, newest first."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


class UploadForm(NHSForm):
    month = forms.TypedChoiceField(
        label="Which month does the extract describe?",
        help_text="The month the staff-in-post figures are for. Importing a month again replaces it.",
        coerce=lambda value: dt.datetime.strptime(value, MONTH_FORMAT).date(),
    )
    file = forms.FileField(
        label="Upload the extract",
        help_text="CSV (UTF-8 or Windows-1252; comma, semicolon or tab separated) or an Excel .xlsx workbook.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months = recent_months()
        self.fields["month"].choices = [(m.strftime(MONTH_FORMAT), month_label(m)) for m in months]
        self.fields["month"].initial = months[1].strftime(MONTH_FORMAT)  # last month: the usual extract


class ExtractMappingForm(MappingForm):
    """The import flow's mapping form, offering personal-data columns only as the assignment number."""

    def __init__(
        self, kind: Any, headers: list[str], *args: Any, personal: Collection[str] = (), **kwargs: Any
    ) -> None:
        """`personal`: the columns found personal by their values, offered for no field at all."""
        super().__init__(kind, headers, *args, **kwargs)
        for name, f in self.fields.items():
            allowed = [
                (value, label)
                for value, label in f.choices
                if not value
                or (value not in personal and not looks_personal(value))
                or (name == p.ASSIGNMENT and value not in personal and is_assignment_header(value))
            ]
            f.choices = allowed


class DecisionForm(NHSForm):
    """What a group of titles means: the suggestion, another role, or not a new role."""

    key = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What do these titles mean?",
        choices=TitleDecision.OUTCOME_CHOICES,
        widget=forms.RadioSelect,
    )
    role = forms.ModelChoiceField(
        label="Role",
        queryset=Role.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Choose a role",
        help_text="Needed when you choose another role.",
    )
    propose = forms.BooleanField(
        label="Propose this title to the national catalogue",
        required=False,
        help_text="A national curator checks it before other trusts' titles match it.",
    )

    def __init__(self, *args: Any, suggestion: Role | None = None, key: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        if key:  # every group's form is on one page: say which titles each question is about
            self.fields["outcome"].label = f"What do titles like ‘{key}’ mean?"
            self.fields["role"].label = f"Role for ‘{key}’"
        choices = [
            (TitleDecision.OTHER_ROLE, "Another role (choose it below)"),
            (TitleDecision.NOT_NEW, "Not a new role: stop asking"),
        ]
        if suggestion is not None:
            choices.insert(0, (TitleDecision.ACCEPTED, f"{suggestion.name} (the suggestion)"))
        self.fields["outcome"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == TitleDecision.ACCEPTED:
            data["role"] = self.suggestion
        elif outcome == TitleDecision.OTHER_ROLE and not data.get("role"):
            self.add_error("role", "Choose the role these titles mean.")
        elif outcome == TitleDecision.NOT_NEW:
            data["role"] = None
            data["propose"] = False
        return data
