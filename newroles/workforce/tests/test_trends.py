"""Trends in the staff record, from hand-built aggregates: figures, net change, unresolved share, who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newroles.accounts import disclosure, policy
from newroles.conftest import client_for
from newroles.mapping.panels import map_first_months
from newroles.mapping.services import create_deployment
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.workforce import trends
from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
STAR = disclosure.SUPPRESSED

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(db) -> Trust:
    """A third trust in Sheffield's region, which sends its first extract in March."""
    return Trust.objects.get(ods_code="RXG")


def role(slug: str) -> Role:
    return Role.objects.get(slug=slug)


def row(trust: Trust, month: dt.date, slug: str | None, band: str, headcount: int, wte: str = "") -> trends.Row:
    role_id = role(slug).pk if slug else None
    return trends.Row(trust.pk, month, role_id, band, headcount, Decimal(wte or headcount))


def series(shown: trends.Shown, slug: str, band: str = "") -> trends.Series:
    return next(s for s in (shown.bands if band else shown.roles) if s.role and s.role.slug == slug and s.band == band)


# Pure: built by hand -------------------------------------------------------------------------------


def test_a_trusts_own_figures_month_by_month_with_net_change(sheffield, alice) -> None:
    rows = [
        row(sheffield, JAN, "peer_support_worker", "3", 10, "8.5"),
        row(sheffield, JAN, "peer_support_worker", "4", 2, "2"),
        row(sheffield, FEB, "peer_support_worker", "3", 12, "10"),
        row(sheffield, FEB, "peer_support_worker", "4", 1, "0.5"),
        row(sheffield, MAR, "peer_support_worker", "3", 9, "7"),
    ]
    data = trends.build(rows, {JAN: {sheffield.pk}, FEB: {sheffield.pk}, MAR: {sheffield.pk}})
    shown = trends.present(alice, data)
    psw = series(shown, "peer_support_worker")
    assert [(f.headcount, f.wte) for f in psw.figures] == [(12, Decimal("10.50")), (13, Decimal("10.50")),
                                                          (9, Decimal("7.00"))]  # fmt: skip
    assert [f.change for f in psw.figures] == [None, 1, -4]
    assert [f.change_wte for f in psw.figures] == [None, Decimal("0.00"), Decimal("-3.50")]
    band4 = series(shown, "peer_support_worker", "4")
    # A member sees the trust's own small counts; the band is gone in March, so no figure there.
    assert [f and f.headcount for f in band4.figures] == [2, 1, None]


def test_net_change_compares_only_the_trusts_that_sent_both_months(sheffield, rotherham, third, admin_user) -> None:
    rows = [
        row(sheffield, FEB, "nursing_associate", "4", 20),
        row(rotherham, FEB, "nursing_associate", "4", 30),
        row(sheffield, MAR, "nursing_associate", "4", 22),
        row(rotherham, MAR, "nursing_associate", "4", 30),
        row(third, MAR, "nursing_associate", "4", 40),  # its first month: not growth
    ]
    sent = {FEB: {sheffield.pk, rotherham.pk}, MAR: {sheffield.pk, rotherham.pk, third.pk}}
    shown = trends.present(admin_user, trends.build(rows, sent))
    figures = series(shown, "nursing_associate").figures
    assert figures[1].headcount == 92
    assert figures[1].change == 2


def test_outside_the_trusts_a_total_that_differencing_would_give_away_is_hidden(
    sheffield, rotherham, charlie, nadia, admin_user
) -> None:
    # The worked example of docs/data-protection.md: pharmacists, Rotherham 51, Sheffield 1.
    rows = [
        row(rotherham, MAR, "pharmacist", "7", 51),
        row(sheffield, MAR, "pharmacist", "7", 1),
        row(rotherham, MAR, "nursing_associate", "4", 51),
        row(sheffield, MAR, "nursing_associate", "4", 40),
        row(rotherham, MAR, "peer_support_worker", "4", 30),
        row(sheffield, MAR, "peer_support_worker", "4", 30),
    ]
    data = trends.build(rows, {MAR: {sheffield.pk, rotherham.pk}})
    for reader in (charlie, nadia):
        shown = trends.present(reader, data)
        assert series(shown, "pharmacist").figures[0].headcount == STAR
        assert series(shown, "pharmacist").figures[0].wte == STAR
        # One hidden cell in a month's column would come back from the column's total: another is hidden.
        hidden = [series(shown, s).figures[0].hidden for s in ("nursing_associate", "peer_support_worker")]
        assert hidden.count(True) == 1
    assert series(trends.present(admin_user, data), "pharmacist").figures[0].headcount == 52


def test_a_net_change_is_hidden_with_either_of_its_months(sheffield, rotherham, nadia) -> None:
    rows = [
        row(rotherham, FEB, "physician_associate", "7", 50),
        row(sheffield, FEB, "physician_associate", "7", 50),
        row(rotherham, MAR, "physician_associate", "7", 50),
        row(sheffield, MAR, "physician_associate", "7", 2),  # 52 - 50 = 2: hidden
        row(rotherham, FEB, "nursing_associate", "4", 60),
        row(sheffield, FEB, "nursing_associate", "4", 60),
        row(rotherham, MAR, "nursing_associate", "4", 61),
        row(sheffield, MAR, "nursing_associate", "4", 70),
        row(rotherham, FEB, "peer_support_worker", "4", 60),
        row(sheffield, FEB, "peer_support_worker", "4", 60),
        row(rotherham, MAR, "peer_support_worker", "4", 65),
        row(sheffield, MAR, "peer_support_worker", "4", 65),
    ]
    shown = trends.present(nadia, trends.build(rows, {FEB: {sheffield.pk, rotherham.pk},
                                                      MAR: {sheffield.pk, rotherham.pk}}))  # fmt: skip
    pa = series(shown, "physician_associate").figures
    assert pa[0].headcount == 100 and pa[1].headcount == STAR
    assert pa[1].change == STAR and pa[1].change_wte == STAR
    assert series(shown, "nursing_associate").figures[1].change == 11


def test_the_share_on_unresolved_titles_month_by_month(sheffield, alice, nadia, rotherham) -> None:
    unresolved = [
        trends.Unresolved(sheffield.pk, JAN, staff=200, unmatched=30, review=20),
        trends.Unresolved(sheffield.pk, FEB, staff=200, unmatched=10, review=10),
        trends.Unresolved(rotherham.pk, FEB, staff=100, unmatched=2, review=1),  # 20 + 3: 3 hidden by difference
    ]
    data = trends.build([], {JAN: {sheffield.pk}, FEB: {sheffield.pk, rotherham.pk}}, unresolved)
    own = trends.build([], {JAN: {sheffield.pk}, FEB: {sheffield.pk}}, unresolved[:2])
    assert [u["share"] for u in trends.present(alice, own).unresolved] == [0.25, 0.1]
    national = trends.present(nadia, data).unresolved
    assert national[0]["share"] == 0.25 and national[0]["waiting"] == 50
    assert national[1]["share"] is None and national[1]["waiting"] == STAR


def test_roles_in_the_record_before_the_map(sheffield, rotherham) -> None:
    nursing, peer = role("nursing_associate"), role("peer_support_worker")
    firsts = {nursing.pk: {sheffield.pk: JAN, rotherham.pk: FEB}, peer.pk: {sheffield.pk: MAR},
              role("pharmacist").pk: {sheffield.pk: JAN}}  # fmt: skip
    data = trends.build([], {JAN: {sheffield.pk}}, first_month=firsts)
    # Nursing associates on Sheffield's map from February (after the record), Rotherham's not at all;
    # peer support workers on the map in January, before the record: not listed. Pharmacists are established.
    found = trends.record_first(data, {nursing.pk: {sheffield.pk: FEB}, peer.pk: {sheffield.pk: JAN}})
    assert [(r["role"].slug, r["trusts"], r["first"], r["not_on_map"]) for r in found] == [
        ("nursing_associate", 2, JAN, 1)
    ]


# From the database and through the pages ----------------------------------------------------------------


def _month(trust: Trust, month: dt.date, cells: list[tuple[str | None, str, int]]) -> ExtractImport:
    """A current import with hand-built counts and titles (no file): (role slug, band, headcount)."""
    obj = ExtractImport.objects.create(trust=trust, month=month, filename="x.csv", status="done", is_current=True)
    for slug, band, n in cells:
        r = role(slug) if slug else None
        title = ExtractTitle.objects.create(
            extract=obj, trust=trust, month=month, title=slug or "Lead for hope", role=r, confidence=1 if r else 0,
            method="alias" if r else "none", headcount=n, wte=n, review=r is None,
        )  # fmt: skip
        StaffCount.objects.create(
            extract=obj, trust=trust, month=month, role=r, title=None if r else title, band=band, headcount=n, wte=n
        )
    return obj


@pytest.fixture
def recorded(sheffield, rotherham) -> None:
    _month(sheffield, FEB, [("peer_support_worker", "4", 20), ("pharmacist", "7", 1), (None, "5", 5)])
    _month(sheffield, MAR, [("peer_support_worker", "4", 23), ("pharmacist", "7", 1), (None, "5", 6)])
    _month(rotherham, FEB, [("peer_support_worker", "4", 30), ("pharmacist", "7", 51)])
    _month(rotherham, MAR, [("peer_support_worker", "4", 31), ("pharmacist", "7", 51)])


def test_load_reads_each_trusts_current_months(recorded, sheffield, alice) -> None:
    shown = trends.present(alice, trends.load([sheffield.pk]))
    assert shown.months == [FEB, MAR]
    assert [f.headcount for f in series(shown, "peer_support_worker").figures] == [20, 23]
    assert [round(u["share"], 3) for u in shown.unresolved] == [round(5 / 26, 3), round(6 / 30, 3)]


def test_a_trusts_trends_page_is_its_members_only(recorded, sheffield, alice, bob, charlie, nadia) -> None:
    url = f"/workforce/{sheffield.ods_code}/trends/"
    for member in (alice, bob):
        response = client_for(member).get(url)
        assert response.status_code == 200
        assert b"Net change from month to month" in response.content
    for outsider in (charlie, nadia):
        assert client_for(outsider).get(url).status_code == 404


def test_the_national_trends_and_their_exports_hide_what_differencing_would_give_away(recorded, charlie) -> None:
    client = client_for(charlie)
    page = client.get("/workforce/national/trends/")
    assert page.status_code == 200
    assert b"<svg" in page.content  # two months: the charts are drawn
    csv = client.get("/workforce/national/trends/?table=roles&format=csv").content.decode("utf-8-sig")
    lines = {tuple(line.split(",")[:4]) for line in csv.splitlines()}
    assert ("Pharmacist", "all", "March 2026", "*") in lines  # 52 - 51 = 1
    assert ("Peer support worker", "all", "March 2026", "54") in lines
    xlsx = client.get("/workforce/national/trends/?table=bands&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    region = client.get("/workforce/national/trends/?region=Y63")
    assert region.status_code == 200 and b"in North East and Yorkshire" in region.content


def test_the_record_before_the_map_panel_uses_the_maps_first_month(recorded, sheffield, alice) -> None:
    create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Peer support worker", role=role("peer_support_worker")
    )
    firsts = map_first_months([sheffield.pk])
    assert list(firsts[role("peer_support_worker").pk]) == [sheffield.pk]
    page = client_for(alice).get(f"/workforce/{sheffield.ods_code}/trends/")
    assert b"New roles in the staff record before they were on the map" in page.content
    assert b"Peer support worker" in page.content
