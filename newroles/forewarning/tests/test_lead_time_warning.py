"""The deployment warning: a planned start sooner than the role's lead time, at its edges, on the deployment's
page (the panel), on the trust's events page and from `lead_time_warnings`, which reads roles once."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.conftest import client_for
from newroles.forewarning.tests.conftest import deploy, event, planned, today
from newroles.forewarning.warnings import lead_time_warnings
from newroles.mapping.models import Deployment
from newroles.roles.leadtime import add_months

RECRUIT_WARNING = "Not even a trained post-holder can be recruited before the planned start."
TRAIN_WARNING = "A trainee recruited now would not be qualified in post by the planned start."

# Nursing associates: 4 months to recruit a trained post-holder, 24 from trainee start to qualified.
NA_RECRUIT, NA_TRAIN = 4, 4 + 24


def _panel(user, deployment) -> str:  # type: ignore[no-untyped-def]
    html = client_for(user).get(f"/map/deployments/{deployment.pk}/").content.decode()
    start = html.find('<section class="newroles-forewarning"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def _trust_page(user) -> str:  # type: ignore[no-untyped-def]
    return client_for(user).get("/forewarning/trusts/TAH/").content.decode()


def test_a_recruitment_lead_time_equal_to_the_gap_is_enough_and_one_month_over_is_not(sheffield, bob):
    equal = planned(sheffield, "Peer Worker A", "peer_support_worker", NA_RECRUIT)  # training time unknown
    over = planned(sheffield, "Peer Worker B", "peer_support_worker", NA_RECRUIT - 1)
    assert "Not enough time" not in _panel(bob, equal)
    assert "There is time to recruit before the planned start" in _panel(bob, equal)
    panel = _panel(bob, over)
    assert "Not enough time to bring the role in" in panel and RECRUIT_WARNING in panel
    assert "Planned start in 3 months; recruiting a trained post-holder takes 4 months." in panel
    page = _trust_page(bob)
    assert "Roles planned sooner than they take to bring in" in page
    assert "Peer Worker B" in page and "Peer Worker A" not in page
    assert "Not even a trained post-holder can be recruited in time." in page


def test_a_training_lead_time_equal_to_the_gap_is_enough_and_one_month_over_is_not(sheffield, bob):
    equal = planned(sheffield, "Trainee Nursing Associate", "nursing_associate", NA_TRAIN)
    over = planned(sheffield, "Nursing Associate", "nursing_associate", NA_TRAIN - 1)
    panel = _panel(bob, equal)
    assert "Not enough time" not in panel and "There is time to recruit and train" in panel
    panel = _panel(bob, over)
    assert TRAIN_WARNING in panel and RECRUIT_WARNING not in panel
    assert (
        "Planned start in 27 months; recruiting a trained post-holder takes 4 months, and qualified post-holders "
        "take 24 months from trainee start." in panel
    )
    page = _trust_page(bob)
    assert "A trainee recruited now would not be qualified in time." in page
    assert ">Nursing Associate</a>" in page and ">Trainee Nursing Associate</a>" not in page


def test_a_started_role_an_unmatched_title_and_unknown_lead_times_never_warn(sheffield, bob):
    started = planned(sheffield, "Nursing Associate", "nursing_associate", 1, first_post_started=today())
    unmatched = planned(sheffield, "Recovery Navigator", "nursing_associate", 1)
    Deployment.objects.filter(pk=unmatched.pk).update(role=None)
    unknown = planned(sheffield, "Support Worker", "healthcare_support_worker", 1)
    unknown.role.recruit_months = None
    warnings = lead_time_warnings([started, Deployment.objects.get(pk=unmatched.pk), unknown], today=today())
    assert warnings == {}
    assert _panel(bob, Deployment.objects.get(pk=unmatched.pk)) == ""  # no role: no panel at all


def test_a_planned_start_that_has_passed_still_warns(sheffield, bob):
    late = planned(sheffield, "Nursing Associate", "nursing_associate", -2)
    assert "Planned start passed 2 months ago" in _panel(bob, late)


def test_the_panel_lists_upcoming_events_for_the_role_only(sheffield, bob, register):
    d = planned(sheffield, "Nursing Associate", "nursing_associate", 30)
    panel = _panel(bob, d)
    assert "Nursing associate intake" in panel and "(in 7 months)" in panel
    assert "Nursing associate register opened" not in panel  # past
    assert "PA registration compulsory" not in panel  # another role


def test_the_panel_links_the_trust_page_only_for_those_who_may_read_it(sheffield, bob, charlie):
    d = planned(sheffield, "Nursing Associate", "nursing_associate", 30)
    assert "/forewarning/trusts/TAH/" in _panel(bob, d)
    assert "/forewarning/trusts/TAH/" not in _panel(charlie, d)  # the map is national; the trust page is not


def test_lead_time_warnings_reads_the_roles_in_one_query(sheffield, django_assert_num_queries):
    for i in range(6):
        planned(sheffield, f"Nursing Associate {i}", "nursing_associate", i)
    bare = list(Deployment.objects.filter(trust=sheffield))  # roles not fetched
    with django_assert_num_queries(1):
        warnings = lead_time_warnings(bare, today=today())
    assert len(warnings) == 6
    joined = list(Deployment.objects.filter(trust=sheffield).select_related("role"))
    with django_assert_num_queries(0):
        assert lead_time_warnings(joined, today=today()).keys() == warnings.keys()


@pytest.mark.parametrize("months,warned", [(NA_TRAIN, False), (NA_TRAIN - 1, True), (NA_RECRUIT, True),
                                           (NA_RECRUIT - 1, True)])  # fmt: skip
def test_lead_time_warnings_at_the_edges(sheffield, months, warned):
    d = planned(sheffield, "Nursing Associate", "nursing_associate", months)
    gap = lead_time_warnings([d], today=today()).get(d.pk)
    assert (gap is not None) is warned
    if gap is not None:
        assert gap.short is (months < NA_RECRUIT)
        assert gap.months_available == months


def test_a_month_end_start_counts_whole_months(sheffield):
    day = dt.date(2027, 1, 31)
    d = deploy(sheffield, "Nursing Associate", "nursing_associate", status="planned",
               planned_start=add_months(day, NA_RECRUIT))  # 31 May  # fmt: skip
    assert lead_time_warnings([d], today=day)[d.pk].short is False
    assert lead_time_warnings([d], today=day + dt.timedelta(days=1))[d.pk].short is True


def test_the_deployment_page_with_the_panel_reads_in_a_fixed_number_of_queries(
    sheffield, bob, register, django_assert_max_num_queries
):
    d = planned(sheffield, "Nursing Associate", "nursing_associate", 2)
    client = client_for(bob)
    client.get(f"/map/deployments/{d.pk}/")
    for i in range(8):
        event(f"Extra {i}", add_months(today(), 3 + i), "nursing_associate")
    with django_assert_max_num_queries(11):
        assert client.get(f"/map/deployments/{d.pk}/").status_code == 200
