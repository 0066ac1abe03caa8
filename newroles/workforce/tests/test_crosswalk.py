"""The coding proposal page: the national recommendation beside how trusts coded each role, every count
suppressed by the small-number rule for readers outside the trusts, the download, and the links to it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.workforce import crosswalk
from newroles.workforce.tests.conftest import MARCH, post, rows_of

pytestmark = pytest.mark.django_db
URL = reverse("workforce:crosswalk")
SUPPORT = "Additional Clinical Services"


@pytest.fixture
def coded(sheffield, rotherham, run_import):  # type: ignore[no-untyped-def]
    """Peer support workers at two trusts: Sheffield codes 3 as recommended (H2D) and 6 as healthcare
    assistants (H1D); Rotherham codes 8 as recommended. Plus employment specialists coded as admin staff."""
    run_import(sheffield, rows_of(
        (3, post("Peer Support Worker", grade="Band 3", job_role="Support Worker", code="H2D", group=SUPPORT)),
        (6, post("Peer Support Worker - Maple Ward", grade="Band 3", job_role="Healthcare Assistant", code="H1D",
                 group=SUPPORT)),
        (12, post("Staff Nurse", job_role="Staff Nurse", code="N6D")),
        (4, post("Healthcare Assistant", grade="Band 3", job_role="Healthcare Assistant", code="H1D", group=SUPPORT)),
    ))  # fmt: skip
    run_import(rotherham, rows_of(
        (8, post("Peer Support Worker", grade="Band 4", job_role="Support Worker", code="H2D", group=SUPPORT)),
        (7, post("IPS Employment Specialist", grade="Band 4", job_role="Administrator", code="G2D",
                 group="Administrative and Clerical")),
    ))  # fmt: skip


def test_the_evidence_counts_codes_job_roles_and_the_best_separating_group(sheffield, rotherham, coded) -> None:
    items = {e.role.slug: e for e in crosswalk.evidence([sheffield.pk, rotherham.pk], MARCH)}
    psw = items["peer_support_worker"]
    assert psw.staff == {sheffield.pk: 9, rotherham.pk: 8} and psw.trusts == 2
    assert psw.as_recommended == {sheffield.pk: 3, rotherham.pk: 8}
    assert [(t.value, t.total) for t in psw.occupation_codes] == [("H2D", 11), ("H1D", 6)]
    assert [(t.value, t.total) for t in psw.job_roles] == [("Support Worker", 11), ("Healthcare Assistant", 6)]
    best = psw.best
    assert (best.staff_group, best.area_of_work, best.role_staff, best.all_staff) == (SUPPORT, "Mental Health", 17, 21)
    specialists = items["employment_specialist"]
    assert specialists.as_recommended == {} and specialists.occupation_codes[0].value == "G2D"
    # Every role of the proposal is listed, with or without staff.
    assert items["community_connector"].total == 0


def test_an_outsider_sees_small_and_differencing_counts_starred(nadia, coded) -> None:
    page = client_for(nadia).get(URL).content.decode()
    assert "Coding new roles in the staff record" in page
    # H2D: 3 at Sheffield and 8 at Rotherham; the total less Rotherham's would give Sheffield's 3 away.
    cell = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">'
    assert f"H2D Support Worker in Other Mental Health</td>{cell}*" in page
    export = list(csv.reader(io.StringIO(client_for(nadia).get(URL + "?format=csv").content.decode())))
    row = next(r for r in export if r[0] == "Peer support worker")
    assert "H2D Support Worker in Other Mental Health (*)" in row[14]
    assert "(11)" not in row[14] and "(3)" not in row[14]


def test_an_administrator_sees_every_count(admin_user, coded) -> None:
    export = list(csv.reader(io.StringIO(client_for(admin_user).get(URL + "?format=csv").content.decode())))
    header, rows = export[0], {r[0]: r for r in export[1:]}
    assert header[1] == "Recommended occupation codes" and header[8] == "Proposal for the occupation code manual"
    psw = rows["Peer support worker"]
    assert psw[1] == "H2D" and psw[11] == "17" and psw[12] == "2" and psw[13] == "11"
    assert psw[14].startswith("H2D Support Worker in Other Mental Health (11); H1D Healthcare Assistant in Other")
    assert rows["Employment specialist"][14].startswith("G2D")
    assert len(rows) == 15


def test_a_member_of_one_trust_sees_no_other_trusts_small_count(charlie, sheffield, rotherham, run_import) -> None:
    # Sheffield alone has 2 employment specialists: only Sheffield's members (and administrators) see 2.
    run_import(sheffield, rows_of((2, post("Employment Specialist", grade="Band 4", job_role="Support Worker",
                                           code="H2N", group=SUPPORT))))  # fmt: skip
    run_import(rotherham, rows_of((6, post("Staff Nurse", job_role="Staff Nurse", code="N6D"))))
    export = client_for(charlie).get(URL + "?format=csv").content.decode()
    row = next(r for r in csv.reader(io.StringIO(export)) if r[0] == "Employment specialist")
    assert row[11] == "*" and row[13] == "*" and "(2)" not in ",".join(row)


def test_the_page_is_drawn_in_a_bounded_number_of_queries(nadia, coded, django_assert_max_num_queries) -> None:
    client = client_for(nadia)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_without_a_staff_record_the_proposal_still_shows(olive) -> None:
    page = client_for(olive).get(URL).content.decode()
    assert "No staff record has been imported yet" in page
    assert "Peer support worker" in page and "H2D" in page
    assert client_for(olive).get(URL + "?format=xlsx").status_code == 200


def test_the_catalogue_and_a_covered_roles_page_link_to_it(olive) -> None:
    client = client_for(olive)
    assert URL in client.get(reverse("roles:catalogue")).content.decode()
    page = client.get(reverse("roles:role", args=["peer_support_worker"])).content.decode()
    assert "How to record this role in the staff record" in page and f"{URL}#role-peer_support_worker" in page
    page = client.get(reverse("roles:role", args=["nursing_associate"])).content.decode()
    assert "How to record this role" not in page and URL not in page


def test_signing_in_is_required() -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
