"""newroles readiness summary DEPLOYMENT_ID --format json|table."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from newroles.accounts import policy
from newroles.readiness.tests.conftest import TODAY, check
from newroles.roles.services import save_role

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("readiness", *args, stdout=out)
    return out.getvalue()


def test_the_summary_as_json_has_every_factor_with_its_red_flags(planned):
    save_role(actor=policy.SYSTEM, slug="nursing_associate", recruit_months=4, qualify_months=18)
    assessment = check(planned, clinical_champion="not_started", engagement="partly")
    data = json.loads(_run("summary", str(planned.pk), "--format", "json", "--today", TODAY.isoformat()))
    assert data["deployment"]["id"] == planned.pk and data["deployment"]["trust"]["ods_code"] == "TAH"
    assert data["assessment"] == {"id": assessment.pk, "assessed_on": "2026-06-15", "assessed_by": "Test lead"}
    items = {i["key"]: i for i in data["items"]}
    assert items["clinical_champion"]["status"] == "not_started" and items["clinical_champion"]["red_flag"]
    assert items["engagement"]["status"] == "partly"
    assert items["forewarning"]["mode"] == "computed" and items["forewarning"]["red_flag"]
    assert items["forewarning"]["reason"].startswith("Planned start in 3 months; recruiting a trained post-holder")
    assert data["red_flags"] == sum(1 for i in data["items"] if i["red_flag"])


def test_the_summary_as_a_table(planned):
    check(planned, clinical_champion="not_started")
    out = _run("summary", str(planned.pk), "--today", TODAY.isoformat())
    assert "A clinical champion" in out and "RED FLAG: Not started" in out and "Latest check: 2026-06-15" in out


def test_an_unknown_deployment_is_an_error():
    with pytest.raises(CommandError, match="No deployment has the id 999999"):
        _run("summary", "999999", "--format", "json")
