"""The account page's form for making an API token."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from newroles.lib.forms import NHSForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "nhsuk-input--width-10"}, format="%Y-%m-%d")


class TokenForm(NHSForm):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="A name you will recognise, e.g. 'Power BI refresh'. Changes made with it are recorded under it.",
    )
    read_only = forms.BooleanField(
        label="Read only: it may read but never change anything",
        required=False,
        initial=True,
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=DateInput(),
        help_text="The token stops working at the start of this day. Leave empty for a token that does not expire.",
    )

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("The expiry date must be after today.")
        return day

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
