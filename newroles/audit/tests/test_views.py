"""The history page (whoever may see the object) and the audit log with its CSV export (administrators)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.organisations import services


def _history_url(model: str, pk: object) -> str:
    return reverse("audit:history", args=[model, pk])


def test_every_response_carries_a_request_id(alice):
    first = client_for(alice).get("/")
    second = client_for(alice).get("/")
    assert len(first["X-Request-ID"]) == 36
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_change_made_through_a_page_carries_its_request_id(eve, private_team):
    url = reverse("organisations:team_edit", args=["TAH", private_team.pk])
    response = client_for(eve).post(url, {"name": "Oak Ward", "service_type": "inpatient"})
    record = ChangeRecord.objects.filter(
        content_type__model="team", action="update", object_id=str(private_team.pk)
    ).get()
    assert record.request_id == response["X-Request-ID"]
    assert record.batch_id == ""


def test_the_history_page_shows_the_change(eve, bob, private_team):
    services.update_team(actor=eve, team=private_team, name="Oak Ward")
    response = client_for(bob).get(_history_url("organisations.team", private_team.pk))
    assert response.status_code == 200
    assert [r.action for r in response.context["records"]] == ["update", "create"]
    page = response.content.decode()
    assert "Changed by eve" in page
    assert "<del>Maple Ward</del>" in page and "<ins>Oak Ward</ins>" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("eve", 200), ("bob", 200), ("admin_user", 200), ("charlie", 404), ("nadia", 404),
     ("rita", 404), ("olive", 404)],
)  # fmt: skip
def test_the_history_of_a_private_team_is_private(request, who, status, private_team, shared_team):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_history_url("organisations.team", private_team.pk)).status_code == status
    assert client.get(_history_url("organisations.team", shared_team.pk)).status_code == 200


def test_reference_data_history_is_open_to_everyone_signed_in(olive, sheffield):
    response = client_for(olive).get(_history_url("organisations.trust", sheffield.pk))
    assert response.status_code == 200
    assert [r.action for r in response.context["records"]][-1] == "create"


@pytest.mark.parametrize("model", ["accounts.user", "audit.changerecord", "imports.columnmapping", "nope", "x.y"])
def test_there_is_no_history_of_other_kinds_of_object(admin_user, model):
    assert client_for(admin_user).get(_history_url(model, 1)).status_code == 404


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_object_has_no_history(alice, pk):
    assert client_for(alice).get(_history_url("organisations.team", pk)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "eve", "bob", "charlie", "nadia", "rita", "olive"])
def test_the_audit_log_is_for_admins_only(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:list"), {"format": "csv"}).status_code == 403


def test_an_admin_reads_the_audit_log_and_filters_by_batch(admin_user, eve, sheffield):
    from newroles.audit.context import batch

    with batch("batch-1"):
        services.create_team(actor=eve, trust=sheffield, name="Imported", service_type="crisis")
    services.create_team(actor=eve, trust=sheffield, name="By hand", service_type="crisis")
    client = client_for(admin_user)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert [r.object_repr for r in response.context["page"]][:2] == ["By hand", "Imported"]
    filtered = client.get(reverse("audit:list"), {"batch": "batch-1"})
    assert [r.object_repr for r in filtered.context["page"]] == ["Imported"]


def test_the_audit_csv_neutralises_formula_looking_values(admin_user, eve, sheffield):
    formula = '=HYPERLINK("http://x","y")'
    team = services.create_team(actor=eve, trust=sheffield, name=formula, service_type="crisis")
    eve.display_name = "@eve"
    services.update_team(actor=eve, team=team, description="-1+1")
    response = client_for(admin_user).get(reverse("audit:list"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="audit.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    mine = [r for r in rows if r["Object id"] == str(team.pk) and r["Object type"] == "team"]
    assert [r["Action"] for r in mine] == ["update", "create"]
    assert {r["Object"] for r in mine} == {"'" + formula}
    assert mine[0]["User"] == "'@eve"
    assert '"description": "-1+1"' in mine[0]["After"]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
