"""The reports through the API carry the same figures as the reports' own JSON download, for the same reader."""

from __future__ import annotations

import json

from newroles.api.tests.conftest import World, api_client
from newroles.conftest import client_for


def _same(world: World, persona: str, user, api_path: str, page_path: str) -> None:  # type: ignore[no-untyped-def]
    through_api = api_client(world.tokens[persona]).get(api_path)
    page = client_for(user).get(page_path, {"format": "json"})
    assert through_api.status_code == 200 and page.status_code == 200
    # The page's download and the API may differ in number formatting only; compare as parsed JSON.
    assert through_api.json() == json.loads(page.content)


def test_the_briefing_through_the_api_is_the_briefings_download(world: World, nadia) -> None:
    _same(world, "national", nadia, "/api/v1/reports/briefing", "/reports/briefing/")


def test_a_trust_profile_through_the_api_is_the_one_its_reader_downloads(world: World, nadia, charlie) -> None:
    _same(world, "national", nadia, "/api/v1/reports/trusts/TAH", "/reports/trusts/TAH/")
    assert api_client(world.tokens["other_editor"]).get("/api/v1/reports/trusts/TAH").status_code == 404
    assert client_for(charlie).get("/reports/trusts/TAH/").status_code == 404


def test_a_role_profile_through_the_api(world: World, nadia) -> None:
    _same(world, "national", nadia, "/api/v1/reports/roles/peer_support_worker", "/reports/roles/peer_support_worker/")
