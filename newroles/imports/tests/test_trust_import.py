"""Importing the trust register: administrators only, matched on ODS code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports.tests.helpers import Flow, csv_text
from newroles.organisations.models import Trust

REGISTER = csv_text(
    "ODS code,Trust name,NHS England region,Status,In the study set,Lead email",
    "ZZ1,Imaginary Mental Health NHS Trust,London,active,no,lead@example.org",
    "TAH,Sheffield Health Partnership University NHS Foundation Trust,Y63,,yes,newroles@example.org",
)


def _check(flow: Flow, data: bytes = REGISTER):  # type: ignore[no-untyped-def]
    assert flow.upload(data).status_code == 302
    return flow.map(
        ods_code="ODS code",
        name="Trust name",
        region="NHS England region",
        status="Status",
        in_study_set="In the study set",
        new_roles_lead_email="Lead email",
    )


@pytest.mark.parametrize("who", ["alice", "eve", "bob", "charlie", "nadia", "rita", "olive"])
def test_only_admins_import_trusts(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("imports:upload", args=["trusts"])).status_code == 403
    assert Flow(client, kind="trusts", trust=None).upload(REGISTER).status_code == 403
    assert not Trust.objects.filter(ods_code="ZZ1").exists()


def test_an_admin_adds_and_updates_trusts(admin_user):
    flow = Flow(client_for(admin_user), kind="trusts", trust=None)
    check = _check(flow)
    result = check.context["result"]
    assert (result.ok, result.created, result.updated) == (True, 1, 1)
    response = flow.commit()
    assert response.status_code == 302 and response.url == reverse("imports:index")

    created = Trust.objects.get(ods_code="ZZ1")
    assert (created.region.name, created.status, created.in_study_set) == ("London", "active", False)
    sheffield = Trust.objects.get(ods_code="TAH")
    assert sheffield.new_roles_lead_email == "newroles@example.org"
    assert sheffield.in_study_set

    records = ChangeRecord.objects.filter(content_type__model="trust", user=admin_user)
    assert sorted(r.action for r in records) == ["create", "update"]
    assert len({r.batch_id for r in records}) == 1
    update = records.get(action="update")
    assert (
        update.before["new_roles_lead_email"] == "" and update.after["new_roles_lead_email"] == "newroles@example.org"
    )


def test_bad_trust_rows_are_all_reported(admin_user):
    data = csv_text(
        "ODS code,Trust name,NHS England region,Status,In the study set,Lead email",
        "zz 1,Lower-case Code Trust,London,,no,",
        "ZZ2,Nowhere Trust,Atlantis,,no,",
        "ZZ3,Odd Status Trust,London,asleep,no,",
        "ZZ4,Bad Email Trust,London,,perhaps,not-an-email",
    )
    flow = Flow(client_for(admin_user), kind="trusts", trust=None)
    errors = [str(e) for e in _check(flow, data).context["result"].errors]
    assert errors[0].startswith("row 2, column ODS code: 'zz 1' An ODS code is 3 to 6 capital letters or digits.")
    assert errors[1].startswith("row 3, column NHS England region: 'Atlantis' is not an NHS England region")
    assert errors[2] == "row 4, column Status: 'asleep' is not one of: active, closed"
    assert errors[3] == "row 5, column In the study set: 'perhaps' is not yes or no"
    # The email is checked only when the row gets as far as saving, so this row stops at its first problem.
    assert len(errors) == 4
    assert not Trust.objects.filter(ods_code__startswith="ZZ").exists()
