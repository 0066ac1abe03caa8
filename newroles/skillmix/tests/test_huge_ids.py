"""Ids too large for the database in a query string are a 404 or a form error, never a 500."""

from __future__ import annotations

import pytest

from newroles.conftest import client_for

HUGE = "9" * 25


@pytest.mark.parametrize("url", [f"/skill-mix/?team={HUGE}", f"/skill-mix/compositions/add/?team={HUGE}"])
def test_a_huge_team_id_is_not_a_500(eve, demo, url):
    response = client_for(eve).get(url)
    assert response.status_code in (200, 404)


def test_a_huge_team_id_lists_no_compositions(eve, demo):
    response = client_for(eve).get(f"/skill-mix/?team={HUGE}")
    assert response.status_code == 200
    assert demo.name not in response.content.decode()


def test_a_huge_scenario_id_is_a_form_error(eve, demo):
    response = client_for(eve).get(f"/skill-mix/compositions/{demo.pk}/compare/?scenarios={HUGE}")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
