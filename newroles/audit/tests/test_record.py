"""The audit trail written by the service functions: one record per change, with the row before and after."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from newroles.accounts import policy
from newroles.audit import context
from newroles.audit.models import ChangeRecord
from newroles.audit.services import history, record, snapshot
from newroles.organisations import services
from newroles.organisations.models import Team


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    """A function giving the records written since the test began, oldest first."""
    start = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: list(ChangeRecord.objects.filter(id__gt=start).order_by("id"))


def test_creating_a_team_writes_one_record(eve, sheffield, records):
    team = services.create_team(actor=eve, trust=sheffield, name="Maple Ward", service_type="inpatient")
    [created] = records()
    assert (created.action, created.user, created.user_name, created.trust) == ("create", eve, "eve", sheffield)
    assert (created.object_id, created.object_repr, created.before) == (str(team.pk), "Maple Ward", None)
    assert created.after["name"] == "Maple Ward"
    assert created.after["trust_id"] == sheffield.pk
    assert "updated_at" not in created.after  # excluded: it changes on every save


def test_renaming_a_team_records_before_and_after(eve, private_team, records):
    services.update_team(actor=eve, team=private_team, name="  Oak Ward ")
    [renamed] = records()
    assert renamed.action == "update"
    assert (renamed.before["name"], renamed.after["name"]) == ("Maple Ward", "Oak Ward")
    assert renamed.changed_fields() == [("name", "Maple Ward", "Oak Ward")]


def test_nothing_changed_means_no_record(eve, private_team, records):
    services.update_team(actor=eve, team=private_team, name="Maple Ward", service_type="inpatient")
    services.update_team(actor=eve, team=private_team)
    assert records() == []


def test_deleting_a_team_records_the_row(eve, private_team, records):
    pk = private_team.pk
    services.delete_team(actor=eve, team=private_team)
    [deleted] = records()
    assert (deleted.action, deleted.object_id, deleted.after) == ("delete", str(pk), None)
    assert deleted.before["name"] == "Maple Ward"
    assert not Team.objects.filter(pk=pk).exists()


def test_a_refused_change_writes_no_record(bob, private_team, records):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_team(actor=bob, team=private_team, name="Oak Ward")
    with pytest.raises(PermissionDenied):
        services.delete_team(actor=bob, team=private_team)
    assert records() == []


def test_an_invalid_change_writes_no_record(eve, private_team, records):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.update_team(actor=eve, team=private_team, service_type="spaceship")
    assert records() == []


def test_a_system_change_is_recorded_as_system(sheffield, records):
    services.create_team(actor=policy.SYSTEM, trust=sheffield, name="Maple Ward", service_type="inpatient")
    [created] = records()
    assert (created.user, created.user_name) == (None, "system")


def test_the_record_outlives_its_user(eve, sheffield, records):
    services.create_team(actor=eve, trust=sheffield, name="Maple Ward", service_type="inpatient")
    eve.delete()
    [created] = records()
    assert (created.user, created.user_name) == (None, "eve")


def test_records_carry_the_request_and_batch_ids(eve, sheffield, records):
    with context.request_scope("req-1"), context.batch() as batch_id:
        services.create_team(actor=eve, trust=sheffield, name="A", service_type="crisis")
        services.create_team(actor=eve, trust=sheffield, name="B", service_type="crisis")
    services.create_team(actor=eve, trust=sheffield, name="C", service_type="crisis")
    a, b, c = records()
    assert (a.request_id, a.batch_id) == ("req-1", batch_id) == (b.request_id, b.batch_id)
    assert (c.request_id, c.batch_id) == ("", "")


def test_record_must_run_inside_the_changes_transaction(private_team):
    connection = transaction.get_connection()
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False  # as if outside any transaction (the test itself runs in one)
    try:
        with pytest.raises(RuntimeError, match="inside the change's transaction"):
            record(actor=None, action="update", obj=private_team)
    finally:
        connection.in_atomic_block = in_block


def test_history_lists_an_objects_records_newest_first(eve, private_team):
    services.update_team(actor=eve, team=private_team, name="Oak Ward")
    assert [r.action for r in history(private_team)] == ["update", "create"]


def test_snapshot_is_plain_json(private_team):
    data = snapshot(private_team)
    assert json.loads(json.dumps(data)) == data
    assert dt.datetime.fromisoformat(data["created_at"]) == private_team.created_at
    assert (data["trust_id"], data["is_shared"]) == (private_team.trust_id, False)
