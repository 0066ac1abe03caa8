"""The national pages open on the latest month sent by the most trusts, say which trusts are in it and
when each last sent, and compare months only over the trusts that sent both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.organisations.models import Trust
from newroles.workforce import quality, services
from newroles.workforce.tests.conftest import APRIL, MARCH, STANDARD, post, rows_of

pytestmark = pytest.mark.django_db

TWELVE = [(8, post("Staff Nurse", job_role="Staff Nurse", code="N6D")), (4, post("Peer Support Worker"))]


@pytest.fixture
def two_trusts_then_one(sheffield, rotherham, run_import):  # type: ignore[no-untyped-def]
    """March from two trusts; April, newer, from one trust's 12-row extract."""
    run_import(sheffield, month=MARCH)
    run_import(rotherham, month=MARCH)
    run_import(sheffield, rows_of(*TWELVE), month=APRIL)


def test_the_widest_month_is_the_latest_of_those_sent_by_most_trusts() -> None:
    coverage = {APRIL: {1}, MARCH: {1, 2}, MARCH.replace(month=2): {1, 2}}
    assert services.widest_month(coverage) == MARCH
    assert services.widest_month({}) is None
    assert services.last_sent(coverage) == {1: APRIL, 2: MARCH}


def test_the_national_page_opens_on_the_wider_older_month(nadia, sheffield, rotherham, two_trusts_then_one) -> None:
    response = client_for(nadia).get(reverse("workforce:national"))
    page = response.content.decode()
    assert response.context["month"] == MARCH
    assert "Staff-record counts for March 2025 from 2 trusts" in page
    # The newer month is still offered, and the page says why it is not shown.
    assert '<option value="2025-04">April 2025</option>' in page
    assert '<option value="2025-03" selected>March 2025</option>' in page
    assert "April 2025 has been sent by 1 trust so far" in page
    # Each trust in the figures, with the month it last sent.
    assert f"{sheffield.name}: 36 staff; last sent April 2025" in page
    assert f"{rotherham.name}: 36 staff; last sent March 2025" in page
    assert response.context["missing"] == []


def test_the_newer_month_can_still_be_chosen(nadia, rotherham, two_trusts_then_one) -> None:
    response = client_for(nadia).get(reverse("workforce:national") + "?month=2025-04")
    page = response.content.decode()
    assert response.context["month"] == APRIL and "from 1 trust" in page
    assert "Fewer trusts than March 2025" in page
    assert [m["trust"] for m in response.context["missing"]] == [rotherham]
    assert f"{rotherham.name}: last sent March 2025" in page


def test_the_national_quality_page_opens_on_the_same_month(nadia, two_trusts_then_one) -> None:
    response = client_for(nadia).get(reverse("workforce:national_quality"))
    assert response.context["month"] == MARCH and response.context["report"].month == MARCH
    assert "April 2025 has been sent by 1 trust so far" in response.content.decode()


def test_changes_are_computed_over_the_trusts_in_both_months(sheffield, rotherham, run_import) -> None:
    run_import(sheffield, month=MARCH)
    run_import(sheffield, month=APRIL)
    run_import(rotherham, rows_of((5, post("Recovery Navigator"))), month=APRIL)
    report = quality.report([sheffield.pk, rotherham.pk], APRIL)
    unresolved = next(f for f in report.findings if f.key == "unresolved")
    assert unresolved.count == 11 and unresolved.previous == 6
    assert unresolved.change == 0  # not +5: Rotherham did not send March
    assert report.compared == [sheffield] and report.not_compared == [rotherham]


def test_the_page_says_which_trusts_are_compared(admin_user, sheffield, rotherham, run_import) -> None:
    run_import(sheffield, month=MARCH)
    run_import(sheffield, month=APRIL)
    run_import(rotherham, rows_of((5, post("Recovery Navigator"))), month=APRIL)
    response = client_for(admin_user).get(reverse("workforce:national_quality"))
    page = response.content.decode()
    assert response.context["month"] == APRIL
    assert f"compare only the trusts that sent both months, so that a trust joining or leaving does not look like a " \
           f"change: {sheffield.name}." in page  # fmt: skip
    assert f"sent no staff record for March 2025: {rotherham.name}." in page
    unresolved = next(f for f in response.context["findings"] if f["finding"].key == "unresolved")
    assert (unresolved["count_shown"], unresolved["change_shown"]) == (11, "0")


def test_a_change_never_gives_away_a_new_trusts_small_count(nadia, sheffield, rotherham, run_import) -> None:
    """Sheffield and a third trust send both months; Rotherham joins in April with 3 unmatched staff.
    The total (16) is safe to show, and so is March's (13), but the change over the trusts in both
    months (0) would give Rotherham's 3 away: it is hidden."""
    third = Trust.objects.exclude(pk__in=[sheffield.pk, rotherham.pk]).order_by("ods_code").first()
    seven = rows_of((7, post("Recovery Navigator")))
    for month in (MARCH, APRIL):
        run_import(sheffield, rows_of(*STANDARD), month=month)
        run_import(third, seven, month=month)
    run_import(rotherham, rows_of((3, post("Recovery Navigator"))), month=APRIL)
    response = client_for(nadia).get(reverse("workforce:national_quality") + "?month=2025-04")
    unresolved = next(f for f in response.context["findings"] if f["finding"].key == "unresolved")
    assert unresolved["finding"].change == 0
    assert (unresolved["count_shown"], unresolved["previous_shown"]) == (16, 13)
    assert unresolved["change_shown"] is None
    export = client_for(nadia).get(reverse("workforce:national_quality") + "?month=2025-04&format=csv")
    row = next(line for line in export.content.decode().splitlines() if line.startswith("Titles that resolve to no"))
    assert row.split(",")[1:4] == ["16", "13", ""]


@pytest.mark.parametrize("page", ["national", "national_quality"])
def test_the_national_pages_read_a_fixed_number_of_queries(
    nadia, sheffield, rotherham, run_import, django_assert_max_num_queries, page: str
) -> None:
    client = client_for(nadia)
    client.get(reverse("workforce:index"))  # the session and user are read once, as on any page
    run_import(sheffield, month=MARCH)
    run_import(rotherham, month=MARCH)
    run_import(sheffield, rows_of(*TWELVE), month=APRIL)
    with django_assert_max_num_queries(QUERIES[page]) as two:
        client.get(reverse(f"workforce:{page}"))
    for trust in Trust.objects.exclude(pk__in=[sheffield.pk, rotherham.pk]).order_by("ods_code")[:3]:
        run_import(trust, rows_of(*STANDARD), month=MARCH)
        run_import(trust, rows_of(*TWELVE), month=APRIL)
    with django_assert_max_num_queries(QUERIES[page]) as five:
        client.get(reverse(f"workforce:{page}"))
    assert len(five.captured_queries) == len(two.captured_queries)


QUERIES = {"national": 12, "national_quality": 14}  # "national" asks once whether a recount is under way
