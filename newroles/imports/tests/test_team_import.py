"""Importing a trust's teams through the pages: upload, map, check, commit, and everything that can go wrong."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports.tests.helpers import Flow, csv_text, stored_files
from newroles.lib.tests.helpers import xlsx
from newroles.organisations.models import Team

GOOD_ROWS = [["Team", "Service", "Shared"], ["CMHT North", "community", "yes"], ["Maple Ward", "inpatient", "no"]]
GOOD_CSV = csv_text(*(",".join(r) for r in GOOD_ROWS))


def _flow(user, trust="TAH") -> Flow:  # type: ignore[no-untyped-def]
    return Flow(client_for(user), kind="teams", trust=trust)


def _import(flow: Flow, data: bytes, filename: str = "teams.csv", **mapping: str):  # type: ignore[no-untyped-def]
    response = flow.upload(data, filename)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    response = flow.map(**(mapping or {"name": "Team", "service_type": "Service", "is_shared": "Shared"}))
    assert response.status_code == 200
    return response


def _team_names(trust) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(trust.teams.values_list("name", flat=True))


def _options(user) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    options = client_for(user).get(reverse("imports:index")).context["options"]
    return [(o["kind"].key, o["trust"] and o["trust"].ods_code) for o in options]


def test_the_imports_page_lists_what_the_user_may_import(alice, eve, charlie, bob, admin_user):
    # Other apps add kinds of their own; these are the foundation's two.
    def teams_and_trusts(user) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
        return [o for o in _options(user) if o[0] in ("teams", "trusts")]

    assert teams_and_trusts(alice) == [("teams", "TAH")]
    assert teams_and_trusts(eve) == [("teams", "TAH")]
    assert teams_and_trusts(charlie) == [("teams", "RXE")]
    assert teams_and_trusts(bob) == []
    assert ("trusts", None) in teams_and_trusts(admin_user)


def test_it_imports_a_good_csv(alice, sheffield):
    flow = _flow(alice)
    check = _import(flow, GOOD_CSV)
    assert check.templates[0].name == "imports/check.html"
    result = check.context["result"]
    assert (result.ok, result.rows, result.created) == (True, 2, 2)
    assert not sheffield.teams.exists()  # checking saves nothing

    response = flow.commit()
    assert response.status_code == 302
    assert response.url == reverse("organisations:teams", args=["TAH"])
    assert _team_names(sheffield) == ["CMHT North", "Maple Ward"]
    assert sheffield.teams.get(name="CMHT North").is_shared


def test_the_upload_is_discarded_after_commit(alice, private_files):
    flow = _flow(alice)
    _import(flow, GOOD_CSV)
    assert len(stored_files(private_files)) == 2
    flow.commit()
    assert stored_files(private_files) == []
    assert flow.client.get(flow.map_url).status_code == 404  # the token is spent


def test_all_audit_records_of_an_import_share_one_batch_id(alice, sheffield):
    flow = _flow(alice)
    _import(flow, GOOD_CSV)
    response = flow.commit()
    records = ChangeRecord.objects.filter(content_type__model="team", trust=sheffield)
    assert records.count() == 2
    batch_ids = {r.batch_id for r in records}
    assert len(batch_ids) == 1 and "" not in batch_ids
    assert {r.request_id for r in records} == {response["X-Request-ID"]}


def test_it_imports_a_good_xlsx(alice, sheffield):
    flow = _flow(alice)
    check = _import(flow, xlsx(GOOD_ROWS), "teams.xlsx")
    assert check.context["table"].file_format == "XLSX"
    flow.commit()
    assert _team_names(sheffield) == ["CMHT North", "Maple Ward"]


@pytest.mark.parametrize(
    ("data", "described"),
    [
        (csv_text("Team;Service;Shared", "CMHT North;community;yes", "Maple Ward;inpatient;no"), "semicolons"),
        (csv_text("Team\tService\tShared", "CMHT North\tcommunity\tyes", "Maple Ward\tinpatient\tno"), "tabs"),
        ("\ufeff".encode() + GOOD_CSV, "commas"),
    ],
    ids=["semicolons", "tabs", "utf8-bom"],
)
def test_it_imports_other_delimiters_and_a_byte_order_mark(alice, sheffield, data, described):
    flow = _flow(alice)
    response = flow.upload(data)
    page = flow.client.get(response.url)
    assert f"separated by {described}" in page.content.decode()
    assert page.context["table"].headers == ["Team", "Service", "Shared"]
    flow.map(name="Team", service_type="Service", is_shared="Shared")
    flow.commit()
    assert _team_names(sheffield) == ["CMHT North", "Maple Ward"]


def test_it_reads_a_windows_1252_file_with_accents(alice, sheffield):
    data = "Team,Service\nÉquipe Café – Nord,community\n".encode("cp1252")
    flow = _flow(alice)
    _import(flow, data, name="Team", service_type="Service")
    flow.commit()
    assert _team_names(sheffield) == ["Équipe Café – Nord"]


def test_it_reports_every_bad_row_and_saves_nothing(alice, sheffield):
    data = csv_text(
        "Team,Service,Shared",
        "Good Team,community,yes",
        "Rocket Team,Spaceship,no",
        ",crisis,no",
        "Odd Team,crisis,maybe",
    )
    teams, records = Team.objects.count(), ChangeRecord.objects.count()
    flow = _flow(alice)
    check = _import(flow, data)
    result = check.context["result"]
    assert [str(e) for e in result.errors] == [
        "row 3, column Service: 'Spaceship' is not one of: " + ", ".join(_service_keys()),
        "row 4, column Team: Name is required but this row leaves it empty",
        "row 5, column Shared: 'maybe' is not yes or no",
    ]
    page = check.content.decode()
    assert "3 problems in this file" in page
    assert "Spaceship" in page and "maybe" in page

    # Committing anyway (a forged POST) still saves nothing.
    response = flow.commit()
    assert response.status_code == 302 and response.url == flow.map_url
    assert Team.objects.count() == teams
    assert ChangeRecord.objects.count() == records


def _service_keys() -> list[str]:
    from newroles.organisations.models import SERVICE_TYPES

    return [k for k, _ in SERVICE_TYPES]


def test_the_error_file_lists_every_problem(alice):
    flow = _flow(alice)
    _import(flow, csv_text("Team,Service,Shared", "Rocket,Spaceship,no", "=cmd,crisis,maybe"))
    response = flow.errors_csv()
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="teams-import-errors.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert rows[1][:3] == ["2", "Service", "Spaceship"]
    assert rows[2] == ["3", "Shared", "maybe", "is not yes or no"]


def test_the_error_file_needs_a_checked_upload(alice):
    flow = _flow(alice)
    flow.upload(GOOD_CSV)
    assert flow.errors_csv().status_code == 404
    assert flow.commit().status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Team,Service\nA\x81,community\n", "could not be read as UTF-8 or Windows-1252"),
        ("Team,Service\nA,community\n".encode("utf-16-le"), "not readable text"),
        (b"", "The submitted file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"Team,Service\n", "column names but no rows of data"),
        (b"Team,Service,team\nA,community,B\n", "Columns 1 and 3 have the same name"),
    ],
    ids=["invalid-bytes", "utf16-no-bom", "zero-bytes", "blank", "header-only", "duplicate-headers"],
)
def test_an_unreadable_file_is_refused_with_a_clear_reason(alice, private_files, data, message):
    response = _flow(alice).upload(data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert stored_files(private_files) == []


@override_settings(MAX_UPLOAD_BYTES=20)
def test_a_file_over_the_size_limit_stores_nothing(alice, sheffield, private_files):
    response = _flow(alice).upload(GOOD_CSV)
    assert response.status_code == 200
    assert "the limit is" in response.context["form"].errors["file"][0]
    assert stored_files(private_files) == []
    assert not sheffield.teams.exists()


def test_the_mapping_step_reports_a_missing_required_column(alice):
    flow = _flow(alice)
    flow.upload(csv_text("Team,Notes", "CMHT North,busy"))
    page = flow.client.get(flow.map_url)
    assert page.context["form"]["name"].initial == "Team"
    assert page.context["form"]["service_type"].initial == ""
    response = flow.map(name="Team")
    assert response.templates[0].name == "imports/map.html"
    errors = response.context["form"].errors["service_type"]
    assert errors == ["Choose the column that holds Service type: it is required."]
    assert "Service type (optional)" not in response.content.decode()


def test_the_mapping_is_remembered_per_user_and_kind(alice, eve, sheffield):
    odd = csv_text("Unit,Kind of work", "CMHT North,community")
    flow = _flow(alice)
    flow.upload(odd)
    assert flow.client.get(flow.map_url).context["form"]["name"].initial == ""  # nothing to match on
    flow.map(name="Unit", service_type="Kind of work")
    flow.commit()

    again = _flow(alice)
    again.upload(csv_text("Unit,Kind of work", "CMHT South,community"))
    form = again.client.get(again.map_url).context["form"]
    assert (form["name"].initial, form["service_type"].initial) == ("Unit", "Kind of work")

    other_user = _flow(eve)
    other_user.upload(odd)
    assert other_user.client.get(other_user.map_url).context["form"]["name"].initial == ""


def test_a_formula_looking_name_imports_and_exports_neutralised(alice, sheffield):
    formula = '=HYPERLINK("http://x","y")'
    flow = _flow(alice)
    _import(
        flow,
        csv_text("Team,Service", '"=HYPERLINK(""http://x"",""y"")",community'),
        name="Team",
        service_type="Service",
    )
    flow.commit()
    assert _team_names(sheffield) == [formula]

    exported = flow.client.get(reverse("organisations:teams", args=["TAH"]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + formula

    exported = flow.client.get(reverse("organisations:teams", args=["TAH"]), {"format": "xlsx"})
    cell = load_workbook(io.BytesIO(exported.content)).worksheets[0]["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + formula


def test_an_upload_is_private_to_its_uploader(alice, eve):
    flow = _flow(alice)
    flow.upload(GOOD_CSV)
    thief = Flow(client_for(eve), kind="teams", trust="TAH", token=flow.token)
    assert thief.client.get(thief.map_url).status_code == 404
    assert thief.map(name="Team", service_type="Service").status_code == 404
    assert thief.commit().status_code == 404


def test_an_upload_for_one_trust_cannot_be_committed_into_another(admin_user, sheffield, rotherham):
    flow = Flow(client_for(admin_user), kind="teams", trust="TAH")
    _import(flow, GOOD_CSV)
    elsewhere = Flow(flow.client, kind="teams", trust="RXE", token=flow.token)
    assert elsewhere.commit().status_code == 404
    assert not rotherham.teams.exists() and not sheffield.teams.exists()


@pytest.mark.parametrize("who", ["bob", "charlie", "olive", "nadia", "rita"])
def test_it_requires_edit_access_to_the_trust(request, who, alice, sheffield):
    client = client_for(request.getfixturevalue(who))
    url = reverse("imports:upload", args=["teams"]) + "?trust=TAH"
    assert client.get(url).status_code == 403
    assert Flow(client).upload(GOOD_CSV).status_code == 403

    # Nor can they reach someone else's upload in progress.
    owner = _flow(alice)
    _import(owner, GOOD_CSV)
    intruder = Flow(client, token=owner.token)
    assert client.get(intruder.map_url).status_code == 403
    assert intruder.commit().status_code == 403
    assert intruder.errors_csv().status_code == 403
    assert not sheffield.teams.exists()


def test_an_import_needs_a_known_trust_and_kind(alice):
    client = client_for(alice)
    assert client.get(reverse("imports:upload", args=["teams"])).status_code == 404
    assert client.get(reverse("imports:upload", args=["teams"]) + "?trust=NOPE").status_code == 404
    assert client.get(reverse("imports:upload", args=["spaceships"])).status_code == 404


def test_an_editor_imports_into_their_own_trust_only(charlie, rotherham, sheffield):
    flow = _flow(charlie, trust="RXE")
    _import(flow, GOOD_CSV)
    flow.commit()
    assert _team_names(rotherham) == ["CMHT North", "Maple Ward"]
    assert not sheffield.teams.exists()


THREE_TEAMS = csv_text("Team,Service", "CMHT North,community", "CMHT South,community", "Crisis Team,crisis")


def _fail_on_third_row(monkeypatch, error: Exception) -> None:  # type: ignore[no-untyped-def]
    from newroles.organisations import services

    real_create = services.create_team

    def create(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["name"] == "Crisis Team":
            raise error
        return real_create(**kwargs)

    monkeypatch.setattr(services, "create_team", create)


def test_a_row_refused_at_commit_saves_nothing_and_says_so(alice, sheffield, monkeypatch):
    from django.core.exceptions import ValidationError

    flow = _flow(alice)
    assert _import(flow, THREE_TEAMS, name="Team", service_type="Service").context["result"].ok
    _fail_on_third_row(monkeypatch, ValidationError({"name": "Someone else just added this team."}))
    records = ChangeRecord.objects.count()
    response = flow.commit()
    assert response.status_code == 302 and response.url == flow.map_url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    # The commit checks every row again: a row refused now (the data changed since the check) is named.
    assert messages == [
        "Nothing was imported: 1 row(s) no longer pass the checks because the data changed after the file was "
        "checked (row 4, column Team: 'Crisis Team' Someone else just added this team). Check the file again."
    ]
    assert not sheffield.teams.exists()
    assert ChangeRecord.objects.count() == records


def test_a_crash_mid_commit_saves_nothing(alice, sheffield, monkeypatch):
    flow = _flow(alice)
    _import(flow, THREE_TEAMS, name="Team", service_type="Service")
    _fail_on_third_row(monkeypatch, RuntimeError("disk full"))
    records = ChangeRecord.objects.count()
    # The commit runs in the background worker: a crash there fails the run with a message, not the page.
    response = flow.commit()
    assert response.status_code == 302 and response.url == flow.map_url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["The import stopped with an unexpected error (RuntimeError). Nothing was saved."]
    assert not sheffield.teams.exists()
    assert ChangeRecord.objects.count() == records
