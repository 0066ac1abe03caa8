"""What skill-mix adds to a team's page (the organisations app renders it without importing skill-mix)."""

from __future__ import annotations

from django.urls import reverse

from newroles.conftest import client_for


def _team_page(team) -> str:  # type: ignore[no-untyped-def]
    return reverse("organisations:team", args=[team.trust.ods_code, team.pk])


def test_a_teams_page_links_to_its_skill_mix(bob, private_team) -> None:
    html = client_for(bob).get(_team_page(private_team)).content.decode()
    assert f'href="{reverse("skillmix:index")}?team={private_team.pk}">Skill-mix of this team</a>' in html
    assert "Record its staff mix" not in html  # bob reads the trust, does not change it


def test_its_editors_are_offered_to_record_its_staff_mix(eve, private_team) -> None:
    html = client_for(eve).get(_team_page(private_team)).content.decode()
    assert f'href="{reverse("skillmix:composition_create")}?team={private_team.pk}">Record its staff mix</a>' in html
