"""The demo's funding shows every kind of warning at Sheffield, whatever today is, and none at South West
Yorkshire; its pages stay cheap with it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.demo.services import load_demo
from newroles.funding import warnings
from newroles.funding.demo import NOTE, load_funding_demo
from newroles.funding.models import FundingLine
from newroles.funding.tests.conftest import without_lead_times
from newroles.funding.tests.test_national import NATIONAL_MAX_QUERIES
from newroles.mapping.demo import load_mapping_demo
from newroles.mapping.models import Deployment
from newroles.roles.services import save_role

pytestmark = pytest.mark.django_db


def demo_warnings(today: dt.date, code: str | None = None) -> Counter[str]:
    deployments = Deployment.objects.filter(funding_lines__isnull=False).distinct()
    if code:
        deployments = deployments.filter(trust__ods_code=code)
    found = warnings.for_deployments(deployments, today=today)
    return Counter(w.kind for ws in found.values() for w in ws)


@pytest.fixture
def lead_times(db) -> None:  # type: ignore[no-untyped-def]
    """A sourced lead time for one role the demo trusts deploy (the catalogue leaves unknown ones empty)."""
    save_role(actor=policy.SYSTEM, slug="mental_health_wellbeing_practitioner", recruit_months=3, qualify_months=12)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 2), dt.date(2027, 3, 1), dt.date(2031, 8, 31)])
def test_every_kind_of_warning_shows_at_the_demo_editors_trust_whatever_today_is(lead_times, today):
    load_mapping_demo()
    assert load_funding_demo(today=today) > 0
    found = demo_warnings(today, "TAH") + demo_warnings(today, "RXE")
    assert set(found) == set(warnings.WARNING_KINDS), set(warnings.WARNING_KINDS) - set(found)
    assert set(demo_warnings(today, "TAH")) >= set(warnings.WARNING_KINDS) - {warnings.SHORTER_THAN_LEAD_TIME}


def test_without_known_lead_times_every_other_kind_still_shows(db):
    without_lead_times()
    load_mapping_demo()
    today = timezone.localdate()
    load_funding_demo(today=today)
    assert set(demo_warnings(today, "TAH")) == set(warnings.WARNING_KINDS) - {warnings.SHORTER_THAN_LEAD_TIME}


def test_south_west_yorkshire_has_lines_and_no_warnings_and_every_line_says_it_is_illustrative(db):
    load_mapping_demo()
    today = timezone.localdate()
    load_funding_demo(today=today)
    assert FundingLine.objects.filter(trust__ods_code="RXG").count() >= 3
    assert demo_warnings(today, "RXG") == Counter()
    assert not FundingLine.objects.exclude(notes=NOTE).exists()
    assert load_funding_demo(today=today) == 0  # loaded once


def test_the_national_page_shows_counts_and_stays_cheap_with_the_demo(db, django_assert_max_num_queries):
    load_demo()
    from newroles.accounts.models import User

    national = User.objects.get(email="national@demo.test")
    client = client_for(national)
    with django_assert_max_num_queries(NATIONAL_MAX_QUERIES):
        response = client.get(reverse("funding:national"))
    picture = response.context["picture"]
    assert isinstance(picture.total.deployments_12, int) and picture.total.deployments_12 >= 5
    assert any(isinstance(r.deployments_12, int) and r.deployments_12 for r in picture.by_region)
    editor = client_for(User.objects.get(email="editor@demo.test"))
    page = editor.get(reverse("funding:trust", args=["TAH"]))
    assert "Illustrative funding, not any trust" in page.content.decode()
