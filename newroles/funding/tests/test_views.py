"""The funding pages: private to the trust (404 outside, 403 for viewers' changes), writing through services."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.funding.models import FundingLine
from newroles.funding.tests.conftest import fund, shares
from newroles.roles.leadtime import add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(peer):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return fund(
        peer, name="Transformation money", funding_type="time_limited", end_date=add_months(today, 3),
        start_date=add_months(today, -12), amount_per_year=Decimal("45000.50"),
        shares=shares(("ICB North", "70"), ("Council", "30")),
    )  # fmt: skip


def _post_data(deployment, **changes):  # type: ignore[no-untyped-def]
    data = {
        "deployment": deployment.pk, "name": "Peer support pilot", "funder_kind": "icb", "funder_name": "ICB North",
        "funding_type": "time_limited", "amount_per_year": "£45,000.50", "start_date": "2026-04-01",
        "end_date": "2028-03-31", "covers": ["covers_salary", "covers_supervision"], "contract_status": "agreed",
        "shares": "ICB North 60; Council 40", "posts": "2", "wte": "1.8",
    }  # fmt: skip
    data.update(changes)
    return data


def test_members_read_the_register_with_totals_warnings_and_timeline(line, alice, bob):
    for user in (alice, bob):
        page = client_for(user).get(reverse("funding:trust", args=["TAH"]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Transformation money" in html and "£45,000.50" in html
        assert "Funding ends within 6 months with nothing after it" in html
        assert f'href="/funding/lines/{line.pk}/"' in html
        assert 'role="img"' in html and "Show the timeline as a table" in html


def test_another_trust_a_national_reader_and_a_researcher_get_404(line, charlie, nadia, rita, olive):
    urls = [
        reverse("funding:trust", args=["TAH"]),
        reverse("funding:trust", args=["TAH"]) + "?format=csv",
        reverse("funding:trust", args=["TAH"]) + "?format=xlsx",
        reverse("funding:line", args=[line.pk]),
        reverse("funding:line_edit", args=[line.pk]),
        reverse("funding:line_delete", args=[line.pk]),
        reverse("funding:line_create", args=["TAH"]),
    ]
    for user in (charlie, nadia, rita, olive):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("funding:line_delete", args=[line.pk])).status_code == 404
    assert FundingLine.objects.filter(pk=line.pk).exists()


def test_an_administrator_reads_any_trusts_register(line, admin_user):
    assert client_for(admin_user).get(reverse("funding:trust", args=["TAH"])).status_code == 200


def test_a_viewer_may_not_change_funding(line, bob):
    client = client_for(bob)
    assert client.get(reverse("funding:line_create", args=["TAH"])).status_code == 403
    assert client.post(reverse("funding:line_create", args=["TAH"]), _post_data(line.deployment)).status_code == 403
    assert client.get(reverse("funding:line_edit", args=[line.pk])).status_code == 403
    assert client.post(reverse("funding:line_delete", args=[line.pk])).status_code == 403
    html = client.get(reverse("funding:trust", args=["TAH"])).content.decode()
    assert "Add a funding line" not in html


def test_an_editor_adds_a_line_with_joint_funders(peer, eve):
    response = client_for(eve).post(reverse("funding:line_create", args=["TAH"]), _post_data(peer))
    created = FundingLine.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funding/lines/{created.pk}/"
    assert created.amount_per_year == Decimal("45000.50") and created.covers_supervision and not created.covers_backfill
    assert sorted(s.partner_name for s in created.shares.all()) == ["Council", "ICB North"]
    assert ChangeRecord.objects.filter(user=eve, content_type__model="fundingline").count() == 1


def test_shares_of_99_are_shown_as_an_error_and_nothing_is_saved(peer, eve):
    response = client_for(eve).post(
        reverse("funding:line_create", args=["TAH"]), _post_data(peer, shares="ICB North 60; Council 39")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html and "they must add to exactly 100%" in html
    assert not FundingLine.objects.exists()


def test_the_forms_errors_are_plain_and_linked_from_the_summary(peer, eve):
    response = client_for(eve).post(
        reverse("funding:line_create", args=["TAH"]),
        _post_data(peer, covers=[], end_date="", amount_per_year="lots", shares="Council"),
    )
    html = response.content.decode()
    for text in ("Say what the funding covers: tick at least one cost.", "Enter the amount as a number.",
                 "&#x27;Council&#x27; has no share"):  # fmt: skip
        assert text in html, text
    assert 'href="#id_covers_0"' in html or 'href="#id_covers"' in html
    assert not FundingLine.objects.exists()


def test_a_time_limited_line_with_no_end_is_refused_on_its_field(peer, eve):
    response = client_for(eve).post(reverse("funding:line_create", args=["TAH"]), _post_data(peer, end_date=""))
    assert "Time-limited funding needs the date it ends." in response.content.decode()
    assert response.context["form"].errors["end_date"]


def test_a_deployment_of_another_trust_cannot_be_chosen(eve, rotherham_peer, peer):
    response = client_for(eve).post(reverse("funding:line_create", args=["TAH"]), _post_data(rotherham_peer))
    assert response.status_code == 200 and response.context["form"].errors["deployment"]
    assert not FundingLine.objects.exists()


def test_an_editor_changes_and_removes_a_line(line, eve):
    client = client_for(eve)
    form = client.get(reverse("funding:line_edit", args=[line.pk])).content.decode()
    assert "ICB North 70; Council 30" in form
    data = _post_data(line.deployment, name="Renamed", shares="")
    assert client.post(reverse("funding:line_edit", args=[line.pk]), data).status_code == 302
    line.refresh_from_db()
    assert line.name == "Renamed" and not line.shares.exists()
    assert client.post(reverse("funding:line_delete", args=[line.pk])).status_code == 302
    assert not FundingLine.objects.exists()


def test_the_line_page_shows_its_warnings_and_history(line, alice):
    html = client_for(alice).get(reverse("funding:line", args=[line.pk])).content.decode()
    assert "Depends on one joint funder, with nothing agreed if it stops" in html
    assert "ICB North pays 70%" in html and "Backfill is not covered" in html
    assert "1 change recorded" in html


def test_the_export_has_the_imports_columns_and_only_this_trusts_lines(line, rotherham_peer, alice):
    fund(rotherham_peer, name="Rotherham money")
    response = client_for(alice).get(reverse("funding:trust", args=["TAH"]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Line number", "Role", "What the funding is called", "Kind of funder"]
    assert [r[2] for r in rows[1:]] == ["Transformation money"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Joint funders and their shares"] == "ICB North 70; Council 30"
    assert record["Amount a year (£)"] == "45000.5" and record["Covers salary"] == "yes"
    xlsx = client_for(alice).get(reverse("funding:trust", args=["TAH"]), {"format": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="funding-TAH.xlsx"'


def test_the_register_filters_to_one_role(line, sheffield, alice):
    from newroles.mapping.tests.helpers import deploy

    other = deploy(sheffield, "Nursing Associate", "nursing_associate")
    fund(other, name="Associate money")
    page = client_for(alice).get(reverse("funding:trust", args=["TAH"]), {"deployment": other.pk})
    html = page.content.decode()
    assert "Associate money" in html and "Transformation money" not in html
    assert client_for(alice).get(reverse("funding:trust", args=["TAH"]), {"deployment": "x" * 30}).status_code == 200


def test_the_deployment_page_shows_funding_to_the_trusts_members_only(line, alice, charlie, nadia):
    url = reverse("mapping:deployment", args=[line.deployment_id])
    inside = client_for(alice).get(url).content.decode()
    assert "Transformation money" in inside and "Funding ends within 6 months" in inside
    for outsider in (charlie, nadia):
        page = client_for(outsider).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Transformation money" not in html and 'id="funding"' not in html


def test_the_register_stays_cheap_however_many_lines(sheffield, alice, django_assert_max_num_queries):
    from newroles.mapping.tests.helpers import deploy

    for i in range(15):
        d = deploy(sheffield, f"Role {i}")
        fund(d, funding_type="time_limited", end_date=dt.date.today() + dt.timedelta(days=40 + i),
             shares=shares(("ICB North", "70"), ("Council", "30")))  # fmt: skip
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("funding:trust", args=["TAH"])).status_code == 200


def test_members_find_the_register_from_home_and_the_trusts_page(peer, bob, charlie, nadia):
    assert 'href="/funding/trusts/TAH/"' in client_for(bob).get("/").content.decode()
    assert 'href="/funding/trusts/TAH/"' in client_for(bob).get("/trusts/TAH/").content.decode()
    assert 'href="/funding/trusts/TAH/"' not in client_for(charlie).get("/trusts/TAH/").content.decode()
    assert 'href="/funding/national/"' in client_for(nadia).get("/").content.decode()
