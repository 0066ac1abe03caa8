"""The demo's readiness checks: labelled illustrative, red flags of several kinds, history for one role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Count

from newroles.conftest import client_for
from newroles.demo.services import load_demo
from newroles.mapping.models import Deployment
from newroles.readiness.demo import NOTE, PLANNED_TITLE, load_readiness_demo
from newroles.readiness.models import Assessment
from newroles.readiness.summary import summaries

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db) -> None:  # type: ignore[no-untyped-def]
    load_demo()


def test_sheffield_has_checks_with_red_flags_of_several_kinds_and_a_history(demo):
    sheffield = list(Deployment.objects.filter(trust__ods_code="TAH").select_related("trust__region", "role"))
    found = {s.deployment.local_title: s for s in summaries(sheffield, today=dt.date.today()).values()}
    kinds = {i.key for s in found.values() for i in s.flags}
    assert {"clinical_champion", "supervision", "off_the_shelf_pack", "professional_protectionism", "forewarning",
            "funding"} <= kinds  # fmt: skip
    planned = {i.key: i.headline for i in found[PLANNED_TITLE].flags}
    assert re.match(r"Planned start in \d+ months?; recruiting a trained post-holder takes", planned["forewarning"])
    assert planned["clinical_champion"].startswith("No clinical champion named")
    peer = {i.key: i.headline for i in found["Peer Worker"].flags}
    assert peer["supervision"] == "Supervision 0.7 h a week short in CMHT South."
    per_deployment = Assessment.objects.filter(deployment__trust__ods_code="TAH").values("deployment")
    assert max(per_deployment.annotate(n=Count("pk")).values_list("n", flat=True)) == 2
    assert set(Assessment.objects.values_list("notes", flat=True)) == {NOTE}


def test_the_demo_loads_once(demo):
    count = Assessment.objects.count()
    assert count > 30
    assert load_readiness_demo() == {"assessments": 0}
    assert Assessment.objects.count() == count


def test_the_national_view_has_counts_to_show_with_the_demo(demo, django_assert_max_num_queries):
    from newroles.accounts.models import User

    client = client_for(User.objects.get(email="national@demo.test"))
    from newroles.readiness.tests.test_national import NATIONAL_MAX_QUERIES

    with django_assert_max_num_queries(NATIONAL_MAX_QUERIES):
        html = client.get("/readiness/national/").content.decode()
    assert "Illustrative data, not findings about these trusts" in html
    assert "Bar chart: factors most often unmet" in html
