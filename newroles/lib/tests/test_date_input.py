"""The NHS.UK date input: three boxes, messages that name the field, and the old single date still read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from newroles.funding.forms import FundingLineForm
from newroles.lib.forms import DateField, DateInputs, NHSForm, NHSModelForm
from newroles.mapping.forms import DeploymentForm, EngagementForm


class StartForm(NHSForm):
    starts = DateField(label="Start date", required_message="Enter the date the funding starts")
    ends = DateField(label="End date", required=False)


def _errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = StartForm(data)
    form.is_valid()
    return form.errors


def test_three_boxes_make_a_date():
    form = StartForm({"starts_day": "1", "starts_month": "4", "starts_year": "2027"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"starts": dt.date(2027, 4, 1), "ends": None}


def test_the_messages_name_the_field_and_say_what_to_do():
    assert _errors({})["starts"] == ["Enter the date the funding starts"]
    assert _errors({"starts_day": "1", "starts_year": "2027"})["starts"] == ["Start date must include a month"]
    assert _errors({"starts_year": "2027"})["starts"] == ["Start date must include a day and a month"]
    assert _errors({"starts_day": "31", "starts_month": "2", "starts_year": "2027"})["starts"] == [
        "Start date must be a real date"
    ]
    assert _errors({"starts_day": "1", "starts_month": "2", "starts_year": "27"})["starts"][0].startswith(
        "Start date must be a real date: numbers only, with the year in 4 figures"
    )
    assert "ends" not in _errors({})  # optional and empty is fine


def test_a_single_iso_date_is_still_read():
    form = StartForm({"starts": "2027-04-01"})
    assert form.is_valid() and form.cleaned_data["starts"] == dt.date(2027, 4, 1)


def test_it_renders_the_nhsuk_date_input_with_a_legend_and_an_example():
    form = StartForm({"starts_day": "1", "starts_year": "2027"})
    form.is_valid()
    html = Template("{% nhsuk_field form.starts %}").render(Context({"form": form}))
    assert '<fieldset class="nhsuk-fieldset" role="group"' in html and "<legend" in html
    assert 'class="nhsuk-date-input"' in html
    for part in ("day", "month", "year"):
        assert f'id="id_starts_{part}" name="starts_{part}" type="text" inputmode="numeric"' in html
    assert 'value="2027"' in html and "nhsuk-input--error" in html
    assert "Start date must include a month" in html and "For example, 15 3 2027" in html
    summary = Template("{% nhsuk_error_summary form %}").render(Context({"form": form}))
    assert '<a href="#id_starts_day">Start date must include a month</a>' in summary


def test_an_initial_date_fills_the_boxes():
    html = Template("{% nhsuk_field form.starts %}").render(
        Context({"form": StartForm(initial={"starts": dt.date(2027, 3, 9)})})
    )
    assert 'name="starts_day" type="text" inputmode="numeric" value="9"' in html
    assert 'name="starts_month" type="text" inputmode="numeric" value="3"' in html


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (DeploymentForm, ["planned_start", "first_post_started", "figures_as_of"]),
        (EngagementForm, ["date"]),
    ],
)
def test_model_forms_date_fields_use_the_date_input(form_class: type[NHSModelForm], names: list[str]):
    for name in names:
        field = form_class.base_fields[name]
        assert isinstance(field, DateField) and isinstance(field.widget, DateInputs)
        assert "YYYY" not in str(field.help_text)  # the boxes need no format hint


def test_the_funding_form_uses_the_date_input():
    assert isinstance(FundingLineForm.base_fields["start_date"], DateField)
    assert FundingLineForm.base_fields["start_date"].required_message == "Enter the date the funding starts"
