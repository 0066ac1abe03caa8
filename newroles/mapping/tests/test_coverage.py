"""Coverage: per region, study-set trusts with a completed phase 1 engagement, out of the study set."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from newroles.accounts import policy
from newroles.mapping import services
from newroles.organisations.models import Trust

pytestmark = pytest.mark.django_db

DAY = dt.date(2023, 7, 1)


def engage(code: str, phase: str = "phase1_interview", status: str = "completed") -> None:
    trust = Trust.objects.get(ods_code=code)
    services.record_engagement(actor=policy.SYSTEM, trust=trust, phase=phase, status=status, date=DAY)


def by_region() -> dict[str, tuple[int, int]]:
    return {r.region.name: (r.engaged, r.total) for r in services.coverage()}


def test_totals_are_the_study_set_by_region_with_nobody_engaged():
    assert by_region() == {
        "North East and Yorkshire": (0, 8), "North West": (0, 5), "Midlands": (0, 11), "East of England": (0, 4),
        "London": (0, 10), "South East": (0, 7), "South West": (0, 6),
    }  # fmt: skip
    cov = services.coverage()
    assert (cov.engaged, cov.total) == (0, 51)


def test_a_completed_interview_or_questionnaire_counts_once_per_trust():
    engage("TAH")
    engage("TAH", phase="questionnaire")  # the same trust again: still one trust
    engage("RXE", phase="questionnaire")
    assert by_region()["North East and Yorkshire"] == (2, 8)


def test_other_phases_and_unfinished_contacts_do_not_count():
    engage("TAH", status="declined")
    engage("RXE", status="no_response")
    engage("RX3", status="planned")
    engage("RX4", phase="phase2_reflection_group")
    engage("RGD", phase="phase3_case_study")
    assert by_region()["North East and Yorkshire"] == (0, 8)


def test_trusts_outside_the_study_set_are_not_counted():
    engage("G6V2S")  # North London NHS FT opened in 2024: not in the 2023 set
    assert by_region()["London"] == (0, 10)


def test_phase_can_be_chosen():
    engage("TAH", phase="phase2_reflection_group")
    cov = services.coverage(phases=["phase2_reflection_group"])
    assert cov.for_region(Trust.objects.get(ods_code="TAH").region_id).engaged == 1


def test_cli_prints_coverage_as_json():
    engage("TAH")
    engage("RW4")
    out = io.StringIO()
    call_command("mapping", "coverage", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["regions"][0] == {"region": "North East and Yorkshire", "engaged": 1, "total": 8}
    assert data["regions"][1] == {"region": "North West", "engaged": 1, "total": 5}
    assert data["total"] == {"engaged": 2, "total": 51}


def test_cli_prints_coverage_as_a_table():
    engage("TAH")
    out = io.StringIO()
    call_command("mapping", "coverage", stdout=out)
    text = out.getvalue()
    assert "North East and Yorkshire" in text
    assert "TOTAL" in text and "51" in text
