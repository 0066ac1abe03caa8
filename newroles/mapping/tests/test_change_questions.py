"""The guided questions on a deployment: intended and actual shift, kinds written onto the deployment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.mapping import services as mapping
from newroles.skillmix import guided
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.tests import conftest as skillmix_fixtures

HTMX = {"HTTP_HX_REQUEST": "true"}
roles = skillmix_fixtures.roles  # the catalogue roles (with their facts) the questions name


@pytest.fixture
def deployment(sheffield, roles):
    return mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Nursing Associate", role=roles["nursing_associate"]
    )


def answers(roles, **changes):
    base = {
        "band": "4",
        "registered": "yes",
        "source": str(roles["mental_health_nurse"].pk),
        "source_band": "6",
        "source_registered": "yes",
        "scope": "none",
        "novel": "no",
        "evidence": "Business case, March 2025",
    }
    return {**base, **changes}


def step(pk: int, which: str, name: str) -> str:
    return reverse("mapping:shift_step", args=[pk, which, name])


# Service ------------------------------------------------------------------------------------------


def test_the_shift_the_answers_describe(deployment, roles) -> None:
    assert guided.shift_from_answers(deployment, answers(roles)) == {
        "recipient": {"occupation": "Nursing associate", "band": "4", "registered": True, "medical": False},
        "adopted_from": [{"occupation": "Mental health nurse", "band": "6", "registered": True, "medical": False}],
        "own_discipline_change": "none",
        "novel_practice": False,
    }


def test_saving_writes_the_kinds_onto_the_deployment(eve, deployment, roles) -> None:
    saved = mapping.save_change_answers(actor=eve, deployment=deployment, which="intended", answers=answers(roles))
    deployment.refresh_from_db()
    assert saved.kinds == ["delegation"]
    assert "2 bands apart" in saved.reasons["delegation"]
    assert deployment.intended_kinds == ["delegation"]
    assert deployment.intended_evidence == "Business case, March 2025"
    assert deployment.actual_kinds == []
    audited = set(ChangeRecord.objects.values_list("content_type__model", flat=True))
    assert {"deploymentshift", "deployment"} <= audited


def test_actual_differs_from_intended(eve, deployment, roles) -> None:
    mapping.save_change_answers(actor=eve, deployment=deployment, which="intended", answers=answers(roles))
    # In practice they also run a physical health clinic the service did not have.
    mapping.save_change_answers(
        actor=eve, deployment=deployment, which="actual", answers=answers(roles, novel="yes", evidence="")
    )
    deployment.refresh_from_db()
    assert deployment.actual_kinds == ["delegation", "innovation"]
    assert deployment.drifted
    # Saving again updates the one row of each kind.
    mapping.save_change_answers(actor=eve, deployment=deployment, which="actual", answers=answers(roles))
    assert DeploymentShift.objects.filter(deployment=deployment).count() == 2


def test_not_sure_is_missing_not_guessed(eve, deployment, roles) -> None:
    saved = mapping.save_change_answers(
        actor=eve, deployment=deployment, which="intended", answers=answers(roles, band="unsure")
    )
    assert saved.kinds == []
    assert saved.missing == ["recipient.band"]


def test_only_the_trusts_editors_save(charlie, bob, deployment, roles) -> None:
    from django.core.exceptions import PermissionDenied

    for outsider in (charlie, bob):
        with pytest.raises(PermissionDenied):
            mapping.save_change_answers(actor=outsider, deployment=deployment, which="intended", answers=answers(roles))
    assert not DeploymentShift.objects.exists()


# Pages --------------------------------------------------------------------------------------------


def test_everyone_signed_in_reads_the_page_only_editors_answer(olive, bob, charlie, eve, deployment) -> None:
    page = reverse("mapping:deployment_shifts", args=[deployment.pk])
    start = reverse("mapping:shift_start", args=[deployment.pk, "intended"])
    for reader in (olive, bob, charlie):
        assert client_for(reader).get(page).status_code == 200
        assert client_for(reader).get(start).status_code == 403
        assert client_for(reader).post(step(deployment.pk, "intended", "check")).status_code == 403
    assert "Record the intended change" in client_for(eve).get(page).content.decode()
    assert client_for(eve).get(start).status_code == 302


def test_one_question_a_screen_without_javascript(eve, deployment, roles) -> None:
    client = client_for(eve)
    response = client.get(reverse("mapping:shift_start", args=[deployment.pk, "intended"]), follow=True)
    page = response.content.decode()
    assert "What pay band are the Nursing associate posts?" in page
    assert page.count("<h1") == 1
    for name, value, next_name in [
        ("band", "4", "registered"),
        ("registered", "yes", "source"),
        ("source", str(roles["mental_health_nurse"].pk), "source_band"),
        ("source_band", "6", "source_registered"),
        ("source_registered", "yes", "scope"),
        ("scope", "none", "novel"),
        ("novel", "no", "evidence"),
        ("evidence", "Job description v2", "check"),
    ]:
        response = client.post(step(deployment.pk, "intended", name), {"answer": value})
        assert response.status_code == 302 and response["Location"] == step(deployment.pk, "intended", next_name)
    check = client.get(step(deployment.pk, "intended", "check")).content.decode()
    assert "Check the intended change" in check and "Delegation" in check and "2 bands apart" in check
    response = client.post(step(deployment.pk, "intended", "check"))
    assert response["Location"] == reverse("mapping:deployment_shifts", args=[deployment.pk])
    deployment.refresh_from_db()
    assert deployment.intended_kinds == ["delegation"]
    assert deployment.intended_evidence == "Job description v2"
    assert "Delegation" in client.get(response["Location"]).content.decode()


def test_a_missing_answer_is_an_error_on_the_same_screen(eve, deployment) -> None:
    client = client_for(eve)
    client.get(reverse("mapping:shift_start", args=[deployment.pk, "intended"]))
    response = client.post(step(deployment.pk, "intended", "registered"), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Choose an answer" in page


def test_no_source_skips_the_sources_questions(eve, deployment) -> None:
    client = client_for(eve)
    client.get(reverse("mapping:shift_start", args=[deployment.pk, "intended"]))
    response = client.post(step(deployment.pk, "intended", "source"), {"answer": "none"})
    assert response["Location"] == step(deployment.pk, "intended", "scope")
    assert client.get(step(deployment.pk, "intended", "source_band"))["Location"].endswith("/band/")


def test_htmx_swaps_in_the_next_question(eve, deployment) -> None:
    client = client_for(eve)
    client.get(reverse("mapping:shift_start", args=[deployment.pk, "intended"]))
    response = client.post(step(deployment.pk, "intended", "band"), {"answer": "4"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == step(deployment.pk, "intended", "registered")
    assert page.lstrip().startswith("<title>")  # a partial: no page chrome
    assert "<header" not in page and 'id="shift-step"' in page
    assert "Are the Nursing associate post-holders on a professional register" in page
    response = client.post(step(deployment.pk, "intended", "check"), **HTMX)
    assert response["HX-Redirect"] == reverse("mapping:deployment_shifts", args=[deployment.pk])


def test_actual_starts_from_the_intended_answers(eve, deployment, roles) -> None:
    mapping.save_change_answers(actor=eve, deployment=deployment, which="intended", answers=answers(roles))
    client = client_for(eve)
    client.get(reverse("mapping:shift_start", args=[deployment.pk, "actual"]))
    check = client.get(step(deployment.pk, "actual", "check")).content.decode()
    assert "Check the actual change" in check
    assert "Mental health nurse" in check  # the intended source, to change only what differs
    assert "Business case" not in check  # evidence is asked afresh
