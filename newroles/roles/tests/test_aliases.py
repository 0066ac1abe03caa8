"""Curating the national catalogue's titles: proposals, approval and rejection, within the catalogue."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.roles import aliases
from newroles.roles.models import Role, RoleAlias
from newroles.roles.signals import national_alias_approved

pytestmark = pytest.mark.django_db


def test_approving_a_proposal_makes_it_national_and_says_so(eve, rita, sheffield) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    proposal = aliases.propose_alias(actor=eve, trust=sheffield, role=psw, title="Lived experience navigator")
    assert proposal is not None and proposal.status == RoleAlias.PROPOSED
    assert aliases.proposed_aliases() == [proposal]
    heard = []

    def listener(sender, **kwargs):  # type: ignore[no-untyped-def]
        heard.append(kwargs)

    national_alias_approved.connect(listener)
    try:
        approved = aliases.approve_alias(actor=rita, alias=proposal)
    finally:
        national_alias_approved.disconnect(listener)
    assert approved.status == RoleAlias.APPROVED and approved.trust is None
    assert [(h["alias"], h["actor"]) for h in heard] == [(approved, rita)]
    assert aliases.proposed_aliases() == []


def test_only_the_trusts_editors_propose_and_only_curators_decide(bob, eve, sheffield) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    with pytest.raises(PermissionDenied):
        aliases.propose_alias(actor=bob, trust=sheffield, role=psw, title="Lived experience navigator")
    proposal = aliases.propose_alias(actor=eve, trust=sheffield, role=psw, title="Lived experience navigator")
    with pytest.raises(PermissionDenied):
        aliases.approve_alias(actor=eve, alias=proposal)


def test_only_a_proposed_national_alias_can_be_rejected(rita) -> None:
    approved = RoleAlias.objects.filter(trust__isnull=True, status=RoleAlias.APPROVED).first()
    with pytest.raises(ValidationError):
        aliases.reject_alias(actor=rita, alias=approved)
