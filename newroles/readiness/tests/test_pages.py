"""Tenancy of every readiness page: the trust's members read, its editors change, everyone else gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newroles.conftest import client_for
from newroles.readiness.models import Assessment
from newroles.readiness.summary import summary_for
from newroles.readiness.tests.conftest import asked_keys, check

pytestmark = pytest.mark.django_db
# Session, user, memberships, demo marker, the trust, its deployments, then the summaries' fixed few.
TRUST_LIST_MAX_QUERIES = 21


@pytest.fixture
def checked(planned):  # type: ignore[no-untyped-def]
    return check(planned, clinical_champion="not_started")


def _pages(checked):  # type: ignore[no-untyped-def]
    d = checked.deployment
    return {
        "summary": reverse("readiness:deployment", args=[d.pk]),
        "print": reverse("readiness:print", args=[d.pk]),
        "panel": reverse("readiness:panel", args=[d.pk]),
        "check": reverse("readiness:assess", args=[d.pk]),
        "past check": reverse("readiness:assessment", args=[checked.pk]),
        "trust list": reverse("readiness:trust", args=[d.trust.ods_code]),
    }


def _form(status: str = "in_place", **overrides: str) -> dict[str, str]:
    data = {"assessed_on": dt.date.today().isoformat(), "notes": "Checked at the oversight group."}
    for key in asked_keys():
        data[f"status_{key}"] = overrides.get(key, status)
        data[f"evidence_{key}"] = f"Evidence for {key}."
    return data


@pytest.mark.parametrize("who", ["alice", "bob", "admin_user"])
def test_the_trusts_members_and_admins_read_every_page(checked, who, request):
    client = client_for(request.getfixturevalue(who))
    for name, url in _pages(checked).items():
        expected = 403 if name == "check" and who == "bob" else 200
        assert client.get(url).status_code == expected, name


@pytest.mark.parametrize("who", ["charlie", "nadia", "rita", "olive"])
def test_everyone_outside_the_trust_gets_not_found(checked, who, request):
    client = client_for(request.getfixturevalue(who))
    for name, url in _pages(checked).items():
        assert client.get(url).status_code == 404, name
    assert client.post(_pages(checked)["check"], _form()).status_code == 404
    assert Assessment.objects.count() == 1


def test_a_viewer_may_see_but_not_record_a_check(checked, bob):
    response = client_for(bob).post(_pages(checked)["check"], _form())
    assert response.status_code == 403
    assert Assessment.objects.count() == 1


def test_an_editor_records_a_new_check_and_the_last_is_kept(checked, alice):
    client = client_for(alice)
    form = client.get(_pages(checked)["check"]).content.decode()
    today = dt.date.today()
    # The NHS.UK date input: today in the day, month and year boxes.
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        box = f'id="id_assessed_on_{part}" name="assessed_on_{part}" type="text" inputmode="numeric"'
        assert f'{box} value="{value}"' in form
    # The form starts from the last check: the champion was not named then.
    assert 'value="not_started" class="nhsuk-radios__input" id="id_status_clinical_champion_0" required checked' in form
    response = client.post(_pages(checked)["check"], _form(candid_concerns="partly"))
    assert response.status_code == 302
    assert Assessment.objects.filter(deployment=checked.deployment).count() == 2
    summary = client.get(response.url).content.decode()
    assert "No open forum yet for staff" in summary  # the new check's red flag
    assert "No clinical champion named" not in summary  # the earlier check's flag is history now
    assert summary.count("See the check") == 2


def test_a_check_with_a_factor_left_out_is_refused_naming_it(checked, alice):
    data = _form()
    del data["status_strategy"]
    response = client_for(alice).post(_pages(checked)["check"], data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Say where ‘Strategy and top-down support’ stands." in page
    assert Assessment.objects.count() == 1


def test_a_document_id_too_large_is_an_invalid_choice_not_an_error(checked, alice):
    data = _form()
    data["document_strategy"] = "9" * 30
    response = client_for(alice).post(_pages(checked)["check"], data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_summary_shows_red_flags_with_next_steps_and_the_print_page_has_no_navigation(checked, alice):
    client = client_for(alice)
    summary = client.get(_pages(checked)["summary"]).content.decode()
    assert "No clinical champion named — the study found champions matter most at the start" in summary
    assert "Next step: Name a respected clinician" in summary
    printed = client.get(_pages(checked)["print"]).content.decode()
    assert "No clinical champion named" in printed
    assert "nhsuk-header" not in printed and "readiness/readiness.css" in printed


def test_the_deployment_page_shows_the_red_flag_count_to_the_trust_only(checked, alice, charlie):
    url = reverse("mapping:deployment", args=[checked.deployment.pk])
    panel = reverse("readiness:panel", args=[checked.deployment.pk])
    inside = client_for(alice).get(url).content.decode()
    assert f'hx-get="{panel}"' in inside and reverse("readiness:deployment", args=[checked.deployment.pk]) in inside
    flags = summary_for(checked.deployment, today=timezone.localdate()).flags
    assert "clinical_champion" in [i.key for i in flags]
    assert f"{len(flags)} red flags" in client_for(alice).get(panel).content.decode()
    outside = client_for(charlie).get(url)
    assert outside.status_code == 200 and panel not in outside.content.decode()


def test_the_trust_list_counts_each_deployments_red_flags(checked, active, alice):
    page = client_for(alice).get(_pages(checked)["trust list"]).content.decode()
    assert checked.deployment.local_title in page and active.local_title in page
    assert "None yet" in page  # the peer worker role has no check


def test_the_index_lists_the_users_trusts_and_the_national_view_for_national_readers(alice, nadia):
    assert "Sheffield" in client_for(alice).get(reverse("readiness:index")).content.decode()
    assert reverse("readiness:national") in client_for(nadia).get(reverse("readiness:index")).content.decode()


def test_a_future_date_is_refused(checked, alice):
    data = _form()
    data["assessed_on"] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client_for(alice).post(_pages(checked)["check"], data)
    assert response.status_code == 200
    assert "The date of the check must be today or in the past" in response.content.decode()


def test_the_trust_list_reads_a_fixed_number_of_queries_however_many_roles(sheffield, alice,
                                                                           django_assert_max_num_queries):  # fmt: skip
    from newroles.mapping.tests.helpers import deploy

    client = client_for(alice)
    url = reverse("readiness:trust", args=["TAH"])
    check(deploy(sheffield, "Peer Worker", "peer_support_worker", status="active"))
    with django_assert_max_num_queries(TRUST_LIST_MAX_QUERIES) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        check(deploy(sheffield, f"Nursing Associate {i}", "nursing_associate", status="planned",
                     planned_start=dt.date(2027, 6, 1)))  # fmt: skip
    with django_assert_max_num_queries(TRUST_LIST_MAX_QUERIES) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
