"""The sourced reference events (loaded idempotently, each with a source and catalogue roles), the command
line, and the demo's planned roles at Sheffield."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newroles.audit.models import ChangeRecord
from newroles.forewarning import services
from newroles.forewarning.demo import load_forewarning_demo
from newroles.forewarning.models import Event
from newroles.forewarning.tests.conftest import deploy, today
from newroles.forewarning.warnings import lead_time_warnings
from newroles.mapping.models import Deployment
from newroles.roles.models import Role

DATA = json.loads((services.DATA_DIR / "events.json").read_text(encoding="utf-8"))


def test_every_reference_event_names_a_public_source_and_catalogue_roles(db):
    slugs = set(Role.objects.values_list("slug", flat=True))
    keys = [e["key"] for e in DATA["events"]]
    assert len(keys) == len(set(keys)) and DATA["about"]
    for entry in DATA["events"]:
        assert entry["source_url"].startswith("https://") and entry["source_citation"], entry["key"]
        assert entry["roles"] and set(entry["roles"]) <= slugs, entry["key"]
        dt.date.fromisoformat(entry["date"])


def test_the_reference_events_are_loaded_with_physician_associates_compulsory_registration(db):
    event = Event.objects.get(reference_key="physician-associate-gmc-registration-compulsory")
    assert event.date == dt.date(2026, 12, 13) and event.kind == "regulation" and not event.illustrative
    assert [r.slug for r in event.roles.all()] == ["physician_associate"]
    assert Event.objects.exclude(reference_key=None).count() == len(DATA["events"])


def test_loading_again_writes_nothing_and_a_changed_file_updates_only_what_changed(db, tmp_path):
    before = ChangeRecord.objects.count()
    assert services.load_events() == {"events": len(DATA["events"]), "events_changed": 0}
    assert ChangeRecord.objects.count() == before
    changed = json.loads(json.dumps(DATA))
    changed["events"][0]["title"] = "A corrected title"
    changed["events"][1]["roles"] = ["nursing_associate", "physician_associate"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert services.load_events(path=path)["events_changed"] == 2
    assert ChangeRecord.objects.count() == before + 2
    assert Event.objects.get(reference_key=changed["events"][0]["key"]).title == "A corrected title"


def test_a_reference_event_with_an_unknown_role_stops_the_load_and_says_which(db, tmp_path):
    bad = {"events": [{**DATA["events"][0], "key": "new-one", "roles": ["no_such_role"]}]}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="event new-one: roles not in the catalogue: no_such_role"):
        services.load_events(path=path)
    assert not Event.objects.filter(reference_key="new-one").exists()


def test_the_command_lists_a_trusts_events_as_json(sheffield, register):
    deploy(sheffield, "Nursing Associate", "nursing_associate")
    out = StringIO()
    call_command("forewarning", "events", "--trust", "tah", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["trust"] == "TAH" and data["as_of"] == today().isoformat()
    assert [e["title"] for e in data["events"]] == ["Nursing associate register opened", "Nursing associate intake"]
    assert data["events"][1]["when"] == "in 7 months" and data["events"][1]["months"] == 7
    assert data["events"][1]["roles"] == ["nursing_associate"]


def test_the_command_lists_the_register_as_a_table_and_refuses_an_unknown_trust(register):
    out = StringIO()
    call_command("forewarning", "events", stdout=out)
    text = out.getvalue()
    assert "PA registration compulsory" in text and "Psychiatry curriculum" in text and "in 2 months" in text
    with pytest.raises(CommandError, match="No trust with ODS code 'ZZZ'"):
        call_command("forewarning", "events", "--trust", "ZZZ", stdout=StringIO())


def test_the_demo_plans_one_role_too_soon_and_one_in_time_at_sheffield(sheffield):
    day = dt.date(2027, 3, 15)
    assert load_forewarning_demo(day) == {"planned_roles": 2, "events": 3}
    assert load_forewarning_demo(day) == {"planned_roles": 0, "events": 0}  # once only
    planned = list(Deployment.objects.filter(trust=sheffield, status="planned").select_related("role"))
    warned = lead_time_warnings(planned, today=day)
    assert {d.local_title for d in planned if d.pk in warned} == {"Nursing Associate"}
    assert {d.local_title for d in planned if d.pk not in warned} == {"Education Mental Health Practitioner"}
    assert Event.objects.filter(illustrative=True).count() == 3
    assert all("Illustrative" in e.source_citation for e in Event.objects.filter(illustrative=True))
