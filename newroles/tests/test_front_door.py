"""A trust's page is its front door, and each persona's home page starts from their work: the links each
user sees, that private pages stay unlinked (and closed) for outsiders, and that no link leads nowhere."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.roles import services as roles
from newroles.roles.models import PACK_COMPONENTS, Role, RolePack

HREF = re.compile(r'href="(/[^"#]*)')


def _main(html: str) -> str:
    """The page's own content: the header and footer are the same on every page."""
    return html[html.index("<main") : html.index("</main>")]


def _links(client, path: str) -> set[str]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    return {href.replace("&amp;", "&") for href in HREF.findall(_main(response.content.decode()))}


@pytest.fixture
def tah_pack(sheffield) -> RolePack:  # type: ignore[no-untyped-def]
    components = {key: f"## {label}\n\nText." for key, label in PACK_COMPONENTS}
    components["career_pathway"] = {"text": "Steps.", "steps": []}
    national = roles.create_national_pack(
        actor=policy.SYSTEM,
        role=Role.objects.get(slug="nursing_associate"),
        data={"title": "National role pack: Nursing associate", "as_of": "2026", "components": components},
    )
    return roles.adopt_pack(actor=policy.SYSTEM, pack=national, trust=sheffield)


TRUST = "/trusts/TAH/"
MAP, STAFF, EVENTS = "/map/trusts/TAH/", "/workforce/TAH/", "/forewarning/trusts/TAH/"
FUNDING, READINESS, MEMBERS = "/funding/trusts/TAH/", "/readiness/trusts/TAH/", "/trusts/TAH/members/"
SKILL_MIX, TEAMS = "/skill-mix/", "/trusts/TAH/teams/"


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("alice", {MAP, STAFF, EVENTS, FUNDING, READINESS, SKILL_MIX, TEAMS, MEMBERS}, set()),
        ("eve", {MAP, STAFF, EVENTS, FUNDING, READINESS, SKILL_MIX, TEAMS, MEMBERS}, set()),
        ("bob", {MAP, STAFF, EVENTS, FUNDING, READINESS, SKILL_MIX, TEAMS, MEMBERS}, set()),
        ("nadia", {MAP, EVENTS, SKILL_MIX, TEAMS}, {STAFF, FUNDING, READINESS, MEMBERS}),
        ("charlie", {MAP, SKILL_MIX, TEAMS}, {STAFF, EVENTS, FUNDING, READINESS, MEMBERS}),
        ("olive", {MAP, SKILL_MIX, TEAMS}, {STAFF, EVENTS, FUNDING, READINESS, MEMBERS}),
    ],
)
def test_the_trust_page_links_to_what_each_user_may_open(request, persona, shown, hidden):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    links = _links(client, TRUST)
    assert shown <= links
    assert not hidden & links
    for path in hidden:  # unlinked because closed: an outsider still gets 404 there
        assert client.get(path).status_code == 404, path


def test_the_trust_page_lists_its_role_packs_for_its_members_only(eve, charlie, tah_pack):
    assert tah_pack.get_absolute_url() in _links(client_for(eve), TRUST)
    assert tah_pack.get_absolute_url() not in _links(client_for(charlie), TRUST)  # a draft stays with the trust
    assert client_for(charlie).get(tah_pack.get_absolute_url()).status_code == 404


def test_a_members_home_opens_the_trusts_front_door(bob):
    assert TRUST in _links(client_for(bob), "/")


NATIONAL_TOOLS = {
    "/map/",
    "/workforce/national/",
    "/funding/national/",
    "/readiness/national/",
    "/map/engagements/",
    "/forewarning/",
}
CURATION = {"/notices/", "/packs/", "/workforce/coding-proposal/"}


def test_a_national_readers_home_links_to_their_tools(nadia):
    links = _links(client_for(nadia), "/")
    assert links >= NATIONAL_TOOLS
    assert not {"/notices/", "/workforce/coding-proposal/"} & links


def test_a_researchers_home_links_to_their_tools_and_curation(rita):
    assert _links(client_for(rita), "/") >= NATIONAL_TOOLS | CURATION


def test_a_trust_members_home_has_no_national_tools(bob):
    assert not {"/readiness/national/", "/map/engagements/"} & _links(client_for(bob), "/")


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "nadia", "rita", "olive"])
def test_no_link_on_the_home_and_trust_pages_leads_nowhere(request, persona, tah_pack, shared_team):
    """A small crawl: every link in the content of these pages opens for this user (after any redirect)."""
    client = client_for(request.getfixturevalue(persona))
    links = _links(client, "/") | _links(client, TRUST)
    assert len(links) > 5
    for path in sorted(links):
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{persona}: {path} gave {response.status_code}"


def test_old_region_links_are_gone(olive):
    page = client_for(olive).get(reverse("organisations:trust", args=["TAH"])).content.decode()
    assert re.search(r'href="/regions/\w+/"', page) is None  # the region's one page is the map's
    assert 'href="/map/regions/Y63/"' in page
