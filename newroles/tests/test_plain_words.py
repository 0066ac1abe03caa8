"""Forms and refusals in plain words: hints without internal codes, error summaries that name the field
once, and a 403 page that says once what happened and who can help."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from newroles.conftest import client_for
from newroles.forewarning.forms import EventForm
from newroles.lib.forms import NHSForm, is_column_hint
from newroles.mapping.forms import EngagementForm
from newroles.organisations.forms import TeamForm
from newroles.templatetags.nhsuk import nhsuk_error_summary

# Words that belong to an import column's documentation, not to a form.
CODES = ("One of:", "any of:", "phase1_interview", "staff_record", "trust_entry", "yes lets", "yes to let", "(yes/no)")


def _hints(form: forms.BaseForm) -> str:
    return " ".join(str(field.help_text) for field in form.fields.values())


def _page_hints(page: str) -> str:
    """The hints a page shows under its labels (option values may carry codes; the user never reads them)."""
    return " ".join(re.findall(r'<div class="nhsuk-hint[^"]*"[^>]*>(.*?)</div>', page, flags=re.S))


# Hints ------------------------------------------------------------------------------------------------


def test_import_column_hints_are_recognised_and_plain_hints_kept() -> None:
    assert is_column_hint("One of: interview, questionnaire, staff_record, trust_entry.")
    assert is_column_hint("yes lets every signed-in user see it, once its composition is shared too.")
    assert is_column_hint("new_role, new_title (a new title for an existing role), not_new or blank.")
    assert not is_column_hint("One of the ten NHS Workforce Statistics staff groups.")
    assert not is_column_hint("Whole-time equivalent: 1.0 is full time (37.5 hours a week).")


def test_engagement_form_hints_name_no_codes(db) -> None:
    form = EngagementForm()
    assert not any(code in _hints(form) for code in CODES), _hints(form)
    assert form.fields["phase"].help_text == "Which part of the study the engagement belongs to."
    # The model keeps its column documentation for the import page.
    assert "phase1_interview" in form._meta.model._meta.get_field("phase").help_text


def test_team_and_event_forms_say_what_sharing_means_in_plain_words(db) -> None:
    team = TeamForm()
    assert not any(code in _hints(team) for code in CODES), _hints(team)
    assert team.fields["is_shared"].help_text.startswith("Tick this to let everyone who signs in see the team")
    event = EventForm()
    assert not any(code in _hints(event) for code in CODES), _hints(event)


def test_the_deployment_form_page_shows_no_codes(alice) -> None:
    page = client_for(alice).get(reverse("mapping:deployment_create", args=["TAH"])).content.decode()
    hints = _page_hints(page)
    assert "The catalogue role this title means" in hints  # the hints were found
    for code in CODES:
        assert code not in hints, code
    assert "Where the number of people and the WTE come from." in page


def test_the_team_form_page_shows_no_codes(alice) -> None:
    page = client_for(alice).get(reverse("organisations:team_create", args=["TAH"])).content.decode()
    hints = _page_hints(page)
    assert "Tick this to let everyone who signs in see the team" in hints
    for code in CODES:
        assert code not in hints, code


# Error summaries --------------------------------------------------------------------------------------


class TitleForm(NHSForm):
    local_title = forms.CharField(label="Local title")
    wte = forms.DecimalField(label="How many WTE?", min_value=0)

    def clean_local_title(self) -> str:
        return self.cleaned_data["local_title"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("local_title"):
            self.add_error("local_title", "Enter the trust's title for the role.")  # a second error, same field
        return data


def test_the_error_summary_names_each_field_once() -> None:
    form = TitleForm({"local_title": "", "wte": "-1"})
    assert not form.is_valid()
    assert len(form.errors["local_title"]) == 2
    items = nhsuk_error_summary(form)["items"]
    assert [item["text"] for item in items] == [
        "Local title: This field is required.",
        "How many WTE? Ensure this value is greater than or equal to 0.",
    ]
    assert [item["href"] for item in items] == ["#id_local_title", "#id_wte"]


def test_the_product_s_own_messages_stand_alone_in_the_summary() -> None:
    form = TitleForm({"local_title": "x", "wte": "1"})
    form.is_valid()
    form.add_error("local_title", "Enter the trust's title for the role.")
    (item,) = nhsuk_error_summary(form)["items"]
    assert item["text"] == "Enter the trust's title for the role."
    html = render_to_string("nhsuk/error_summary.html", nhsuk_error_summary(form))
    assert html.count("<li>") == 1


def test_an_empty_team_form_names_the_field_in_the_summary(alice) -> None:
    page = client_for(alice).post(reverse("organisations:team_create", args=["TAH"]), {"name": ""}).content.decode()
    summary = page.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "Name: This field is required." in summary
    assert summary.count("<li>") == len(set(summary.split("<li>")[1:]))  # no entry twice


# 403 --------------------------------------------------------------------------------------------------


def test_a_viewer_is_told_once_to_ask_their_trust_s_manager(bob, sheffield) -> None:
    response = client_for(bob).get(reverse("organisations:team_create", args=["TAH"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only the trust&#x27;s editors add teams." in page
    assert f"ask a manager at {sheffield.name} to make you an editor" in page
    assert page.count("change it") <= 1 and "You can see this but not change it" not in page


def test_an_editor_of_another_trust_is_told_whose_information_it_is(charlie, shared_team, sheffield) -> None:
    response = client_for(charlie).get(reverse("organisations:team_edit", args=["TAH", shared_team.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert f"You can see this page, but your access does not let you change {sheffield.name}" in page
    assert f"Only people at {sheffield.name} can change its information" in page
    assert "You can see this but not change it" not in page


def test_a_national_reader_on_a_national_page_is_not_sent_to_a_trust_manager(nadia) -> None:
    response = client_for(nadia).get(reverse("forewarning:event_create"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only the research team and administrators keep the event register." in page
    assert "research team and administrators. If you need it for your work, ask them for access." in page
    assert "manager" not in page.split("<main", 1)[1]
