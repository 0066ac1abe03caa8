"""Deployment services: validation, tenancy (a trust's editors only), title resolution, unmapped titles."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.mapping import services
from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy
from newroles.organisations import services as organisations
from newroles.roles.services import save_alias

pytestmark = pytest.mark.django_db


def test_an_editor_records_a_role_with_teams_and_it_is_audited(eve, sheffield, psw, shared_team):
    d = services.create_deployment(
        actor=eve, trust=sheffield, local_title="Peer Worker", role=psw, teams=[shared_team],
        reasons=["staff_shortages"], stance="proactive", trust_newness="new_role",
    )  # fmt: skip
    assert list(d.teams.all()) == [shared_team]
    records = ChangeRecord.objects.filter(object_id=str(d.pk), content_type__model="deployment")
    assert records.count() == 2  # the row, then its teams
    assert records.filter(user=eve, trust_id=sheffield.pk).count() == 2


def test_an_editor_cannot_create_a_deployment_at_another_trust(eve, rotherham, psw):
    with pytest.raises(PermissionDenied):
        services.create_deployment(actor=eve, trust=rotherham, local_title="Peer Worker", role=psw)
    assert not Deployment.objects.exists()


def test_an_editor_cannot_change_or_delete_another_trusts_deployment(charlie, sheffield_psw):
    with pytest.raises(PermissionDenied):
        services.update_deployment(actor=charlie, deployment=sheffield_psw, headcount=3)
    with pytest.raises(PermissionDenied):
        services.delete_deployment(actor=charlie, deployment=sheffield_psw)
    with pytest.raises(PermissionDenied):
        services.set_kinds(actor=charlie, deployment=sheffield_psw, actual=["delegation"])
    sheffield_psw.refresh_from_db()
    assert sheffield_psw.headcount is None


def test_an_editor_cannot_move_a_deployment_into_another_trust(eve, sheffield_psw, rotherham):
    with pytest.raises(PermissionDenied):
        services.update_deployment(actor=eve, deployment=sheffield_psw, trust=rotherham)
    sheffield_psw.refresh_from_db()
    assert sheffield_psw.trust.ods_code == "TAH"


def test_a_viewer_cannot_change_their_own_trusts_deployment(bob, sheffield_psw):
    with pytest.raises(PermissionDenied):
        services.update_deployment(actor=bob, deployment=sheffield_psw, headcount=3)


def test_teams_must_belong_to_the_same_trust(eve, sheffield, rotherham, psw):
    other = organisations.create_team(
        actor=policy.SYSTEM, trust=rotherham, name="Doncaster CMHT", service_type="community"
    )
    with pytest.raises(ValidationError) as exc:
        services.create_deployment(actor=eve, trust=sheffield, local_title="Peer Worker", role=psw, teams=[other])
    assert "teams" in exc.value.message_dict
    assert not Deployment.objects.exists()


def test_everyone_signed_in_reads_deployments_but_only_the_trusts_editors_change_them(
    sheffield_psw, alice, eve, bob, charlie, nadia, olive, admin_user
):
    qs = Deployment.objects.all()
    for user in (alice, eve, bob, charlie, nadia, olive, admin_user):
        assert sheffield_psw in policy.visible(user, qs)
    for user in (alice, eve, admin_user):
        assert sheffield_psw in policy.editable(user, qs)
    for user in (bob, charlie, nadia, olive):
        assert sheffield_psw not in policy.editable(user, qs)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"reasons": ["boredom"]}, "reasons"),
        ({"reasons": "staff_shortages"}, "reasons"),
        ({"intended_kinds": ["delegation", "delegation"]}, "intended_kinds"),
        ({"actual_kinds": ["subtraction"]}, "actual_kinds"),
        ({"reasons": ["other"]}, "reason_other"),
        ({"reason_other": "Because", "reasons": []}, "reason_other"),
        ({"status": "planned", "headcount": 4}, "headcount"),
        ({"local_title": " -- "}, "local_title"),
    ],
)
def test_invalid_values_are_refused(sheffield, fields, error_field):
    values = {"local_title": "Peer Worker", **fields}
    with pytest.raises(ValidationError) as exc:
        services.create_deployment(actor=policy.SYSTEM, trust=sheffield, **values)
    assert error_field in exc.value.message_dict


def test_a_title_is_unique_within_a_trust_whatever_its_case(sheffield, rotherham):
    deploy(sheffield, "Peer Worker")
    with pytest.raises(ValidationError):
        deploy(sheffield, "peer worker")
    deploy(rotherham, "Peer Worker")  # another trust may use the same title


def test_resolve_title_matches_national_aliases_and_role_names(sheffield, psw, mhp):
    save_alias(actor=policy.SYSTEM, role=psw, title="PSW (Band 3)")
    assert services.resolve_title(sheffield, "psw band 3") == psw
    assert services.resolve_title(sheffield, mhp.name.upper()) == mhp
    assert services.resolve_title(sheffield, "Recovery Navigator") is None
    assert services.resolve_title(sheffield, "") is None


def test_a_trusts_own_alias_wins_over_a_national_one_and_stays_with_the_trust(sheffield, rotherham, psw, mhp):
    save_alias(actor=policy.SYSTEM, role=psw, title="Wellbeing Worker")
    save_alias(actor=policy.SYSTEM, role=mhp, title="Wellbeing Worker", trust=sheffield)
    assert services.resolve_title(sheffield, "Wellbeing Worker") == mhp
    assert services.resolve_title(rotherham, "Wellbeing Worker") == psw


def test_an_unresolved_title_is_kept_and_listed_to_resolve(sheffield):
    d = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator")
    assert d.is_unmapped
    assert list(services.unmapped(sheffield)) == [d]


def test_resolving_a_title_can_remember_it_for_the_next_import(eve, sheffield, psw):
    d = deploy(sheffield, "Recovery Navigator")
    services.resolve_deployment(actor=eve, deployment=d, role=psw, remember=True)
    d.refresh_from_db()
    assert d.role == psw
    assert not services.unmapped(sheffield).exists()
    assert services.resolve_title(sheffield, "recovery navigator") == psw


def test_another_trusts_editor_cannot_resolve_a_title(charlie, sheffield, psw):
    d = deploy(sheffield, "Recovery Navigator")
    with pytest.raises(PermissionDenied):
        services.resolve_deployment(actor=charlie, deployment=d, role=psw)


def test_only_researchers_and_admins_record_engagements(eve, rita, admin_user, sheffield):
    with pytest.raises(PermissionDenied):
        services.record_engagement(actor=eve, trust=sheffield, phase="phase1_interview")
    services.record_engagement(actor=rita, trust=sheffield, phase="phase1_interview")
    services.record_engagement(actor=admin_user, trust=sheffield, phase="questionnaire")
    assert services.engagements_for(rita).count() == 2
    assert services.engagements_for(eve).count() == 0


def test_a_completed_engagement_needs_a_date(rita, sheffield):
    with pytest.raises(ValidationError):
        services.record_engagement(actor=rita, trust=sheffield, phase="phase1_interview", status="completed")


def test_resolve_title_uses_the_normaliser_for_messy_titles(db):
    from newroles.mapping import services as mapping_services
    from newroles.organisations.models import Trust

    trust = Trust.objects.get(ods_code="TAH")
    # Band text, a site suffix and an abbreviation: no exact alias, but the normaliser places it.
    assert mapping_services.resolve_title(trust, "Snr PSW (Band 4) - Maple Ward").slug == "peer_support_worker"
    assert mapping_services.resolve_title(trust, "Trainee Nursing Assoc").slug == "nursing_associate"
    # Generic and ambiguous titles stay unmapped for a person to decide.
    assert mapping_services.resolve_title(trust, "Practitioner") is None
    assert mapping_services.resolve_title(trust, "PA to the Medical Director") is None
