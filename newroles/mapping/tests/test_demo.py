"""The demo reproduces the briefing's published figures exactly, and the map pages stay cheap with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.demo.services import load_demo
from newroles.forewarning.demo import load_forewarning_demo
from newroles.mapping import services
from newroles.mapping.demo import load_mapping_demo
from newroles.mapping.models import Deployment, Engagement
from newroles.mapping.tests.helpers import deploy, role
from newroles.organisations.models import Trust
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.typology import classify
from newroles.skillmix.typology_json import parse_shift

pytestmark = pytest.mark.django_db

# The early findings briefing's coverage table.
BRIEFING_COVERAGE = [
    ("North East and Yorkshire", 7, 8),
    ("North West", 2, 5),
    ("Midlands", 8, 11),
    ("East of England", 1, 4),
    ("London", 5, 10),
    ("South East", 5, 7),
    ("South West", 3, 6),
]
# Session, user, the user's trusts, the demo marker, then a fixed few per page whatever the data's size.
DASHBOARD_MAX_QUERIES = 8
ROLE_PAGE_MAX_QUERIES = 8
PAGE_MAX_QUERIES = 10


@pytest.fixture
def demo(db) -> None:  # type: ignore[no-untyped-def]
    load_demo()


def test_the_demo_reproduces_the_briefings_coverage_table(demo):
    cov = services.coverage()
    assert [(r.region.name, r.engaged, r.total) for r in cov] == BRIEFING_COVERAGE
    assert (cov.engaged, cov.total) == (31, 51)


def test_almost_80_local_titles_are_reported_across_the_31_trusts(demo):
    picture = services.national_picture()
    assert 70 <= picture.titles <= 79
    assert picture.trusts == 31


def test_staff_shortages_is_the_most_frequent_reason(demo):
    ranked = services.reasons_ranked()
    assert ranked[0].key == "staff_shortages"
    assert ranked[0].count > ranked[1].count


def test_delegation_leads_with_some_other_kinds_and_no_diversification(demo):
    kinds = {k.key: k for k in services.kinds_compared()}
    for field in ("intended", "actual"):
        counts = {key: getattr(k, field) for key, k in kinds.items()}
        assert max(counts, key=counts.get) == "delegation"
        assert counts["diversification"] == 0
        assert all(counts[k] > 0 for k in ("horizontal_substitution", "specialisation", "innovation"))


def test_the_kinds_are_the_typologys_answers_to_each_deployments_task_shifts(demo):
    shifts = {(s.deployment_id, s.which): s for s in DeploymentShift.objects.all()}
    for deployment in Deployment.objects.all():
        intended = shifts.get((deployment.pk, "intended"))
        if intended is None:  # planned without a task shift (forewarning's planned roles): no kinds typed either
            assert deployment.intended_kinds == deployment.actual_kinds == []
            continue
        assert deployment.intended_kinds == intended.kinds == classify(parse_shift(intended.shift)).kinds
        actual = shifts.get((deployment.pk, "actual"))
        assert deployment.actual_kinds == (actual.kinds if actual else [])
    # The approved clinician takes on a doctor's responsible clinician tasks: a level down, so delegation.
    approved = Deployment.objects.filter(role__slug="multi_professional_approved_clinician")
    assert approved and all("delegation" in d.intended_kinds for d in approved)
    # A physician associate takes tasks from doctors and nurses: two roles in one recorded shift.
    associate = DeploymentShift.objects.filter(deployment__role__slug="physician_associate", which="intended").first()
    assert [s["role"] for s in associate.shift["adopted_from"]] == ["psychiatrist", "mental_health_nurse"]


def test_trusts_disagree_on_newness_for_several_roles(demo):
    rows = {r.role.slug: r for r in services.newness_by_role()}
    assert sum(1 for r in rows.values() if r.disagree) >= 3
    mhp = rows["mental_health_practitioner"]
    assert mhp.disagree and mhp.new_title > 0


def test_some_actual_change_differs_from_the_intended_and_some_titles_are_unmatched(demo):
    assert 0 < len(services.drift()) < Deployment.objects.count() / 4
    assert Deployment.objects.filter(role__isnull=True).exists()


def test_phase_two_groups_and_south_yorkshire_case_studies_are_recorded(demo):
    assert Engagement.objects.filter(phase="phase2_reflection_group", status="completed").exists()
    case_studies = Engagement.objects.filter(phase="phase3_case_study")
    assert sorted(case_studies.values_list("trust__ods_code", flat=True)) == ["RXE", "RXG", "TAH"]


def test_the_demo_is_deterministic_and_loads_once(demo):
    first = sorted(Deployment.objects.values_list("trust__ods_code", "local_title", "status"))
    assert load_mapping_demo() == {"engagements": 0, "deployments": 0}
    Deployment.objects.all().delete()
    Engagement.objects.all().delete()
    load_mapping_demo()
    load_forewarning_demo()  # the whole demo also plans two roles at Sheffield, after the map
    assert sorted(Deployment.objects.values_list("trust__ods_code", "local_title", "status")) == first


def test_dashboard_renders_in_a_bounded_number_of_queries(demo, olive, django_assert_max_num_queries):
    client = client_for(olive)
    for shade in ("", "?shade=deployments"):
        with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
            response = client.get(reverse("mapping:dashboard") + shade)
        assert response.status_code == 200
    html = response.content.decode()
    assert "Illustrative data, not findings about these trusts" in html
    assert "31/51" in html


def test_role_page_with_51_trusts_renders_in_a_bounded_number_of_queries(olive, django_assert_max_num_queries):
    role("peer_support_worker")
    trusts = list(Trust.objects.filter(in_study_set=True))
    assert len(trusts) == 51
    for i, trust in enumerate(trusts):
        deploy(trust, "Peer Support Worker", "peer_support_worker", first_post_started=dt.date(2015 + i % 8, 1, 1),
               headcount=i, trust_newness=["new_role", "new_title", "not_new"][i % 3])  # fmt: skip
    client = client_for(olive)
    with django_assert_max_num_queries(ROLE_PAGE_MAX_QUERIES):
        response = client.get(reverse("mapping:role", args=["peer_support_worker"]))
    assert response.status_code == 200
    assert response.context["trust_count"] == 51


@pytest.mark.parametrize("path", ["region", "trust", "deployments"])
def test_other_map_pages_stay_bounded_with_the_demo(demo, eve, path, django_assert_max_num_queries):
    urls = {
        "region": reverse("mapping:region", args=["Y63"]),
        "trust": reverse("mapping:trust", args=["TAH"]),
        "deployments": reverse("mapping:deployments"),
    }
    client = client_for(eve)
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        assert client.get(urls[path]).status_code == 200
