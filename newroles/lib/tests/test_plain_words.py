"""Form hints and messages in plain words (NHS.UK content style): no Latin abbreviations, no date formats."""

from __future__ import annotations

from django import forms

from newroles.forewarning.forms import EventForm
from newroles.lib.forms import NHSForm, plain_hint
from newroles.mapping.forms import DeploymentForm
from newroles.roles.forms import PackReviewForm


def test_latin_abbreviations_are_written_out():
    assert plain_hint("Where it is published, e.g. https://example.org") == (
        "Where it is published, for example https://example.org"
    )
    assert plain_hint("The band (i.e. the pay band)") == "The band (that is the pay band)"


def test_every_form_hint_says_for_example():
    class Form(NHSForm):
        title = forms.CharField(help_text="The trust's own title, e.g. 'Peer Worker'.")

    assert Form().fields["title"].help_text == "The trust's own title, for example 'Peer Worker'."


def test_the_deployment_and_event_forms_have_no_abbreviations_or_date_formats(alice, sheffield):
    hints = [str(f.help_text) for f in EventForm().fields.values()]
    hints += [str(f.help_text) for f in DeploymentForm(trust=sheffield, user=alice).fields.values()]
    assert not [h for h in hints if "e.g." in h or "YYYY" in h]
    assert "for example 'Peer Worker'" in DeploymentForm(trust=sheffield, user=alice).fields["local_title"].help_text


def test_a_missing_review_date_is_asked_for_in_words():
    form = PackReviewForm({})
    assert not form.is_valid()
    assert form.errors["review_by"] == ["Enter the date of the next review"]
