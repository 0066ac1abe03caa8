"""A shared composition of a private team never names the team beyond its trust.

The team's own page is not found for other trusts, so its name must not travel with what the trust shares:
other trusts see the team's service type and trust instead, on every page, list, comparison, copy-from
choice, export and history of the composition.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.skillmix import services
from newroles.skillmix.models import Composition, Scenario

TEAM = "Maple Ward"


@pytest.fixture
def shared_of_private(private_team, roles) -> Scenario:
    composition = services.create_composition(
        actor=policy.SYSTEM, team=private_team, name="Establishment April 2026", is_shared=True
    )
    services.add_posts(actor=policy.SYSTEM, composition=composition, role=roles["mental_health_nurse"], band="5",
                       wte=Decimal("1.0"), filled=True, count=3)  # fmt: skip
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=composition, name="More nursing associates")
    services.update_scenario(actor=policy.SYSTEM, scenario=scenario, is_shared=True)
    return scenario


def _texts(response) -> str:  # type: ignore[no-untyped-def]
    """Everything a reader gets: the page or file, and the download's file name."""
    text = response.get("Content-Disposition", "")
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        return text + "\n" + "\n".join(cells)
    return text + "\n" + response.content.decode("utf-8-sig")


def _urls(scenario: Scenario) -> list[str]:
    composition: Composition = scenario.composition
    page = reverse("skillmix:composition", args=[composition.pk])
    scenario_page = reverse("skillmix:scenario", args=[scenario.pk])
    compare = reverse("skillmix:compare", args=[composition.pk]) + f"?scenarios={scenario.pk}"
    return [
        reverse("skillmix:index"), page, page + "?format=csv", page + "?format=xlsx",
        scenario_page, scenario_page + "?format=xlsx",
        compare, compare + "&format=xlsx", reverse("skillmix:composition_create"),
        reverse("audit:history", args=["skillmix.composition", composition.pk]),
    ]  # fmt: skip


def test_other_trusts_see_the_service_type_not_the_name(shared_of_private, charlie) -> None:
    client = client_for(charlie)
    assert client.get(shared_of_private.composition.team.get_absolute_url()).status_code == 404
    for url in _urls(shared_of_private):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _texts(response)
        assert TEAM not in text and "maple-ward" not in text, url
    trust = shared_of_private.composition.team.trust.name
    for url in [*_urls(shared_of_private)[:2], reverse("skillmix:composition_create")]:
        assert f"Inpatient team at {trust}" in client.get(url).content.decode(), url


def test_the_trusts_members_see_the_name(shared_of_private, alice) -> None:
    client = client_for(alice)
    for url in [*_urls(shared_of_private)[:3], _urls(shared_of_private)[4]]:
        text = _texts(client.get(url))
        assert TEAM in text or "maple-ward" in text, url


def test_a_shared_team_is_named_beyond_the_trust(demo, charlie) -> None:
    services.update_composition(actor=policy.SYSTEM, composition=demo, is_shared=True)
    page = client_for(charlie).get(reverse("skillmix:composition", args=[demo.pk])).content.decode()
    assert "CMHT North" in page


def test_the_sharing_checkbox_says_what_travels(alice, private_team) -> None:
    page = client_for(alice).get(reverse("skillmix:composition_create")).content.decode()
    assert "Other trusts see a private team&#x27;s service type and trust, not its name" in page
