"""The integrated care boards in force and each trust's ICB, loaded from the data files: idempotent, and a
file with bad rows loads nothing and names every bad row."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from newroles.audit.models import ChangeRecord
from newroles.organisations import services
from newroles.organisations.models import Organisation, Trust

pytestmark = pytest.mark.django_db


def test_the_36_icbs_in_force_are_loaded_with_their_regions():
    icbs = Organisation.objects.filter(kind=Organisation.ICB)
    assert icbs.count() == 36
    assert Counter(icbs.values_list("region__name", flat=True)) == {
        "North East and Yorkshire": 4, "North West": 3, "Midlands": 11, "East of England": 3, "London": 4,
        "South East": 4, "South West": 7,
    }  # fmt: skip
    south_yorkshire = icbs.get(ods_code="QF7")
    assert south_yorkshire.name == "NHS South Yorkshire Integrated Care Board"
    assert "ONS Open Geography" in south_yorkshire.source
    # One of the six established on 1 April 2026, and one of the twelve abolished then.
    assert icbs.get(ods_code="Z9B2Z").name == "NHS West and North London Integrated Care Board"
    assert not Organisation.objects.filter(ods_code="QMJ").exists()


def test_active_trusts_are_linked_to_the_icb_their_headquarters_sit_in():
    linked = Trust.objects.filter(icb__isnull=False)
    assert linked.count() == 45
    assert not linked.filter(status=Trust.CLOSED).exists()
    assert Trust.objects.get(ods_code="RXE").icb.ods_code == "QF7"
    assert Trust.objects.get(ods_code="RMY").icb.ods_code == "T6Y0W"
    # The three care trusts the ODS extract does not list stay unlinked.
    assert set(Trust.objects.filter(status=Trust.ACTIVE, icb__isnull=True).values_list("ods_code", flat=True)) == {
        "TAD", "TAH", "TAJ",
    }  # fmt: skip
    # Every linked trust sits in its ICB's region, but for Oxleas (see data/README.md).
    mismatched = [t.ods_code for t in linked.select_related("icb") if t.icb.region_id != t.region_id]
    assert mismatched == ["RPG"]


def test_loading_again_writes_nothing():
    records = ChangeRecord.objects.count()
    assert services.load_icbs() == {"icbs_created": 0, "icbs_updated": 0, "trust_icbs_set": 0}
    assert ChangeRecord.objects.count() == records


def test_loading_repairs_a_changed_icb_and_a_changed_link(admin_user):
    icb = Organisation.objects.get(ods_code="QF7")
    services.update_organisation(actor=admin_user, organisation=icb, name="Renamed by hand")
    services.set_trust_icb(actor=admin_user, trust=Trust.objects.get(ods_code="RXE"), icb=None)
    counts = services.load_icbs()
    assert counts == {"icbs_created": 0, "icbs_updated": 1, "trust_icbs_set": 1}
    icb.refresh_from_db()
    assert icb.name == "NHS South Yorkshire Integrated Care Board"
    assert Trust.objects.get(ods_code="RXE").icb == icb


def test_a_trust_not_in_the_file_keeps_the_icb_an_administrator_gave_it(admin_user):
    sheffield = Trust.objects.get(ods_code="TAH")
    services.set_trust_icb(actor=admin_user, trust=sheffield, icb=Organisation.objects.get(ods_code="QF7"))
    services.load_icbs()
    sheffield.refresh_from_db()
    assert sheffield.icb.ods_code == "QF7"


@pytest.fixture
def data_dir(tmp_path):  # type: ignore[no-untyped-def]
    for name in (services.ICB_FILE, services.TRUST_ICB_FILE):
        shutil.copy(services.DATA_DIR / name, tmp_path / name)
    return tmp_path


def _append(path, *lines: str) -> None:  # type: ignore[no-untyped-def]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))


def test_bad_rows_are_all_named_and_nothing_is_loaded(data_dir):
    # A good new ICB first: it must not be saved when later rows are bad.
    _append(
        data_dir / services.ICB_FILE,
        "QZZ9\tNHS Good New Integrated Care Board\tLondon\tx",
        "qf8\tLower-case code\tLondon\tx",
        "QF7\tTwice\tNorth West\tx",
        "QZZ8\t\tAtlantis\tx",
    )
    _append(data_dir / services.TRUST_ICB_FILE, "NOPE\tQF7\tx", "RXE\tQF7\tagain", "TAH\tQXX\tx")
    records = ChangeRecord.objects.count()
    with pytest.raises(services.ReferenceDataError) as caught:
        services.load_icbs(data_dir=data_dir)
    problems = caught.value.problems
    assert problems == [
        "integrated_care_boards.tsv line 39, column ods_code: 'qf8' is not an ODS code (3 to 10 capitals or digits)",
        "integrated_care_boards.tsv line 40, column ods_code: QF7 is listed twice",
        "integrated_care_boards.tsv line 41, column name: give the ICB's name (at most 200 characters)",
        "integrated_care_boards.tsv line 41, column region: 'Atlantis' is not an NHS England region",
        "trust_icbs.tsv line 47, column trust_ods_code: 'NOPE' is not a trust in the register",
        "trust_icbs.tsv line 48, column trust_ods_code: RXE is listed twice",
        "trust_icbs.tsv line 49, column icb_ods_code: 'QXX' is not an ICB in integrated_care_boards.tsv",
    ]
    assert not Organisation.objects.filter(ods_code="QZZ9").exists()
    assert ChangeRecord.objects.count() == records


def test_a_good_new_row_is_loaded_once(data_dir):
    _append(data_dir / services.ICB_FILE, "QZZ9\tNHS Good New Integrated Care Board\tY56\tx")
    _append(data_dir / services.TRUST_ICB_FILE, "TAH\tQZZ9\tx")
    assert services.load_icbs(data_dir=data_dir) == {"icbs_created": 1, "icbs_updated": 0, "trust_icbs_set": 1}
    assert services.load_icbs(data_dir=data_dir) == {"icbs_created": 0, "icbs_updated": 0, "trust_icbs_set": 0}
    assert Trust.objects.get(ods_code="TAH").icb.region.name == "London"


def test_the_reference_loader_repairs_a_trusts_icb_as_part_of_the_trust(admin_user):
    rotherham = Trust.objects.get(ods_code="RXE")
    services.set_trust_icb(actor=admin_user, trust=rotherham, icb=None)
    counts = services.load_reference()
    assert (counts["trusts_updated"], counts["icbs_updated"]) == (1, 0)
    assert Trust.objects.get(ods_code="RXE").icb.ods_code == "QF7"


def test_a_fresh_load_records_each_trust_once_with_its_icb():
    trust = Trust.objects.get(ods_code="RXE")
    records = ChangeRecord.objects.filter(content_type__model="trust", object_id=str(trust.pk))
    assert [r.action for r in records] == ["create"]
    assert records.get().after["icb_id"] == trust.icb_id
