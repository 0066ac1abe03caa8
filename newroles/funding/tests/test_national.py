"""The national funding page: counts only, small counts starred outside the trust, no differencing, and a
fixed number of queries however many trusts keep a register."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from newroles.conftest import client_for
from newroles.funding.national import national_funding
from newroles.funding.tests.conftest import fund
from newroles.mapping.tests.helpers import deploy
from newroles.organisations.models import Trust
from newroles.roles.leadtime import add_months

pytestmark = pytest.mark.django_db

# The page's queries: the session, the user, their memberships, the demo marker, the lines, their shares,
# the regions; the same for 2 trusts or 40.
NATIONAL_MAX_QUERIES = 9


def cliffs(code: str, n: int, *, months: int = 3, role: str = "peer_support_worker", wte: str = "1.00") -> None:
    """`n` deployments at the trust, each with funding ending within `months` and nothing after it."""
    trust = Trust.objects.get(ods_code=code)
    today = timezone.localdate()
    for i in range(n):
        d = deploy(trust, f"{role} {i}", role)
        fund(d, funding_type="time_limited", start_date=add_months(today, -12), end_date=add_months(today, months),
             wte=Decimal(wte), covers_backfill=True, covers_supervision=i % 2 == 0)  # fmt: skip


def region_row(picture, name):  # type: ignore[no-untyped-def]
    return next(r for r in picture.by_region if r.name == name)


def test_a_trusts_small_count_is_starred_for_a_national_reader_and_shown_to_its_members(alice, nadia, admin_user):
    cliffs("TAH", 3)
    today = timezone.localdate()
    outside = national_funding(nadia, today=today)
    assert region_row(outside, "North East and Yorkshire").deployments_6 == "*"
    assert region_row(outside, "North East and Yorkshire").wte_6 == "*"
    assert outside.total.deployments_6 == "*" and outside.total.wte_12 == "*"
    assert outside.funded == "*"
    assert all(c.covered == "*" for c in outside.costs)
    inside = national_funding(alice, today=today)
    assert not inside.every_trust
    assert region_row(inside, "North East and Yorkshire").deployments_6 == 3
    assert inside.total.wte_6 == Decimal("3.00")
    assert national_funding(admin_user, today=today).total.deployments_6 == 3


def test_another_trusts_small_count_never_reaches_a_trust_member(charlie, alice):
    cliffs("TAH", 3)
    cliffs("RXE", 6)
    today = timezone.localdate()
    # Charlie (Rotherham) sees only Rotherham's figures: Sheffield's 3 are not in them at all.
    own = national_funding(charlie, today=today)
    assert own.total.deployments_6 == 6 and region_row(own, "North East and Yorkshire").deployments_6 == 6
    html = client_for(charlie).get(reverse("funding:national")).content.decode()
    assert "at your trust" in html


def test_a_total_that_would_give_back_a_small_count_is_hidden(nadia):
    """North East and Yorkshire's 9 minus Rotherham's 6 would give Sheffield's 3; and with the national total
    shown, the total less every other region would give North East and Yorkshire back, so a second region is
    hidden with it."""
    cliffs("TAH", 3)
    cliffs("RXE", 6)
    cliffs("RAT", 6)  # London
    cliffs("RKL", 5)
    cliffs("RDY", 7)  # South West
    cliffs("RH5", 5)
    picture = national_funding(nadia, today=timezone.localdate())
    assert region_row(picture, "North East and Yorkshire").deployments_6 == "*"
    assert region_row(picture, "London").deployments_6 == "*"  # the smallest other region, hidden with it
    south_west = region_row(picture, "South West")
    assert (south_west.deployments_6, south_west.wte_6) == (12, Decimal("12.00"))
    assert picture.total.deployments_6 == 32  # 32 less any one trust's count leaves 5 or more


def test_a_lone_hidden_region_is_protected_by_hiding_another(nadia):
    cliffs("TAH", 2)
    cliffs("RAT", 6)
    cliffs("RKL", 6)
    cliffs("RDY", 7)  # South West
    picture = national_funding(nadia, today=timezone.localdate())
    assert region_row(picture, "North East and Yorkshire").deployments_6 == "*"
    # Otherwise the total (21) less London (12) and the South West (7) would give Sheffield's 2.
    hidden = [r.name for r in picture.by_region if r.deployments_6 == "*"]
    assert len(hidden) >= 2


def test_cliffs_within_12_months_include_those_within_6(admin_user):
    cliffs("TAH", 2, months=3)
    cliffs("TAH", 4, months=9, role="nursing_associate")
    picture = national_funding(admin_user, today=timezone.localdate())
    assert (picture.total.deployments_6, picture.total.deployments_12) == (2, 6)
    by_role = {r.name: r for r in picture.by_role}
    assert by_role["Nursing associate"].deployments_12 == 4 and by_role["Nursing associate"].deployments_6 == 0


def test_costs_least_often_covered_come_first(admin_user):
    cliffs("TAH", 4)  # every line: salary and backfill; supervision on two
    picture = national_funding(admin_user, today=timezone.localdate())
    assert picture.costs[0].percent == 0 and picture.costs[-1].percent == 100
    supervision = next(c for c in picture.costs if c.label == "Supervision")
    assert (supervision.covered, supervision.not_covered, supervision.percent) == (2, 2, 50)


def test_someone_with_no_trust_and_no_national_role_is_refused(olive):
    assert client_for(olive).get(reverse("funding:national")).status_code == 403


def test_the_page_and_its_export_star_what_they_must(nadia, rita, alice):
    cliffs("TAH", 3)
    for user in (nadia, rita):
        page = client_for(user).get(reverse("funding:national"))
        assert page.status_code == 200
        assert "Funding risks across trusts" in page.content.decode()
        export = client_for(user).get(reverse("funding:national"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        region = next(r for r in rows if r[1] == "North East and Yorkshire")
        assert region[2:] == ["*", "*", "*", "*"]
    rows = list(csv.reader(io.StringIO(
        client_for(alice).get(reverse("funding:national"), {"format": "csv"}).content.decode("utf-8-sig")
    )))  # fmt: skip
    assert next(r for r in rows if r[1] == "North East and Yorkshire")[2:4] == ["3", "3.0"]


@pytest.mark.parametrize("trusts", [2, 40])
def test_the_page_costs_the_same_however_many_trusts(trusts, nadia, django_assert_max_num_queries):
    codes = list(Trust.objects.filter(in_study_set=True).order_by("ods_code").values_list("ods_code", flat=True))
    for code in codes[:trusts]:
        cliffs(code, 1)
    client = client_for(nadia)
    with django_assert_max_num_queries(NATIONAL_MAX_QUERIES):
        response = client.get(reverse("funding:national"))
    assert response.status_code == 200
    assert response.context["picture"].trusts == trusts


def test_funding_that_ended_counts_for_nothing(admin_user):
    trust = Trust.objects.get(ods_code="TAH")
    d = deploy(trust, "Peer Worker", "peer_support_worker")
    fund(d, funding_type="time_limited", start_date=dt.date(2020, 4, 1), end_date=dt.date(2021, 3, 31))
    picture = national_funding(admin_user, today=timezone.localdate())
    assert picture.total.deployments_12 == 0 and picture.funded == 0
