"""Every model declares a change rule, and the audited writes follow it before and after every save.

The forged-id test walks every trust-owned model of the project (found through `django.apps`, so a new
model without a row here fails): an actor who may change the row in Sheffield (TAH) points it, or its
parent, at Rotherham (RXE) through `audit.writes.update_row`, as a forged id in a POST would. The change
is refused, nothing is written and nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import rules as rules_package
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from newroles.accounts import policy
from newroles.accounts import rules as change_rules
from newroles.accounts.models import Invitation, Membership, User
from newroles.audit.models import ChangeRecord
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.imports.models import ImportRun
from newroles.organisations.models import Team, Trust
from newroles.roles.models import Role, RoleAlias

SYSTEM = policy.SYSTEM


def trust_owned_models() -> list[type[models.Model]]:
    return [m for m in change_rules.project_models() if getattr(m, "trust_path", None)]


def test_every_model_of_the_project_declares_a_change_rule_held_as_its_permission() -> None:
    found = change_rules.project_models()
    assert len(found) >= 30  # the enumeration finds the project's models, not an empty list
    written = [*found, *change_rules.ruled_models()]  # with the second-factor devices the project writes
    assert {"otp_totp.TOTPDevice", "otp_static.StaticDevice", "otp_static.StaticToken"} <= {
        m._meta.label for m in written
    }
    for model in written:
        assert getattr(model, "change_rule", None) in change_rules.RULES, f"{model._meta.label} has no change rule"
        assert rules_package.perm_exists(policy.change_permission(model)), model._meta.label


def test_a_model_without_a_change_rule_is_refused_at_registration() -> None:
    class Unruled:
        _meta = Team._meta

    with pytest.raises(TypeError, match="must declare change_rule"):
        change_rules.rule_of(Unruled)  # type: ignore[arg-type]


# Who acts -------------------------------------------------------------------------------------------


def _records(obj: models.Model) -> int:
    content_type = ContentType.objects.get_for_model(obj._meta.model)
    return ChangeRecord.objects.filter(content_type=content_type, object_id=str(obj.pk)).count()


def test_none_as_actor_is_refused_for_every_write(sheffield, private_team) -> None:
    with pytest.raises(PermissionDenied, match=r"policy\.SYSTEM"):
        create_row(None, Team(trust=sheffield, name="Nobody's ward", service_type="inpatient"))
    assert not Team.objects.filter(name="Nobody's ward").exists()
    with pytest.raises(PermissionDenied):
        update_row(None, private_team, {"name": "Renamed by nobody"})
    with pytest.raises(PermissionDenied):
        delete_row(None, private_team)
    private_team.refresh_from_db()
    assert private_team.name == "Maple Ward"
    assert _records(private_team) == 1  # its creation only


def test_none_is_refused_by_the_services_too(sheffield, rotherham, private_team) -> None:
    from newroles.accounts import services as accounts
    from newroles.organisations import services as organisations

    with pytest.raises(PermissionDenied):
        organisations.create_team(actor=None, trust=sheffield, name="X", service_type="inpatient")
    with pytest.raises(PermissionDenied):
        organisations.save_region(actor=None, code="X", name="X", short_name="X")
    with pytest.raises(PermissionDenied):
        accounts.add_member(actor=None, trust=rotherham, email="new@example.org", role="viewer")
    assert not User.objects.filter(email="new@example.org").exists()


def test_the_system_actor_passes_and_is_recorded_as_system(sheffield, rotherham) -> None:
    team = create_row(SYSTEM, Team(trust=sheffield, name="System ward", service_type="inpatient"))
    update_row(SYSTEM, team, {"trust": rotherham})  # the system may move rows: no person is acting
    record = ChangeRecord.objects.filter(object_id=str(team.pk), content_type__model="team").first()
    assert (record.user, record.user_name) == (None, "system")
    assert str(SYSTEM) == "system" and not SYSTEM.is_authenticated
    assert policy.visible(SYSTEM, Team.objects.all()).count() == 0  # a job reads for itself, not through pages


def test_derived_rows_are_the_systems_alone(eve, rita, private_team) -> None:
    from newroles.roles.models import SearchEntry

    entry = SearchEntry.objects.filter(kind="role").first()
    for person in (eve, rita):
        with pytest.raises(PermissionDenied):
            update_row(person, entry, {"title": "Forged"})
    assert SearchEntry.objects.get(pk=entry.pk).title != "Forged"


# The forged-id test ---------------------------------------------------------------------------------


def _world(trust: Trust, tag: str, *, parents_only: bool) -> dict[str, Any]:
    """One row of each trust-owned model in the trust, made by the system (parents only for the target trust)."""
    from newroles.forewarning.models import CalendarFeed
    from newroles.funding.models import RECURRENT, FundingLine, FundingShare
    from newroles.mapping.models import Deployment, Engagement
    from newroles.readiness.models import Assessment, FrameworkVersion, Rating
    from newroles.roles import services as roles
    from newroles.roles.models import DocumentVersion, PackComponent, RolePack, SearchEntry, SharedDocument
    from newroles.skillmix.models import (
        CompetencyRequirement,
        Composition,
        CompositionPost,
        DeploymentShift,
        RecordUnit,
        Scenario,
        ScenarioChange,
    )
    from newroles.workforce.models import (
        ExtractImport,
        ExtractMapping,
        ExtractTitle,
        StaffCount,
        StaffRecordFigure,
        StaffRecordSuggestion,
        TitleAnswer,
        TitleDecision,
    )

    role = Role.objects.get(slug="nursing_associate")
    person = User.objects.create_user(email=f"member-{tag}@example.org")  # a plain account, for a membership
    w: dict[str, Any] = {"organisations.Trust": trust}
    w["organisations.Team"] = create_row(SYSTEM, Team(trust=trust, name=f"Team {tag}", service_type="community"))
    w["mapping.Deployment"] = create_row(SYSTEM, Deployment(trust=trust, local_title=f"Associate {tag}", role=role))
    w["roles.RolePack"] = create_row(SYSTEM, RolePack(trust=trust, role=role, title=f"Pack {tag}"))
    w["roles.SharedDocument"] = create_row(
        SYSTEM, SharedDocument(trust=trust, title=f"Document {tag}", doc_type="policy", created_by=person)
    )
    w["skillmix.Composition"] = create_row(SYSTEM, Composition(team=w["organisations.Team"], name=f"Now {tag}"))
    w["skillmix.Scenario"] = create_row(SYSTEM, Scenario(composition=w["skillmix.Composition"], name=f"Plan {tag}"))
    w["funding.FundingLine"] = create_row(
        SYSTEM,
        FundingLine(
            trust=trust, deployment=w["mapping.Deployment"], name=f"Baseline {tag}", funder_kind="trust_baseline",
            funding_type=RECURRENT, amount_per_year=Decimal("30000"), start_date=dt.date(2025, 4, 1),
            covers_salary=True,
        ),
    )  # fmt: skip
    framework = FrameworkVersion.objects.order_by("-version").first()
    w["readiness.Assessment"] = create_row(
        SYSTEM, Assessment(deployment=w["mapping.Deployment"], framework=framework, assessed_on=dt.date(2025, 3, 1),
                           assessed_by_name="Lead"),
    )  # fmt: skip
    if parents_only:
        return w
    w["accounts.Membership"] = create_row(SYSTEM, Membership(user=person, trust=trust, role=Membership.VIEWER))
    w["accounts.Invitation"] = create_row(
        SYSTEM,
        Invitation(
            trust=trust, email=f"invited-{tag}@example.org", token_digest=f"digest-{tag}",
            expires_at=timezone.now() + dt.timedelta(days=7),
        ),
    )  # fmt: skip
    w["mapping.Engagement"] = create_row(SYSTEM, Engagement(trust=trust, phase="phase1_interview"))
    w["forewarning.CalendarFeed"] = create_row(SYSTEM, CalendarFeed(trust=trust, token=f"feed-token-{tag}"))
    w["imports.ImportRun"] = create_row(
        SYSTEM,
        ImportRun(token=f"t-{tag}", kind="teams", filename="t.csv", user=person, trust=trust, mapping={"name": "Team"}),
    )
    w["roles.RoleAlias"] = create_row(SYSTEM, RoleAlias(trust=trust, role=role, title=f"Forged alias {tag}"))
    w["roles.PackComponent"] = create_row(SYSTEM, PackComponent(pack=w["roles.RolePack"], key="sops", text="x"))
    w["roles.DocumentVersion"] = create_row(
        SYSTEM,
        DocumentVersion(
            document=w["roles.SharedDocument"],
            number=1,
            original_name="a.txt",
            file_type="txt",
            size=1,
            sha256="0",
            uploaded_by=person,
        ),
    )
    roles.reindex_document(w["roles.SharedDocument"])
    w["roles.SearchEntry"] = SearchEntry.objects.get(kind="document", object_id=w["roles.SharedDocument"].pk)
    w["skillmix.CompetencyRequirement"] = create_row(
        SYSTEM, CompetencyRequirement(team=w["organisations.Team"], competencies=["Triage"])
    )
    w["skillmix.RecordUnit"] = create_row(
        SYSTEM, RecordUnit(trust=trust, team=w["organisations.Team"], org_unit=f"{trust.ods_code} 101 Unit {tag}")
    )
    w["skillmix.CompositionPost"] = create_row(
        SYSTEM, CompositionPost(composition=w["skillmix.Composition"], role=role, band="4", wte=Decimal("1.0"))
    )
    w["skillmix.ScenarioChange"] = create_row(
        SYSTEM, ScenarioChange(scenario=w["skillmix.Scenario"], kind="add", role=role, band="4", wte=Decimal("1.0"))
    )
    w["skillmix.DeploymentShift"] = create_row(
        SYSTEM, DeploymentShift(deployment=w["mapping.Deployment"], which="intended", shift={"kind": "x"})
    )
    w["funding.FundingShare"] = create_row(
        SYSTEM, FundingShare(funding_line=w["funding.FundingLine"], partner_name=f"Partner {tag}", percent=100)
    )
    month = dt.date(2025, 3, 1)
    extract = create_row(SYSTEM, ExtractImport(trust=trust, month=month, filename="extract.csv"))
    w["workforce.ExtractImport"] = extract
    w["workforce.ExtractMapping"] = create_row(SYSTEM, ExtractMapping(trust=trust, mapping={"title": "Title"}))
    w["workforce.ExtractTitle"] = create_row(
        SYSTEM, ExtractTitle(extract=extract, trust=trust, month=month, title="Nursing associate", method="alias")
    )
    w["workforce.StaffCount"] = create_row(SYSTEM, StaffCount(extract=extract, trust=trust, month=month, role=role))
    w["workforce.TitleDecision"] = create_row(
        SYSTEM, TitleDecision(trust=trust, key=f"associate {tag}", outcome=TitleDecision.NOT_NEW)
    )
    w["workforce.TitleAnswer"] = create_row(
        SYSTEM, TitleAnswer(trust=trust, title=f"Associate {tag}", method="abstain", catalogue_version="v")
    )
    w["workforce.StaffRecordFigure"] = create_row(
        SYSTEM,
        StaffRecordFigure(trust=trust, role=role, month=month, extract=extract, headcount=6, wte=Decimal("5.5")),
    )
    w["workforce.StaffRecordSuggestion"] = create_row(
        SYSTEM, StaffRecordSuggestion(trust=trust, role=role, month=month, headcount=6, wte=Decimal("5.5"))
    )
    w["readiness.Rating"] = create_row(
        SYSTEM, Rating(assessment=w["readiness.Assessment"], item=framework.items.filter(mode="asked").first(),
                       status="partly"),
    )  # fmt: skip
    return w


# Rules under which no one outside the research team or the system changes the row at all; the row's
# trust does not decide who may change it, so "moving" it is checked as a refusal for the trust's editor.
REFUSED_BY_VALIDATION = {"funding.FundingLine", "skillmix.RecordUnit"}  # its deployment (team) must be the trust's own
NOT_DECIDED_BY_TRUST = {
    "mapping.Engagement": "researcher",
    "roles.SearchEntry": "system",
    "workforce.TitleAnswer": "system",
}


@pytest.fixture
def worlds(sheffield, rotherham):  # type: ignore[no-untyped-def]
    return _world(sheffield, "A", parents_only=False), _world(rotherham, "B", parents_only=True)


def _parent_model_label(model: type[models.Model]) -> tuple[str, str]:
    """The first hop of the model's trust path and the label of the model it points at."""
    hop = model.trust_path.split("__")[0]  # type: ignore[attr-defined]
    return hop, model._meta.get_field(hop).related_model._meta.label


@pytest.mark.parametrize("model", trust_owned_models(), ids=lambda m: m._meta.label)
def test_a_forged_parent_id_cannot_move_a_row_into_another_trust(model, worlds, alice, eve, rotherham) -> None:
    here, there = worlds
    label = model._meta.label
    assert label in here, f"{label} is trust-owned: add a row of it to _world() so this test covers it"
    obj = here[label]
    hop, parent_label = _parent_model_label(model)
    target = there[parent_label]
    rule = change_rules.rule_of(model)
    actor = alice if rule in ("membership", "invitation", "trust_manager") else eve  # alice manages TAH; eve edits
    if label in NOT_DECIDED_BY_TRUST:
        assert NOT_DECIDED_BY_TRUST[label] == rule
    else:
        assert policy.can_change(actor, obj), f"{actor} should be able to change {label} in their own trust"
    before_records = _records(obj)
    stored_parent = model._default_manager.filter(pk=obj.pk).values_list(f"{hop}_id", flat=True).get()

    # A model whose own validation ties its parents to one trust refuses the move before the policy is asked.
    with pytest.raises(ValidationError if label in REFUSED_BY_VALIDATION else PermissionDenied):
        update_row(actor, obj, {hop: target})

    assert model._default_manager.filter(pk=obj.pk).values_list(f"{hop}_id", flat=True).get() == stored_parent
    assert policy.trust_id_of(model._default_manager.get(pk=obj.pk)) == here["organisations.Trust"].pk
    assert _records(obj) == before_records


def test_every_trust_owned_model_is_in_the_forged_id_test(worlds) -> None:
    here, _ = worlds
    missing = [m._meta.label for m in trust_owned_models() if m._meta.label not in here]
    assert missing == []


def test_a_row_cannot_be_created_in_another_trust(eve, rotherham) -> None:
    with pytest.raises(PermissionDenied):
        create_row(eve, Team(trust=rotherham, name="Forged", service_type="inpatient"))
    assert not Team.objects.filter(name="Forged").exists()
    assert not ChangeRecord.objects.filter(object_repr__contains="Forged").exists()


# The rules that are not "a trust's editors" --------------------------------------------------------


def test_curators_change_the_national_catalogue_and_trust_editors_do_not(rita, eve) -> None:
    from newroles.roles import services as roles

    role = Role.objects.get(slug="nursing_associate")
    assert policy.can_change(rita, role) and not policy.can_change(eve, role)
    with pytest.raises(PermissionDenied):
        update_row(eve, role, {"name": "Forged"})
    with pytest.raises(PermissionDenied):
        create_row(eve, RoleAlias(role=role, title="Forged national alias", trust=None))
    alias, _ = roles.save_alias(actor=rita, role=role, title="Curated national alias")
    assert alias.trust_id is None and alias.status == RoleAlias.APPROVED


def test_a_trust_editor_may_propose_a_national_alias_but_not_approve_it(eve, sheffield) -> None:
    from newroles.roles import aliases

    role = Role.objects.get(slug="nursing_associate")
    proposal = aliases.propose_alias(actor=eve, trust=sheffield, role=role, title="Associate practitioner x")
    assert proposal is not None and proposal.status == RoleAlias.PROPOSED
    with pytest.raises(PermissionDenied):
        update_row(eve, proposal, {"status": RoleAlias.APPROVED})
    proposal.refresh_from_db()
    assert proposal.status == RoleAlias.PROPOSED


def test_engagements_are_the_research_teams(rita, eve, sheffield) -> None:
    from newroles.mapping import services as mapping

    engagement = mapping.record_engagement(actor=rita, trust=sheffield, phase="phase1_interview")
    with pytest.raises(PermissionDenied):
        mapping.record_engagement(actor=eve, trust=sheffield, phase="phase1_interview")
    with pytest.raises(PermissionDenied):
        mapping.update_engagement(actor=eve, engagement=engagement, status="completed")


def test_a_trust_editor_changes_only_the_trusts_contact_details(eve, sheffield, rotherham) -> None:
    from newroles.organisations import services as organisations

    organisations.update_trust_contact(actor=eve, trust=sheffield, website="https://example.org")
    with pytest.raises(PermissionDenied):
        update_row(eve, sheffield, {"name": "Forged name"})
    with pytest.raises(PermissionDenied):
        update_row(eve, rotherham, {"website": "https://forged.example.org"})
    sheffield.refresh_from_db()
    assert sheffield.website == "https://example.org" and sheffield.name != "Forged name"


def test_memberships_are_the_managers(alice, eve, bob) -> None:
    membership = Membership.objects.get(user=bob)
    with pytest.raises(PermissionDenied):
        update_row(eve, membership, {"role": Membership.MANAGER})  # an editor, not a manager
    update_row(alice, membership, {"role": Membership.EDITOR})


def test_a_person_changes_their_own_name_and_password_but_not_their_access(bob, eve) -> None:
    update_row(bob, bob, {"display_name": "Robert"})
    with pytest.raises(PermissionDenied):
        update_row(bob, bob, {"is_researcher": True})
    with pytest.raises(PermissionDenied):
        update_row(bob, eve, {"display_name": "Not mine"})
    bob.refresh_from_db()
    assert bob.display_name == "Robert" and not bob.is_researcher


def test_only_administrators_and_the_system_open_accounts(alice, admin_user) -> None:
    with pytest.raises(PermissionDenied):
        create_row(alice, User(email="x@example.org", username="x@example.org", password="!"))  # a manager
    create_row(admin_user, User(email="y@example.org", username="y@example.org", password="!"))
    create_row(SYSTEM, User(email="z@example.org", username="z@example.org", password="!"))  # by invitation


def test_a_person_joins_a_trust_only_as_a_pending_invitation_offers(alice, olive, sheffield) -> None:
    from newroles.accounts import services as accounts

    with pytest.raises(PermissionDenied):
        create_row(olive, Membership(user=olive, trust=sheffield, role=Membership.VIEWER))  # not invited
    invitation, _ = accounts.invite_member(actor=alice, trust=sheffield, email=olive.email, role=Membership.VIEWER)
    with pytest.raises(PermissionDenied):
        create_row(olive, Membership(user=olive, trust=sheffield, role=Membership.MANAGER))  # not that role
    with pytest.raises(PermissionDenied):
        update_row(olive, invitation, {"role": Membership.MANAGER})  # accepting sets accepted_at only
    membership = accounts.accept_invitation(invitation=invitation, user=olive)
    assert membership.role == Membership.VIEWER
    assert not policy.can_change(olive, Membership(user=olive, trust=sheffield, role=Membership.VIEWER))  # used


def test_second_factor_devices_are_their_owners(bob, eve) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = create_row(bob, StaticDevice(user=bob, name="backup"))
    token = create_row(bob, StaticToken(device=device, token="abcdefgh"))
    with pytest.raises(PermissionDenied):
        create_row(eve, StaticToken(device=device, token="forged00"))
    with pytest.raises(PermissionDenied):
        delete_row(eve, token)
    assert policy.change_permission(StaticToken) == "otp_static.change_statictoken"


def test_column_mappings_are_their_owners(bob, eve) -> None:
    from newroles.imports.models import ColumnMapping

    mine = create_row(bob, ColumnMapping(user=bob, kind="teams", mapping={"name": "Team"}))
    with pytest.raises(PermissionDenied):
        update_row(eve, mine, {"mapping": {"name": "Forged"}})
    with pytest.raises(PermissionDenied):
        create_row(eve, ColumnMapping(user=bob, kind="roles", mapping={"name": "Role"}))


def test_reference_data_is_the_administrators(admin_user, rita, eve) -> None:
    from newroles.organisations.models import Region
    from newroles.roles.models import OccupationCode

    region = Region.objects.first()
    code = OccupationCode.objects.first()
    for person in (rita, eve):
        assert not policy.can_change(person, region) and not policy.can_change(person, code)
    assert policy.can_change(admin_user, region) and policy.can_change(admin_user, code)
