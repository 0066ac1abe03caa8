"""Pages below the reports link to them: the trust page, the role page and national readers' home."""

from __future__ import annotations

import pytest

from newroles.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_trust_page_links_its_profile_for_members_and_national_readers(alice, nadia, charlie) -> None:  # type: ignore[no-untyped-def]
    for user in (alice, nadia):
        assert "/reports/trusts/TAH/" in client_for(user).get("/trusts/TAH/").content.decode()
    assert "/reports/trusts/TAH/" not in client_for(charlie).get("/trusts/TAH/").content.decode()


def test_the_role_page_links_its_profile(olive) -> None:  # type: ignore[no-untyped-def]
    page = client_for(olive).get("/roles/peer_support_worker/").content.decode()
    assert "/reports/roles/peer_support_worker/" in page


def test_national_readers_home_links_the_briefing(nadia, alice) -> None:  # type: ignore[no-untyped-def]
    assert "/reports/briefing/" in client_for(nadia).get("/").content.decode()
    assert "/reports/briefing/" not in client_for(alice).get("/").content.decode()
