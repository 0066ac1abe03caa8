"""The access policy: visible/editable querysets, get_for_user's 404 and 403, and the service re-check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from newroles.accounts import policy
from newroles.organisations import services
from newroles.organisations.models import Team


def test_private_team_is_visible_to_members_only(private_team, alice, bob, charlie, nadia, olive, admin_user):
    qs = Team.objects.all()
    assert private_team in policy.visible(alice, qs)
    assert private_team in policy.visible(bob, qs)
    assert private_team in policy.visible(admin_user, qs)
    for outsider in (charlie, nadia, olive):
        assert private_team not in policy.visible(outsider, qs)


def test_shared_team_is_visible_to_everyone_signed_in(shared_team, charlie, olive):
    assert shared_team in policy.visible(charlie, Team.objects.all())
    assert shared_team in policy.visible(olive, Team.objects.all())


def test_only_editors_and_managers_may_change(private_team, alice, eve, bob, charlie):
    qs = Team.objects.all()
    assert private_team in policy.editable(alice, qs)
    assert private_team in policy.editable(eve, qs)
    assert private_team not in policy.editable(bob, qs)
    assert private_team not in policy.editable(charlie, qs)


def test_get_for_user_is_404_for_outsiders_and_403_for_viewers(private_team, charlie, bob, eve):
    with pytest.raises(Http404):
        policy.get_for_user(charlie, Team, pk=private_team.pk)
    with pytest.raises(PermissionDenied):
        policy.get_for_user(bob, Team, "change", pk=private_team.pk)
    assert policy.get_for_user(eve, Team, "change", pk=private_team.pk) == private_team


def test_shared_team_is_403_not_404_for_another_trusts_editor(shared_team, charlie):
    assert policy.get_for_user(charlie, Team, pk=shared_team.pk) == shared_team
    with pytest.raises(PermissionDenied):
        policy.get_for_user(charlie, Team, "change", pk=shared_team.pk)


def test_an_editor_cannot_move_a_team_into_another_trust(private_team, eve, rotherham):
    with pytest.raises(PermissionDenied):
        services.update_team(actor=eve, team=private_team, trust=rotherham)
    private_team.refresh_from_db()
    assert private_team.trust.ods_code == "TAH"


def test_an_editor_cannot_create_a_team_in_another_trust(eve, rotherham):
    with pytest.raises(PermissionDenied):
        services.create_team(actor=eve, trust=rotherham, name="Sneaky", service_type="crisis")
    assert not Team.objects.filter(name="Sneaky").exists()


def test_anonymous_sees_nothing(private_team, shared_team):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.visible(AnonymousUser(), Team.objects.all()).exists()
