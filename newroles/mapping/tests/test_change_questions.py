"""The guided questions on a deployment: intended and actual shift, kinds written onto the deployment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.mapping import services as mapping
from newroles.roles.models import Role
from newroles.skillmix import guided
from newroles.skillmix.forms import guided_defaults
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
    # The level question replaced the registration questions, and tasks may come from several roles (issue 15).
    base = {
        "band": "4",
        "level": "associate",
        "source": str(roles["mental_health_nurse"].pk),
        "source_band": "6",
        "source_2": "none",
        "scope": "none",
        "novel": "no",
        "evidence": "Business case, March 2025",
    }
    return {**base, **changes}


def step(pk: int, which: str, name: str) -> str:
    return reverse("mapping:shift_step", args=[pk, which, name])


# Service ------------------------------------------------------------------------------------------


def test_the_shift_the_answers_describe(deployment, roles) -> None:
    # Every fact stated, the catalogue's levels and slugs included (issue 15), so it classifies without the catalogue.
    assert guided.shift_from_answers(deployment, answers(roles)) == {
        "recipient": {
            "occupation": "Nursing associate", "band": "4", "registered": True, "medical": False,
            "level": "associate", "role": "nursing_associate",
        },
        "adopted_from": [{
            "occupation": "Mental health nurse", "band": "6", "registered": True, "medical": False,
            "level": "registered_professional", "role": "mental_health_nurse",
        }],
        "own_discipline_change": "none",
        "novel_practice": False,
    }  # fmt: skip


def test_answers_saved_before_the_level_question_still_read(deployment, roles) -> None:
    older = {
        "band": "4", "registered": "yes", "source": str(roles["mental_health_nurse"].pk), "source_band": "6",
        "source_registered": "yes", "scope": "none", "novel": "no",
    }  # fmt: skip
    result = guided.classify_answers(deployment, older)
    assert result.kinds == ["delegation"]  # the catalogue's levels, not the registration answers
    assert "Nursing associate (band 4, associate level)" in result.reasons["delegation"]


def test_several_roles_and_both_scope_changes(deployment, roles) -> None:
    result = guided.classify_answers(
        deployment,
        answers(
            roles,
            source_2=str(Role.objects.get(slug="pharmacy_technician").pk),
            source_2_band="4",
            source_3=str(roles["support_time_recovery_worker"].pk),
            source_3_band="3",
            source_4="none",
            scope="both",
        ),
    )
    assert result.kinds == ["delegation", "horizontal_substitution", "specialisation", "diversification"]
    assert "Pharmacy technician (band 4, associate level" in result.reasons["horizontal_substitution"]
    (note,) = result.notes
    assert note.startswith("Tasks move up a level: Nursing associate (band 4, associate level) takes on tasks of")


def test_the_catalogues_innovation_answer_is_the_default(sheffield, roles) -> None:
    peer = mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Peer Worker", role=roles["peer_support_worker"]
    )
    defaults = guided_defaults(peer)
    assert defaults["novel"] == "yes" and defaults["level"] == "support"
    result = guided.classify_answers(peer, {**defaults, "band": "3", "source": "none"})
    assert result.kinds == ["innovation"]
    assert "(the role catalogue's usual answer for this role)" in result.reasons["innovation"]
    assert guided.classify_answers(peer, {**defaults, "band": "3", "source": "none", "novel": "no"}).kinds == []


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
    # The levels differ (associate, registered professional), so an unknown band alone no longer leaves the kind
    # undecided (issue 15): unknown level and band together do.
    saved = mapping.save_change_answers(
        actor=eve, deployment=deployment, which="intended", answers=answers(roles, band="unsure", level="unsure")
    )
    assert saved.kinds == []
    assert saved.missing == ["recipient.level", "recipient.band"]


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
    # The level question replaced the registration questions; after each role comes "as well?" (issue 15).
    for name, value, next_name in [
        ("band", "4", "level"),
        ("level", "associate", "source"),
        ("source", str(roles["mental_health_nurse"].pk), "source_band"),
        ("source_band", "6", "source_2"),
        ("source_2", "none", "scope"),
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
    response = client.post(step(deployment.pk, "intended", "level"), {})
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
    assert response["HX-Push-Url"] == step(deployment.pk, "intended", "level")  # the level question (issue 15)
    assert page.lstrip().startswith("<title>")  # a partial: no page chrome
    assert "<header" not in page and 'id="shift-step"' in page
    assert "What level of training and expertise do the Nursing associate posts need?" in page
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
