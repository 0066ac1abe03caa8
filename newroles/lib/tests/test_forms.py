"""form_copy: an edit form validates into a copy, so the service receives the row as it is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.lib.forms import form_copy
from newroles.organisations.forms import TeamForm


@pytest.mark.django_db
def test_validating_the_copy_leaves_the_row_as_stored(private_team) -> None:
    copy = form_copy(private_team)
    form = TeamForm({"name": "Oak Ward", "service_type": "crisis", "description": ""}, instance=copy)
    assert form.is_valid()
    assert (copy.pk, copy.name, copy.service_type) == (private_team.pk, "Oak Ward", "crisis")
    assert (private_team.name, private_team.service_type) == ("Maple Ward", "inpatient")


def test_an_edit_records_the_row_as_it_was_before(eve, private_team) -> None:
    url = reverse("organisations:team_edit", args=["TAH", private_team.pk])
    data = {"name": "Oak Ward", "service_type": "inpatient", "description": ""}
    assert client_for(eve).post(url, data).status_code == 302
    record = ChangeRecord.objects.filter(
        content_type__model="team", object_id=str(private_team.pk), action="update"
    ).get()
    assert (record.before["name"], record.after["name"]) == ("Maple Ward", "Oak Ward")
