"""Team pages: who sees and changes a trust's teams, forged trust ids, and the teams export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from newroles.audit.models import ChangeRecord
from newroles.audit.services import history
from newroles.conftest import client_for
from newroles.organisations import services
from newroles.organisations.models import Team

# who, may see the trust's private rows, may change them
PERSONAS = [
    ("alice", True, True),
    ("eve", True, True),
    ("admin_user", True, True),
    ("bob", True, False),
    ("charlie", False, False),
    ("nadia", False, False),
    ("rita", False, False),
    ("olive", False, False),
]
NEW_TEAM = {"name": "Home Treatment", "service_type": "crisis", "description": "", "is_shared": ""}


def _url(name: str, team: Team | None = None, ods_code: str = "TAH") -> str:
    return reverse(f"organisations:{name}", args=[ods_code, team.pk] if team else [ods_code])


def _edit_data(team: Team, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {"name": team.name, "service_type": team.service_type, "description": team.description}
    if team.is_shared:
        data["is_shared"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_a_private_team_is_404_outside_its_trust(request, who, can_see, can_edit, private_team):
    response = client_for(request.getfixturevalue(who)).get(_url("team", private_team))
    assert response.status_code == (200 if can_see else 404)
    if can_see:
        assert ("Change team" in response.content.decode()) is can_edit


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_a_shared_team_is_visible_to_everyone_signed_in(request, who, can_see, can_edit, shared_team):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url("team", shared_team)).status_code == 200
    assert client.get(_url("team_edit", shared_team)).status_code == (200 if can_edit else 403)


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_it_requires_edit_access_to_change_a_team(request, who, can_see, can_edit, private_team):
    client = client_for(request.getfixturevalue(who))
    denied = 403 if can_see else 404
    assert client.get(_url("team_edit", private_team)).status_code == (200 if can_edit else denied)
    response = client.post(_url("team_edit", private_team), _edit_data(private_team, name="Renamed"))
    assert response.status_code == (302 if can_edit else denied)
    private_team.refresh_from_db()
    assert private_team.name == ("Renamed" if can_edit else "Maple Ward")


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_it_requires_edit_access_to_delete_a_team(request, who, can_see, can_edit, private_team):
    response = client_for(request.getfixturevalue(who)).post(_url("team_delete", private_team))
    assert response.status_code == (302 if can_edit else 403 if can_see else 404)
    assert Team.objects.filter(pk=private_team.pk).exists() is not can_edit


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_it_requires_edit_access_to_add_a_team(request, who, can_see, can_edit, sheffield):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url("team_create")).status_code == (200 if can_edit else 403)
    response = client.post(_url("team_create"), NEW_TEAM)
    assert response.status_code == (302 if can_edit else 403)
    assert sheffield.teams.filter(name="Home Treatment").exists() is can_edit


def test_delete_is_post_only(alice, private_team):
    assert client_for(alice).get(_url("team_delete", private_team)).status_code == 405
    assert Team.objects.filter(pk=private_team.pk).exists()


def test_a_team_is_found_only_under_its_own_trust(alice, private_team):
    client = client_for(alice)
    assert client.get(_url("team", private_team, ods_code="RXE")).status_code == 404
    assert client.post(_url("team_delete", private_team, ods_code="RXE")).status_code == 404
    assert Team.objects.filter(pk=private_team.pk).exists()


def test_an_editor_cannot_add_a_team_to_another_trust_by_posting_its_id(eve, sheffield, rotherham):
    client = client_for(eve)
    assert client.post(_url("team_create", ods_code="RXE"), NEW_TEAM).status_code == 403
    response = client.post(_url("team_create"), {**NEW_TEAM, "trust": rotherham.pk, "trust_id": rotherham.pk})
    assert response.status_code == 302
    assert Team.objects.get(name="Home Treatment").trust == sheffield
    assert not rotherham.teams.exists()


def test_an_editor_cannot_move_a_team_by_posting_another_trusts_id(eve, private_team, rotherham, sheffield):
    client = client_for(eve)
    data = _edit_data(private_team, name="Moved?", trust=rotherham.pk, trust_id=rotherham.pk)
    assert client.post(_url("team_edit", private_team), data).status_code == 302
    private_team.refresh_from_db()
    assert (private_team.name, private_team.trust) == ("Moved?", sheffield)


def test_the_service_refuses_to_move_a_team_by_id_too(eve, private_team, rotherham):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_team(actor=eve, team=private_team, trust_id=rotherham.pk)
    private_team.refresh_from_db()
    assert private_team.trust.ods_code == "TAH"


def test_an_admin_may_move_a_team(admin_user, private_team, rotherham):
    services.update_team(actor=admin_user, team=private_team, trust=rotherham)
    private_team.refresh_from_db()
    assert private_team.trust == rotherham


def test_a_duplicate_team_name_is_a_form_error(eve, private_team):
    response = client_for(eve).post(_url("team_create"), {**NEW_TEAM, "name": "Maple Ward"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Team.objects.filter(name="Maple Ward").count() == 1


def test_a_team_name_is_trimmed(eve, sheffield):
    client_for(eve).post(_url("team_create"), {**NEW_TEAM, "name": "  Home Treatment  "})
    assert sheffield.teams.get().name == "Home Treatment"


def test_the_same_team_name_may_exist_in_two_trusts(charlie, private_team, rotherham):
    response = client_for(charlie).post(_url("team_create", ods_code="RXE"), {**NEW_TEAM, "name": "Maple Ward"})
    assert response.status_code == 302
    assert rotherham.teams.get().name == "Maple Ward"


@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_the_teams_list_shows_only_visible_teams(request, who, can_see, can_edit, private_team, shared_team):
    response = client_for(request.getfixturevalue(who)).get(_url("teams"))
    assert response.status_code == 200
    expected = ["CMHT North", "Maple Ward"] if can_see else ["CMHT North"]
    assert [t.name for t in response.context["teams"]] == expected
    assert response.context["can_edit"] is can_edit


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("who", "can_see", "can_edit"), PERSONAS)
def test_the_teams_export_never_includes_another_trusts_private_teams(
    request, who, can_see, can_edit, file_format, private_team, shared_team
):
    response = client_for(request.getfixturevalue(who)).get(_url("teams"), {"format": file_format})
    assert response["Content-Disposition"] == f'attachment; filename="teams-TAH.{file_format}"'
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Name", "Service type", "Description", "Shared beyond the trust"]
    expected = [["CMHT North", "Community mental health", "", "yes"]]
    if can_see:
        expected.append(["Maple Ward", "Inpatient", "", "no"])
    assert [[v or "" for v in r] for r in rows[1:]] == expected


def test_a_viewer_sees_no_change_links(bob, private_team):
    page = client_for(bob).get(_url("teams")).content.decode()
    assert "Add a team" not in page and "Import teams" not in page


def test_changes_through_the_pages_are_audited(eve, sheffield):
    client = client_for(eve)
    before = ChangeRecord.objects.count()
    response = client.post(_url("team_create"), NEW_TEAM)
    team = Team.objects.get(name="Home Treatment")
    created = history(team).get()
    assert (created.action, created.user, created.trust, created.request_id) == (
        "create", eve, sheffield, response["X-Request-ID"]
    )  # fmt: skip
    assert created.after["name"] == "Home Treatment" and created.before is None

    response = client.post(_url("team_edit", team), _edit_data(team, name="Home Treatment Team"))
    renamed = history(team).exclude(pk=created.pk).get()
    assert (renamed.action, renamed.before["name"], renamed.after["name"]) == (
        "update", "Home Treatment", "Home Treatment Team"
    )  # fmt: skip
    assert renamed.request_id == response["X-Request-ID"]

    client.post(_url("team_edit", team), _edit_data(Team.objects.get(pk=team.pk)))  # nothing changed
    assert ChangeRecord.objects.count() == before + 2

    response = client.post(_url("team_delete", team))
    deleted = history(team).first()
    assert (deleted.action, deleted.before["name"], deleted.after) == ("delete", "Home Treatment Team", None)
    assert deleted.request_id == response["X-Request-ID"]
    assert ChangeRecord.objects.count() == before + 3
