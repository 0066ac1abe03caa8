"""Into the map: staff-record figures per role, deployments kept current, person-entered figures never
overwritten, and new roles found in the staff record suggested."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services as mapping
from newroles.mapping import staff_record
from newroles.mapping.models import Deployment
from newroles.roles.models import Role
from newroles.workforce import services
from newroles.workforce.models import StaffRecordFigure, StaffRecordSuggestion
from newroles.workforce.tests.conftest import APRIL, MARCH, STANDARD, imported, post, rows_of, run_import

__all__ = ["imported", "run_import"]  # the staff record's import fixtures, used below

pytestmark = pytest.mark.django_db


def deploy(trust, slug: str, title: str, **fields) -> Deployment:  # type: ignore[no-untyped-def]
    return mapping.create_deployment(
        actor=policy.SYSTEM, trust=trust, local_title=title, role=Role.objects.get(slug=slug), **fields
    )


def test_each_month_records_a_figure_per_role(sheffield, imported) -> None:
    figure = StaffRecordFigure.objects.get(trust=sheffield, month=MARCH, role__slug="peer_support_worker")
    assert (figure.headcount, figure.wte, figure.in_training) == (9, Decimal("9.00"), 0)
    assert figure.extract == imported


def test_staff_record_figures_keep_a_deployment_current(sheffield, run_import) -> None:
    d = deploy(sheffield, "peer_support_worker", "Peer Worker", figures_source="staff_record", headcount=3)
    run_import(sheffield, rows_of(*STANDARD))
    d.refresh_from_db()
    assert (d.headcount, d.wte, d.figures_source, d.figures_as_of) == (9, Decimal("9.00"), "staff_record",
                                                                      dt.date(2025, 3, 31))  # fmt: skip
    run_import(sheffield, rows_of((4, post("Peer Worker", grade="Band 3"))), month=APRIL)
    d.refresh_from_db()
    assert (d.headcount, d.figures_as_of) == (4, dt.date(2025, 4, 30))
    # Re-importing an older month does not wind the deployment back.
    run_import(sheffield, rows_of((1, post("Peer Worker", grade="Band 3"))), month=MARCH)
    d.refresh_from_db()
    assert d.headcount == 4


def test_a_figure_a_person_entered_is_never_overwritten(sheffield, alice, run_import) -> None:
    d = deploy(sheffield, "peer_support_worker", "Peer Support Workers", figures_source="interview", headcount=12,
               figures_as_of=dt.date(2024, 1, 10))  # fmt: skip
    run_import(sheffield, rows_of(*STANDARD))
    d.refresh_from_db()
    assert (d.headcount, d.figures_source) == (12, "interview")
    _month, rows = staff_record.map_rows(sheffield)
    row = next(r for r in rows if r.role.slug == "peer_support_worker")
    assert row.figure.headcount == 9 and row.discrepancies == [d]
    page = client_for(alice).get(reverse("mapping:staff_record", args=["TAH"])).content.decode()
    assert "Differs from the staff record" in page and "entered by a person: kept as it is" in page


def test_several_deployments_of_a_role_share_the_figure(sheffield, run_import) -> None:
    a = deploy(sheffield, "peer_support_worker", "Peer Worker", figures_source="staff_record")
    b = deploy(sheffield, "peer_support_worker", "Peer Mentor")
    run_import(sheffield, rows_of(*STANDARD))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.headcount is None and b.headcount is None
    row = next(r for r in staff_record.map_rows(sheffield)[1] if r.role.slug == "peer_support_worker")
    assert row.shared


def test_new_roles_not_on_the_map_are_suggested(sheffield, alice, imported) -> None:
    suggestions = {s.role.slug: s for s in StaffRecordSuggestion.objects.filter(trust=sheffield)}
    # New roles only: the established mental health nurse is not suggested.
    assert set(suggestions) == {"peer_support_worker", "clinical_associate_in_psychology", "nursing_associate"}
    psw = suggestions["peer_support_worker"]
    assert (psw.headcount, psw.example_title) == (9, "Peer Support Worker")
    client = client_for(alice)
    client.post(reverse("mapping:staff_record_suggestion", args=["TAH", psw.pk, "accept"]))
    psw.refresh_from_db()
    d = psw.deployment
    assert psw.status == StaffRecordSuggestion.ACCEPTED
    assert (d.local_title, d.role.slug, d.headcount, d.figures_source) == (
        "Peer support worker", "peer_support_worker", 9, "staff_record",
    )  # fmt: skip
    cap = suggestions["clinical_associate_in_psychology"]
    client.post(reverse("mapping:staff_record_suggestion", args=["TAH", cap.pk, "dismiss"]))
    cap.refresh_from_db()
    assert cap.status == StaffRecordSuggestion.DISMISSED
    # A later month does not bring a dismissed suggestion back.
    services.recount(actor=policy.SYSTEM, trust=sheffield)
    cap.refresh_from_db()
    assert cap.status == StaffRecordSuggestion.DISMISSED


def test_a_viewer_cannot_accept_a_suggestion(sheffield, bob, imported) -> None:
    suggestion = StaffRecordSuggestion.objects.filter(trust=sheffield).first()
    response = client_for(bob).post(reverse("mapping:staff_record_suggestion", args=["TAH", suggestion.pk, "accept"]))
    assert response.status_code == 403
    assert not Deployment.objects.filter(trust=sheffield).exists()
