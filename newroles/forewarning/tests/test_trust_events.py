"""A trust's events page: only events that affect its roles, in date order with the time left; tenancy."""

from __future__ import annotations

import re

import pytest

from newroles.conftest import client_for
from newroles.forewarning import services
from newroles.forewarning.tests.conftest import deploy, event, today
from newroles.organisations.models import Region
from newroles.roles.leadtime import add_months


@pytest.fixture
def sheffield_roles(sheffield, rotherham, register):  # type: ignore[no-untyped-def]
    deploy(sheffield, "Nursing Associate", "nursing_associate")
    deploy(sheffield, "Physician Associate", "physician_associate", status="planned")
    deploy(sheffield, "Peer Worker", "peer_support_worker", status="discontinued")  # no longer deployed
    deploy(rotherham, "Consultant Psychiatrist", "psychiatrist")
    return register


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="nhsuk-card__heading nhsuk-heading-s">([^<]+)', html)


def test_the_trust_sees_only_events_of_roles_it_deploys_or_plans_in_date_order(sheffield, sheffield_roles, alice):
    page = client_for(alice).get("/forewarning/trusts/TAH/")
    assert page.status_code == 200
    html = page.content.decode()
    upcoming, past = html.split("past event")[0], html.split("past event")[1]
    assert _titles(upcoming) == ["PA registration compulsory", "Nursing associate intake"]
    assert _titles(past) == ["Nursing associate register opened"]  # collapsed under "1 past event"
    assert "Peer worker cohort" not in html  # discontinued there
    assert "Psychiatry curriculum" not in html  # Rotherham's role, not Sheffield's
    assert "in 7 months" in html and "in 2 months" in html and "2 years ago" in html
    assert '<details class="nhsuk-details">' in html


def test_a_regional_event_reaches_only_the_trusts_of_its_region(sheffield, sheffield_roles, alice):
    elsewhere = Region.objects.exclude(pk=sheffield.region_id).first()
    event("Regional funding window", add_months(today(), 4), "nursing_associate", region=elsewhere)
    event("Funding window in our region", add_months(today(), 5), "nursing_associate", region=sheffield.region)
    html = client_for(alice).get("/forewarning/trusts/TAH/").content.decode()
    assert "Funding window in our region" in html and "Regional funding window" not in html


def test_services_give_the_same_events_as_the_page(sheffield, sheffield_roles):
    upcoming, past = services.trust_events(sheffield, today=today())
    assert [d.event.title for d in upcoming] == ["PA registration compulsory", "Nursing associate intake"]
    assert [d.when for d in upcoming] == ["in 2 months", "in 7 months"]
    assert [d.event.title for d in past] == ["Nursing associate register opened"]


@pytest.mark.parametrize("who,status", [("alice", 200), ("bob", 200), ("nadia", 200), ("rita", 200),
                                        ("charlie", 404), ("olive", 404)])  # fmt: skip
def test_another_trusts_member_gets_404_unless_a_national_reader(request, sheffield_roles, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get("/forewarning/trusts/TAH/").status_code == status


def test_an_unknown_trust_is_404(alice):
    assert client_for(alice).get("/forewarning/trusts/ZZZ/").status_code == 404


def test_the_trust_page_reads_in_a_fixed_number_of_queries(sheffield, sheffield_roles, alice,
                                                           django_assert_max_num_queries):  # fmt: skip
    client = client_for(alice)
    client.get("/forewarning/trusts/TAH/")
    with django_assert_max_num_queries(13):
        client.get("/forewarning/trusts/TAH/")
    for i in range(10):
        event(f"Another intake {i}", add_months(today(), 8 + i), "nursing_associate", "physician_associate")
    with django_assert_max_num_queries(13):
        assert client.get("/forewarning/trusts/TAH/").status_code == 200
