"""Teams from the staff record: units mapped to teams, compositions filled from a month's aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.lib.tabular import read_table
from newroles.organisations import services as organisations
from newroles.organisations.models import Team, Trust
from newroles.roles.models import Role
from newroles.skillmix import record, services
from newroles.skillmix.models import Composition, RecordUnit
from newroles.workforce.models import ExtractImport, StaffCount

MARCH = dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def role(slug: str) -> Role:
    return Role.objects.get(slug=slug)


def _counts(trust: Trust, cells: list[tuple[str, str | None, str, int, str]]) -> None:
    """A current import of hand-built counts: (organisation unit, role slug, band, headcount, WTE)."""
    extract = ExtractImport.objects.create(trust=trust, month=MARCH, filename="x.csv", status="done", is_current=True)
    for unit, slug, band, headcount, wte in cells:
        StaffCount.objects.create(
            extract=extract, trust=trust, month=MARCH, org_unit=unit, role=role(slug) if slug else None, band=band,
            headcount=headcount, wte=Decimal(wte),
        )  # fmt: skip


@pytest.fixture
def team(sheffield: Trust) -> Team:
    return organisations.create_team(actor=policy.SYSTEM, trust=sheffield, name="CMHT North", service_type="community")


@pytest.fixture
def counted(sheffield: Trust, team: Team) -> None:
    _counts(sheffield, [
        ("TAH 101 CMHT North", "nursing_associate", "4", 3, "2.60"),
        ("TAH 101 CMHT North", "mental_health_nurse", "6", 2, "2.00"),
        ("TAH 101 CMHT North", "psychiatrist", "medical", 1, "1.00"),
        ("TAH 101 CMHT North", None, "3", 2, "2.00"),  # titles matched to no role
        ("TAH 101 CMHT North", "peer_support_worker", "", 1, "0.60"),  # band missing
        ("TAH 102 CMHT North Duty", "nursing_associate", "4", 1, "0.80"),
        ("TAH 102 CMHT North Duty", "mental_health_nurse", "5", 1, "1.00"),
        ("TAH 200 Maple Ward", "nursing_associate", "4", 10, "10.00"),  # another team's unit
    ])  # fmt: skip
    for unit in ("TAH 101 CMHT North", "TAH 102 CMHT North Duty"):
        record.set_unit_team(actor=policy.SYSTEM, trust=sheffield, org_unit=unit, team=team)


def _hand_worked(team: Team) -> Composition:
    """The same team typed in by hand: four band 4 nursing associates sharing 3.4 WTE, two band 6 and one
    band 5 mental health nurses full time, and a full-time psychiatrist."""
    c = services.create_composition(actor=policy.SYSTEM, team=team, name="By hand")
    for slug, band, wte, count in (("nursing_associate", "4", "0.85", 4), ("mental_health_nurse", "6", "1", 2),
                                   ("mental_health_nurse", "5", "1", 1), ("psychiatrist", "", "1", 1)):  # fmt: skip
        services.add_posts(actor=policy.SYSTEM, composition=c, role=role(slug), band=band, wte=wte, count=count)
    return c


def test_a_composition_filled_from_aggregates_equals_the_hand_worked_one(counted, team) -> None:
    month = record.record_lines(team, MARCH)
    assert (month.unmatched, month.no_band) == (2, 1)
    filled = record.composition_from_record(actor=policy.SYSTEM, team=team, record=month)
    assert record.composition_lines(filled) == record.composition_lines(_hand_worked(team))
    assert all(d.same for d in record.compare(filled, month))
    assert filled.as_of == MARCH and "staff record of March 2026" in filled.description


def test_the_records_wte_is_shared_between_its_people_to_the_hundredth() -> None:
    line = record.Line(role("nursing_associate"), "4", 3, Decimal("2.60"))
    assert record.posts_for(line) == [Decimal("0.87"), Decimal("0.87"), Decimal("0.86")]
    assert sum(record.posts_for(record.Line(line.role, "4", 7, Decimal("5.93")))) == Decimal("5.93")


def test_the_manager_takes_the_records_figures_for_the_lines_chosen_and_keeps_the_rest(counted, team) -> None:
    c = services.create_composition(actor=policy.SYSTEM, team=team, name="Typed")
    services.add_posts(actor=policy.SYSTEM, composition=c, role=role("mental_health_nurse"), band="6", wte="1", count=3)
    services.add_posts(actor=policy.SYSTEM, composition=c, role=role("social_worker"), band="6", wte="1")
    services.add_posts(actor=policy.SYSTEM, composition=c, role=role("mental_health_nurse"), band="6", wte="1",
                       filled=False)  # fmt: skip
    month = record.record_lines(team, MARCH)
    differing = {d.key for d in record.compare(c, month) if not d.same}
    nurses6 = f"{role('mental_health_nurse').pk}:6"
    assert nurses6 in differing and f"{role('social_worker').pk}:6" in differing
    assert {d.key: d.change_text for d in record.compare(c, month)}[nurses6] == "-1 post"
    before = ChangeRecord.objects.count()
    assert record.take_from_record(actor=policy.SYSTEM, composition=c, record=month, keys=[nurses6]) == 2
    lines = {(line.role.slug, line.band): line.headcount for line in record.composition_lines(c)}
    assert lines == {("mental_health_nurse", "6"): 2, ("social_worker", "6"): 1}  # the social worker kept
    assert c.posts.filter(filled=False).count() == 1  # the vacancy is the manager's own
    assert ChangeRecord.objects.count() - before == 3 + 2 + 1  # three removed, two added, the description


def test_a_unit_is_remembered_changed_and_forgotten_with_its_history(sheffield, team, alice) -> None:
    other = organisations.create_team(actor=policy.SYSTEM, trust=sheffield, name="Crisis", service_type="crisis")
    unit = record.set_unit_team(actor=alice, trust=sheffield, org_unit="TAH  101 CMHT North", team=team)
    assert unit is not None and unit.org_unit == "TAH 101 CMHT North"
    record.set_unit_team(actor=alice, trust=sheffield, org_unit="TAH 101 CMHT North", team=other)
    assert RecordUnit.objects.get(trust=sheffield).team == other
    record.set_unit_team(actor=alice, trust=sheffield, org_unit="TAH 101 CMHT North", team=None)
    assert not RecordUnit.objects.exists()
    kinds = list(ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(RecordUnit))
                 .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert len(kinds) == 3


def test_a_unit_cannot_be_another_trusts_team(sheffield, rotherham, team) -> None:
    theirs = organisations.create_team(actor=policy.SYSTEM, trust=rotherham, name="Theirs", service_type="crisis")
    with pytest.raises(ValidationError):
        record.set_unit_team(actor=policy.SYSTEM, trust=sheffield, org_unit="TAH 1", team=theirs)


def test_units_import_from_a_spreadsheet_naming_row_column_and_reason(sheffield, team, alice) -> None:
    kind = get_kind("record_units")
    rows = b"Organisation unit,Team\nTAH 101 CMHT North,CMHT North\nTAH 300 Nowhere,No such team\n"
    table = read_table(rows, "u.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    result = engine.run_import(kind, table, mapping, ImportContext(actor=alice, trust=sheffield), commit=True)
    assert RecordUnit.objects.filter(trust=sheffield, org_unit="TAH 101 CMHT North", team=team).exists() is False
    assert result.errors and "No such team" in str(result.errors)
    table = read_table(b"Organisation unit,Team\nTAH 101 CMHT North,cmht north\n", "u.csv")
    engine.run_import(kind, table, mapping, ImportContext(actor=alice, trust=sheffield), commit=True)
    assert RecordUnit.objects.get(trust=sheffield, org_unit="TAH 101 CMHT North").team == team


# Pages --------------------------------------------------------------------------------------------------


def test_the_units_page_is_the_trusts_own(counted, sheffield, team, alice, bob, charlie) -> None:
    url = f"/skill-mix/record/{sheffield.ods_code}/units/"
    page = client_for(alice).get(url)
    assert page.status_code == 200 and b"TAH 200 Maple Ward" in page.content
    assert client_for(bob).get(url).status_code == 200
    assert client_for(bob).post(url, {}).status_code == 403
    assert client_for(charlie).get(url).status_code == 404
    rows = [r for r in page.context["rows"] if r["org_unit"] == "TAH 200 Maple Ward"]
    response = client_for(alice).post(url, {f"unit-{rows[0]['index']}": str(team.pk),
                                            **{f"unit-{r['index']}": str(team.pk) for r in page.context["rows"]
                                               if r["team"]}})  # fmt: skip
    assert response.status_code == 302
    assert RecordUnit.objects.filter(trust=sheffield, team=team).count() == 3


def test_the_composition_beside_the_record_and_taking_its_figures(counted, sheffield, team, alice, bob, charlie):
    c = _hand_worked(team)
    services.update_composition(actor=policy.SYSTEM, composition=c, is_shared=True)
    url = f"/skill-mix/compositions/{c.pk}/record/"
    page = client_for(alice).get(url)
    assert page.status_code == 200 and page.context["differ"] == 0
    assert client_for(charlie).get(f"/skill-mix/compositions/{c.pk}/").status_code == 200  # shared
    assert client_for(charlie).get(url).status_code == 404  # but the record beside it is Sheffield's own
    assert client_for(bob).post(url, {"action": "take_all"}).status_code == 403
    nurse = c.posts.filter(role__slug="mental_health_nurse", band="6").first()
    services.delete_post(actor=policy.SYSTEM, post=nurse)
    assert client_for(alice).post(url, {"action": "take"}).status_code == 400  # nothing ticked: said so
    assert client_for(alice).post(url, {"action": "take_all"}).status_code == 302
    assert c.posts.filter(role__slug="mental_health_nurse", band="6").count() == 2


def test_a_new_composition_from_the_record_on_the_units_page(counted, sheffield, team, alice, bob) -> None:
    url = f"/skill-mix/record/{sheffield.ods_code}/compositions/add/"
    assert client_for(bob).post(url, {"team": team.pk}).status_code == 403
    response = client_for(alice).post(url, {"team": team.pk, "month": "2026-03"})
    assert response.status_code == 302
    made = Composition.objects.get(team=team)
    assert made.posts.count() == 4 + 3 + 1
