"""The national view: national readers and researchers only, small counts never shown, a fixed query count."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from newroles.accounts import disclosure
from newroles.accounts.disclosure import protect_groups as protect
from newroles.conftest import client_for
from newroles.funding.tests.conftest import fund
from newroles.mapping.tests.helpers import deploy
from newroles.organisations.models import Trust
from newroles.readiness.tests.conftest import check

pytestmark = pytest.mark.django_db
URL = reverse("readiness:national")
# Session, user, memberships, demo marker, the filter lists, then a fixed few for the checks and computed factors
# (funding lines and their shares included).
NATIONAL_MAX_QUERIES = 20


def _trusts(region: str, n: int) -> list[Trust]:
    trusts = list(Trust.objects.filter(region__code=region, in_study_set=True).order_by("ods_code")[:n])
    assert len(trusts) == n
    return trusts


def _checked_at(
    trusts: list[Trust], slug: str = "peer_support_worker", *, funded: bool = False, **ratings: str
) -> None:
    for t in trusts:
        deployment = deploy(t, f"Peer Worker {t.ods_code}", slug, status="active")
        if funded:
            fund(deployment)
        check(deployment, **ratings)


@pytest.mark.parametrize(("who", "status"), [("nadia", 200), ("rita", 200), ("admin_user", 200), ("alice", 403),
                                             ("charlie", 403), ("olive", 403)])  # fmt: skip
def test_the_national_view_is_for_national_readers_and_researchers(who, status, request):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == status


def _region_rows(html: str) -> dict[str, list[str]]:
    """The region table's rows: factor (or 'Deployments checked') -> its cells, the last being England's."""
    section = html.split('id="by-region"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr class=\"nhsuk-table__row[^\"]*\">(.*?)</tr>", section, re.S):
        head = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if head:
            cells = re.findall(r"<td[^>]*>(?:<strong>)?([^<]*)(?:</strong>)?</td>", row)
            rows[head.group(1).strip()] = [c.strip() for c in cells]
    return rows


@pytest.fixture
def six_and_two(db):  # type: ignore[no-untyped-def]
    """Room for candid concerns unmet at six North East and Yorkshire trusts and two in the Midlands."""
    _checked_at(_trusts("Y63", 6), candid_concerns="not_started")
    _checked_at(_trusts("Y60", 2), candid_concerns="not_started")


def test_small_counts_and_the_cells_that_would_give_them_away_are_starred(six_and_two, nadia):
    html = client_for(nadia).get(URL).content.decode()
    rows = _region_rows(html)
    # Regions in order: North East and Yorkshire, North West, Midlands, East of England, London, South East,
    # South West, then England.
    assert rows["Room for candid concerns"][0] == "*"  # 6, but 8 - 6 would give the Midlands' 2 away
    assert rows["Room for candid concerns"][2] == "*"  # 2
    assert rows["Room for candid concerns"][-1] == "8"
    assert rows["Deployments checked"][0] == rows["Deployments checked"][2] == "*"
    assert "<strong>8</strong> deployments with a readiness check" in html


def test_the_page_never_shows_a_count_from_one_to_four_nor_a_row_that_gives_one_away(six_and_two, nadia):
    html = client_for(nadia).get(URL).content.decode()
    numbers = [int(n) for n in re.findall(r"nhsuk-table__cell--numeric\">(?:<strong>)?(\d+)", html)]
    assert numbers and not [n for n in numbers if disclosure.is_small(n)]
    for title, cells in _region_rows(html).items():
        *regions, total = cells
        if total != "*":
            shown = sum(int(c) for c in regions if c != "*")
            hidden = [c for c in regions if c == "*"]
            assert len(hidden) != 1, title
            assert not disclosure.is_small(int(total) - shown), title


def test_an_administrator_sees_every_count(six_and_two, admin_user):
    rows = _region_rows(client_for(admin_user).get(URL).content.decode())
    assert rows["Room for candid concerns"][0] == "6" and rows["Room for candid concerns"][2] == "2"


def test_the_view_narrows_to_one_role_or_region(six_and_two, nadia):
    _checked_at(_trusts("Y56", 6), slug="nursing_associate")
    html = client_for(nadia).get(URL + "?role=nursing_associate").content.decode()
    assert "<strong>6</strong> deployments with a readiness check of nursing associates" in html
    html = client_for(nadia).get(URL + "?region=Y63").content.decode()
    assert "<strong>6</strong> deployments with a readiness check in North East and Yorkshire" in html


def test_the_national_page_reads_a_fixed_number_of_queries_however_many_trusts(nadia, django_assert_max_num_queries):
    client = client_for(nadia)
    _checked_at(_trusts("Y63", 2), funded=True)
    with django_assert_max_num_queries(NATIONAL_MAX_QUERIES) as few:
        assert client.get(URL).status_code == 200
    _checked_at(_trusts("Y60", 10), funded=True)
    _checked_at(_trusts("Y56", 8), slug="nursing_associate", funded=True)
    with django_assert_max_num_queries(NATIONAL_MAX_QUERIES) as many:
        assert client.get(URL).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# The suppression itself, for any counts -------------------------------------------------------------

OUTSIDER = SimpleNamespace(is_authenticated=False)  # a reader who is a member of no trust
cells_strategy = st.lists(st.dictionaries(st.integers(1, 6), st.integers(0, 9), max_size=4), min_size=2, max_size=7)


@settings(max_examples=200, deadline=None)
@given(cells=cells_strategy, data=st.data())
def test_no_group_gives_a_hidden_cell_away(cells, data):
    groups = data.draw(st.lists(st.lists(st.integers(0, len(cells) - 1), min_size=2, max_size=len(cells), unique=True),
                                min_size=1, max_size=4))  # fmt: skip
    hidden = protect(OUTSIDER, cells, groups)
    for i, cell in enumerate(cells):
        if disclosure.is_small(sum(cell.values())):
            assert hidden[i]
    for group in groups:
        exposed = [sum(cells[i].values()) for i in group if hidden[i] and sum(cells[i].values())]
        others = [i for i in group if not hidden[i] and sum(cells[i].values())]
        if exposed and others:  # a sum known with shown cells in it: what is hidden is neither alone nor small
            assert len(exposed) > 1 and not disclosure.is_small(sum(exposed))


def test_the_role_table_leaves_out_roles_with_too_few_checks_to_show(six_and_two, nadia, admin_user):
    _checked_at(_trusts("Y56", 2), slug="nursing_associate")  # two checks: the role's count is starred
    _checked_at(_trusts("Y59", 6), slug="physician_associate")  # starred too, or 16 - 8 - 6 would give the 2 away
    html = client_for(nadia).get(URL).content.decode()
    by_role = html.split('id="by-role"')[1].split("</table>")[0]
    assert "Peer support worker" in by_role
    assert "Nursing associate" not in by_role and "Physician associate" not in by_role
    assert "Nursing associate" in client_for(admin_user).get(URL).content.decode().split('id="by-role"')[1]
