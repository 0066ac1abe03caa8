"""The reference data: seven regions, the trust register with its closures and successors, loaded idempotently."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from newroles.audit.models import ChangeRecord
from newroles.organisations import services
from newroles.organisations.models import Region, Trust

REGION_ORDER = [
    "North East and Yorkshire",
    "North West",
    "Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
STUDY_SET_BY_REGION = dict(zip(REGION_ORDER, [8, 5, 11, 4, 10, 7, 6], strict=True))


def test_there_are_seven_regions_in_order(db):
    assert list(Region.objects.values_list("name", flat=True)) == REGION_ORDER


def test_the_study_set_is_51_trusts_split_across_the_regions(db):
    assert Trust.objects.count() == 55
    study = Trust.objects.filter(in_study_set=True)
    assert study.count() == 51
    assert Counter(study.values_list("region__name", flat=True)) == STUDY_SET_BY_REGION


@pytest.mark.parametrize(
    ("closed", "successor", "closed_on"),
    [
        ("RRP", "G6V2S", dt.date(2024, 10, 31)),
        ("RTV", "RW4", dt.date(2021, 5, 31)),
        ("R1C", "RW1", dt.date(2024, 9, 30)),
        ("TAF", "G6V2S", dt.date(2024, 11, 1)),
        ("RNK", "G6V2S", dt.date(2026, 3, 31)),
        ("RYK", "TAJ", dt.date(2024, 9, 30)),
        ("R1F", "RW1", None),
    ],
)
def test_closed_trusts_have_successors(db, closed, successor, closed_on):
    trust = Trust.objects.select_related("successor").get(ods_code=closed)
    assert trust.status == Trust.CLOSED and not trust.is_active
    assert trust.successor.ods_code == successor
    assert trust.closed_on == closed_on


def test_only_closed_trusts_have_successors(db):
    assert not Trust.objects.filter(status=Trust.ACTIVE, successor__isnull=False).exists()
    assert Trust.objects.filter(status=Trust.CLOSED).count() == 7


def test_loading_again_changes_nothing_and_records_nothing(db):
    records = ChangeRecord.objects.count()
    counts = services.load_reference()
    assert counts == {"regions": 7, "trusts_created": 0, "trusts_updated": 0, "icbs_created": 0, "icbs_updated": 0}
    assert ChangeRecord.objects.count() == records
    assert Trust.objects.count() == 55


def test_loading_repairs_a_changed_trust_and_records_it(db, admin_user):
    trust = Trust.objects.get(ods_code="RXE")
    services.save_trust(actor=admin_user, ods_code="RXE", name="Renamed by hand")
    counts = services.load_reference()
    assert counts["trusts_updated"] == 1
    trust.refresh_from_db()
    assert trust.name == "Rotherham Doncaster and South Humber NHS Foundation Trust"
    record = ChangeRecord.objects.filter(object_id=str(trust.pk), content_type__model="trust").first()
    assert (record.before["name"], record.after["name"], record.user) == ("Renamed by hand", trust.name, None)
    assert record.message == "reference data: organisations/data"


def test_the_command_reports_counts(db, settings, capsys):
    settings.REFERENCE_LOADERS = ["newroles.organisations.services.load_reference"]
    records = ChangeRecord.objects.count()
    call_command("load_reference")
    assert (
        "organisations: regions: 7, trusts created: 0, trusts updated: 0, icbs created: 0, icbs updated: 0"
    ) in capsys.readouterr().out
    assert ChangeRecord.objects.count() == records


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ("yes", (True, "", None, None)),
        ("yes (renamed from Old Name NHS FT in 2019)", (True, "renamed from Old Name NHS FT in 2019", None, None)),
        ("no (closed 2021-05-31; services to Mersey Care RW4)", (False, None, dt.date(2021, 5, 31), "RW4")),
        ("no (merged into North London NHS FT G6V2S on 2024-11-01)", (False, None, dt.date(2024, 11, 1), "G6V2S")),
        ("no (closed 2020-01-01; services to ABC1 not in the register)", (False, None, dt.date(2020, 1, 1), None)),
        ("no", (False, "", None, None)),
    ],
)
def test_it_parses_status_history_and_successor(active, expected):
    row = {"ods_code": " X1X ", "name": " A Trust ", "region": "London", "active": active, "in_2023_study_set": "Yes"}
    parsed = services.parse_trust_row(row, known_codes={"RW4", "G6V2S"})
    is_active, note, closed_on, successor = expected
    assert (parsed.ods_code, parsed.name, parsed.in_study_set) == ("X1X", "A Trust", True)
    assert parsed.active is is_active
    if note is not None:
        assert parsed.status_note == note
    assert parsed.closed_on == closed_on
    assert parsed.successor_code == successor
