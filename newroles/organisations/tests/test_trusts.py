"""The trust list (search, region, which set, exports), the regions page and a trust's page."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from newroles.conftest import client_for
from newroles.organisations.models import Trust
from newroles.organisations.tests.test_reference import REGION_ORDER, STUDY_SET_BY_REGION


def _trusts(user, **query):  # type: ignore[no-untyped-def]
    return client_for(user).get(reverse("organisations:trusts"), query)


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.ods_code for _, trusts in response.context["grouped"] for t in trusts]


def test_the_list_shows_the_study_set_grouped_by_region(olive):
    response = _trusts(olive)
    assert response.status_code == 200
    assert response.context["count"] == 51
    grouped = response.context["grouped"]
    assert [region.name for region, _ in grouped] == REGION_ORDER
    assert {region.name: len(trusts) for region, trusts in grouped} == STUDY_SET_BY_REGION
    for _, trusts in grouped:
        names = [t.name for t in trusts]
        assert names == sorted(names)
    assert "51 trusts" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "sheffield"}, ["TAH"]),
        ({"q": "  Sheffield Health  "}, ["TAH"]),
        ({"q": "rxe"}, ["RXE"]),
        ({"q": "RX"}, []),  # a code is matched whole, not by prefix
        ({"q": "tavistock", "set": "all"}, ["RNK"]),
    ],
)
def test_it_searches_by_name_and_ods_code(olive, query, expected):
    assert _codes(_trusts(olive, **query)) == expected


def test_it_says_when_nothing_matches(olive):
    assert "No trusts match" in _trusts(olive, q="zzzz").content.decode()


def test_it_filters_by_region(olive):
    response = _trusts(olive, region="Y56")
    assert [region.name for region, _ in response.context["grouped"]] == ["London"]
    assert response.context["count"] == 10
    assert set(_codes(_trusts(olive, region="Y56", set="all"))) >= {"G6V2S", "RRP", "TAF", "RNK"}


@pytest.mark.parametrize(
    ("trust_set", "count", "included", "excluded"),
    [
        ("study", 51, {"RRP", "R1C"}, {"G6V2S", "RTV"}),
        ("active", 48, {"G6V2S", "RW4"}, {"RRP", "RTV", "R1C"}),
        ("all", 55, {"G6V2S", "RRP", "RTV"}, set()),
    ],
)
def test_it_chooses_the_set_of_trusts(olive, trust_set, count, included, excluded):
    codes = set(_codes(_trusts(olive, set=trust_set)))
    assert len(codes) == count
    assert included <= codes
    assert not excluded & codes


def test_an_htmx_request_gets_only_the_results(olive):
    response = client_for(olive).get(reverse("organisations:trusts"), {"q": "sheffield"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "organisations/_trust_results.html"
    assert b"<html" not in response.content


def test_the_trust_list_exports_csv_and_xlsx(olive, private_team, shared_team):
    response = _trusts(olive, format="csv", region="Y63")
    assert response["Content-Disposition"] == 'attachment; filename="trusts.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["ODS code", "Name", "Region", "Status", "Note", "Successor", "In study set", "Website", "ICB"]
    assert len(rows) == 1 + 8
    assert {r[2] for r in rows[1:]} == {"North East and Yorkshire"}

    workbook = load_workbook(io.BytesIO(_trusts(olive, format="xlsx", set="all").content))
    values = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    assert len(values) == 1 + 55
    rtv = next(r for r in values if r[0] == "RTV")
    assert (rtv[3], rtv[5], rtv[6]) == ("Closed or merged", "RW4", "no")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_trust_exports_never_include_a_trusts_private_teams(charlie, private_team, file_format):
    content = _trusts(charlie, format=file_format, set="all").content
    text = content.decode("utf-8-sig") if file_format == "csv" else _xlsx_text(content)
    assert "Maple Ward" not in text


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row)


def test_the_regions_page_totals(olive):
    response = client_for(olive).get(reverse("organisations:regions"))
    rows = {r.name: (r.study, r.active, r.total) for r in response.context["regions"]}
    assert list(rows) == REGION_ORDER
    assert {name: study for name, (study, _, _) in rows.items()} == STUDY_SET_BY_REGION
    assert rows["London"] == (10, 8, 11)
    assert response.context["totals"] == {"study": 51, "active": 48, "total": 55}


def test_the_old_region_address_moves_permanently_to_the_maps_region_page(olive):
    response = client_for(olive).get("/regions/Y62/")
    assert response.status_code == 301
    assert response["Location"] == reverse("mapping:region", args=["Y62"])
    assert client_for(olive).get(reverse("organisations:region", args=["Y00"])).status_code == 404


def test_the_region_page_lists_all_its_trusts_and_icbs(olive):
    response = client_for(olive).get("/regions/Y62/", follow=True)
    assert response.status_code == 200
    trusts = [row["trust"] for row in response.context["trusts"]]
    assert len(trusts) == 6
    assert trusts[-1].ods_code == "RTV"  # closed trusts last, named with where their services went
    page = response.content.decode()
    assert "Integrated care boards" in page
    for icb in response.context["icbs"]:
        assert icb.name in page


def test_a_closed_trust_page_names_its_successor(olive):
    response = client_for(olive).get(reverse("organisations:trust", args=["rtv"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Its services are now with" in page and Trust.objects.get(ods_code="RW4").name in page
    successor = client_for(olive).get(reverse("organisations:trust", args=["RW4"]))
    assert [t.ods_code for t in successor.context["predecessors"]] == ["RTV"]


def test_an_unknown_trust_is_404(olive):
    assert client_for(olive).get(reverse("organisations:trust", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [("alice", True), ("eve", True), ("bob", True), ("admin_user", True), ("charlie", False), ("nadia", False),
     ("rita", False), ("olive", False)],
)  # fmt: skip
def test_the_trust_page_lists_only_the_teams_the_user_may_see(request, who, sees_private, private_team, shared_team):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("organisations:trust", args=["TAH"]))
    expected = ["CMHT North", "Maple Ward"] if sees_private else ["CMHT North"]
    assert sorted(t.name for t in response.context["teams"]) == expected
    assert ("Maple Ward" in response.content.decode()) is sees_private


def test_the_trust_page_shows_actions_by_access(alice, bob, charlie):
    def context(user):  # type: ignore[no-untyped-def]
        return client_for(user).get(reverse("organisations:trust", args=["TAH"])).context

    assert (context(alice)["can_edit"], context(alice)["can_manage"], context(alice)["is_member"]) == (True,) * 3
    assert (context(bob)["can_edit"], context(bob)["can_manage"], context(bob)["is_member"]) == (False, False, True)
    assert (context(charlie)["can_edit"], context(charlie)["is_member"]) == (False, False)
    assert "Members</a>" not in client_for(charlie).get(reverse("organisations:trust", args=["TAH"])).content.decode()
