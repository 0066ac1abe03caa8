"""The import engine, driven directly with the teams kind: validate every row, commit all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from newroles.audit.models import ChangeRecord
from newroles.imports import engine
from newroles.imports.models import ColumnMapping
from newroles.imports.registry import ImportContext, get_kind, parse_bool, parse_choice
from newroles.imports.tests.helpers import csv_text, stored_files
from newroles.lib.tabular import TabularError, read_table
from newroles.organisations import services
from newroles.organisations.models import SERVICE_TYPES, Team

TEAMS = get_kind("teams")
TRUSTS = get_kind("trusts")
MAPPING = {"name": "Team", "service_type": "Service", "is_shared": "Shared"}


def _run(data: bytes, actor, trust, *, commit: bool, mapping=None) -> engine.ImportResult:  # type: ignore[no-untyped-def]
    return engine.run_import(TEAMS, read_table(data), mapping or MAPPING, ImportContext(actor, trust), commit=commit)


GOOD = csv_text("Team,Service,Shared", "CMHT North,community,yes", "Maple Ward,Inpatient,no", "Crisis Team,crisis,")


def test_it_validates_without_writing(alice, sheffield):
    before = ChangeRecord.objects.count()
    result = _run(GOOD, alice, sheffield, commit=False)
    assert result.ok
    assert (result.rows, result.created, result.updated, result.committed) == (3, 3, 0, False)
    assert not sheffield.teams.exists()
    assert ChangeRecord.objects.count() == before


def test_it_commits_every_row_with_one_batch_id(alice, sheffield):
    result = _run(GOOD, alice, sheffield, commit=True)
    assert result.committed
    assert sorted(sheffield.teams.values_list("name", "service_type", "is_shared")) == [
        ("CMHT North", "community", True),
        ("Crisis Team", "crisis", False),
        ("Maple Ward", "inpatient", False),
    ]
    records = ChangeRecord.objects.filter(batch_id=result.batch_id)
    assert records.count() == 3
    assert {r.action for r in records} == {ChangeRecord.CREATE}
    assert {r.user for r in records} == {alice}


def test_it_updates_a_team_matched_by_name_ignoring_case(alice, sheffield, private_team):
    result = _run(csv_text("Team,Service", "maple ward,crisis"), alice, sheffield, commit=True, mapping=MAPPING)
    assert (result.created, result.updated) == (0, 1)
    private_team.refresh_from_db()
    assert private_team.service_type == "crisis"
    assert private_team.name == "Maple Ward"


def test_a_team_twice_in_one_file_is_created_then_updated(alice, sheffield):
    data = csv_text("Team,Service", "Maple Ward,inpatient", "Maple Ward,crisis")
    check = _run(data, alice, sheffield, commit=False)
    assert (check.ok, check.created, check.updated) == (True, 1, 1)
    result = _run(data, alice, sheffield, commit=True)
    assert (result.created, result.updated) == (1, 1)
    assert list(sheffield.teams.values_list("name", "service_type")) == [("Maple Ward", "crisis")]


def test_it_reports_every_bad_row_and_writes_nothing(alice, sheffield):
    data = csv_text(
        "Team,Service,Shared",
        "Good Team,community,yes",
        "Rocket Team,Spaceship,no",
        ",crisis,no",
        "Odd Team,crisis,maybe",
        "T" * 151 + ",crisis,no",
        "Also Good,perinatal,",
    )
    teams, records = Team.objects.count(), ChangeRecord.objects.count()
    result = _run(data, alice, sheffield, commit=True)
    assert not result.ok and not result.committed
    assert (result.created, result.updated) == (0, 0)
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("row 3, column Service: 'Spaceship' is not one of: community, inpatient, crisis")
    assert messages[1] == "row 4, column Team: Name is required but this row leaves it empty"
    assert messages[2] == "row 5, column Shared: 'maybe' is not yes or no"
    assert messages[3].startswith("row 6, column Team: '" + "T" * 151 + "' Ensure this value has at most 150")
    assert len(messages) == 4
    assert Team.objects.count() == teams
    assert ChangeRecord.objects.count() == records


def test_every_missing_required_value_of_a_row_is_reported(alice, sheffield):
    data = csv_text("Team,Service,Notes", "CMHT North,community,", ",,a note but no team")
    result = _run(data, alice, sheffield, commit=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Team"), (3, "Service")]


def test_the_error_table_has_row_column_value_and_problem(alice, sheffield):
    result = _run(csv_text("Team,Service", "Rocket,Spaceship"), alice, sheffield, commit=False)
    headers, rows = engine.error_rows(result)
    assert headers == ["Row", "Column", "Value", "Problem"]
    assert rows == [[2, "Service", "Spaceship", "is not one of: " + ", ".join(k for k, _ in SERVICE_TYPES)]]


def test_a_failure_mid_commit_writes_nothing(alice, sheffield, monkeypatch):
    real_create = services.create_team
    calls = []

    def create_then_fail(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["name"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "create_team", create_then_fail)
    teams, records = Team.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        _run(GOOD, alice, sheffield, commit=True)
    assert len(calls) == 3
    assert Team.objects.count() == teams
    assert ChangeRecord.objects.count() == records


def test_a_row_refused_only_at_commit_rolls_back_the_rows_before_it(alice, sheffield, monkeypatch):
    """A row that passed the check but fails at commit (another user got there first) keeps nothing."""
    real_create = services.create_team

    def refuse_third(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["name"] == "Crisis Team":
            raise ValidationError({"name": "A team with this name was just added by someone else."})
        return real_create(**kwargs)

    monkeypatch.setattr(services, "create_team", refuse_third)
    records = ChangeRecord.objects.count()
    result = _run(GOOD, alice, sheffield, commit=True)
    assert [str(e) for e in result.errors] == [
        "row 4, column Team: 'Crisis Team' A team with this name was just added by someone else."
    ]
    assert not result.committed and result.created == 0
    assert not sheffield.teams.exists()
    assert ChangeRecord.objects.count() == records


def test_a_permission_refusal_is_reported_on_its_row(bob, sheffield):
    """The views refuse viewers first; the engine still reports the service's refusal rather than crash."""
    result = _run(GOOD, bob, sheffield, commit=True)
    assert [e.row for e in result.errors] == [2, 3, 4]
    assert {e.column for e in result.errors} == {None}
    assert "may not change" in result.errors[0].message
    assert not sheffield.teams.exists()


def test_it_maps_columns_by_name_label_and_synonym():
    assert engine.suggest_mapping(TEAMS, ["Team name", "Service type", "Notes", "Shared"], {}) == {
        "name": "Team name",
        "service_type": "Service type",
        "is_shared": "Shared",
    }
    assert engine.suggest_mapping(TRUSTS, ["ODS code", "Trust name", "NHS England region"], {}) == {
        "ods_code": "ODS code",
        "name": "Trust name",
        "region": "NHS England region",
    }


def test_a_remembered_mapping_wins_when_its_column_is_present():
    remembered = {"name": "Unit", "service_type": "Gone"}
    assert engine.suggest_mapping(TEAMS, ["Unit", "Team", "Service"], remembered) == {
        "name": "Unit",
        "service_type": "Service",
    }


def test_it_remembers_one_mapping_per_user_and_kind(alice, eve):
    engine.remember_mapping(actor=alice, kind=TEAMS, mapping={"name": "Unit"})
    engine.remember_mapping(actor=alice, kind=TEAMS, mapping={"name": "Unit", "service_type": "Kind"})
    engine.remember_mapping(actor=alice, kind=TEAMS, mapping={"name": "Unit", "service_type": "Kind"})
    assert engine.remembered_mapping(alice, TEAMS) == {"name": "Unit", "service_type": "Kind"}
    assert engine.remembered_mapping(eve, TEAMS) == {}
    assert engine.remembered_mapping(alice, TRUSTS) == {}
    assert ColumnMapping.objects.filter(user=alice).count() == 1


def test_mapping_problems_name_missing_required_columns_and_double_use():
    headers = ["Team", "Service"]
    assert engine.mapping_problems(TEAMS, {"name": "Team", "service_type": "Service"}, headers) == []
    assert engine.mapping_problems(TEAMS, {"name": "Team"}, headers) == [
        "Choose the column for Service type: it is required."
    ]
    assert engine.mapping_problems(TEAMS, {"name": "Team", "service_type": "Team"}, headers) == [
        "Column 'Team' is chosen for both Name and Service type."
    ]
    assert engine.mapping_problems(TEAMS, {"name": "Team", "service_type": "Nope"}, headers) == [
        "There is no column called 'Nope' in the file."
    ]


def test_only_fields_without_a_default_are_required():
    assert [f.name for f in TEAMS.required_fields] == ["name", "service_type"]
    assert [f.name for f in TRUSTS.required_fields] == ["ods_code", "name", "region"]
    assert TRUSTS.field("ods_code").label == "ODS code"


def test_parse_helpers_accept_loose_spellings():
    assert parse_bool("is_shared", " Yes ") is True
    assert parse_bool("is_shared", "private") is False
    assert parse_bool("is_shared", "", default=True) is True
    assert parse_choice("service_type", "Crisis and home treatment", SERVICE_TYPES) == "crisis"
    assert parse_choice("service_type", "talking-therapies", SERVICE_TYPES) == "talking_therapies"


@override_settings(MAX_UPLOAD_BYTES=10)
def test_it_refuses_a_file_over_the_limit_and_stores_nothing(alice, private_files):
    with pytest.raises(TabularError, match="the limit is"):
        engine.save_upload(GOOD, filename="teams.csv", kind=TEAMS, user=alice)
    assert stored_files(private_files) == []


def test_an_unreadable_file_is_not_stored(alice, private_files):
    with pytest.raises(TabularError):
        engine.save_upload(b"name,service\n", filename="teams.csv", kind=TEAMS, user=alice)
    assert stored_files(private_files) == []


def test_an_upload_belongs_to_its_user_and_kind(alice, eve, sheffield, private_files):
    upload, table = engine.save_upload(GOOD, filename="teams.csv", kind=TEAMS, user=alice, trust=sheffield)
    assert table.headers == ["Team", "Service", "Shared"]
    assert sorted(stored_files(private_files)) == sorted([f"{upload.token}.bin", f"{upload.token}.json"])
    loaded = engine.load_upload(upload.token, user=alice, kind=TEAMS)
    assert loaded is not None and loaded.trust_id == sheffield.pk
    assert loaded.table().rows == table.rows
    assert engine.load_upload(upload.token, user=eve, kind=TEAMS) is None
    assert engine.load_upload(upload.token, user=alice, kind=TRUSTS) is None
    assert engine.load_upload("../../etc/passwd", user=alice, kind=TEAMS) is None
    loaded.discard()
    assert stored_files(private_files) == []


def test_the_engine_refuses_nothing_the_policy_allows(admin_user, sheffield):
    """Admins import into any trust."""
    assert _run(GOOD, admin_user, sheffield, commit=True).committed
