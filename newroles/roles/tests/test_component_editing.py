"""Editing a pack component: tables as tables, a live preview, and who may use them."""

from __future__ import annotations

import pytest

from newroles.conftest import client_for
from newroles.roles import services

SPEC = "| | Essential | Desirable |\n|---|---|---|\n| Registration | NMC registration | |\n\n### Sources\n- One."


@pytest.fixture
def copy(national_pack, eve, sheffield):  # type: ignore[no-untyped-def]
    """Sheffield's adopted copy, whose person specification is a table with its sources after it."""
    pack = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    services.edit_component(actor=eve, component=pack.components.get(key="person_specification"), text=SPEC)
    return pack


def _url(pack, name: str = "edit") -> str:  # type: ignore[no-untyped-def]
    return f"/packs/{pack.pk}/components/person_specification/{name}/"


def _table_post(**extra: str) -> dict[str, str]:
    post = {
        "seg-count": "2",
        "seg-0-kind": "table", "seg-0-rows": "2", "seg-0-cols": "3",
        "seg-0-0-0": "", "seg-0-0-1": "Essential", "seg-0-0-2": "Desirable",
        "seg-0-1-0": "Registration", "seg-0-1-1": "NMC registration", "seg-0-1-2": "",
        "seg-1-kind": "text", "seg-1-text": "### Sources\n- One.",
    }  # fmt: skip
    post.update(extra)
    return post


def test_a_table_component_is_edited_as_a_table_of_inputs(copy, eve):
    page = client_for(eve).get(_url(copy)).content.decode()
    assert 'name="seg-0-1-1"' in page and 'value="NMC registration"' in page
    assert 'aria-label="Row 1, column 2"' in page
    assert "Add a row" in page and 'name="seg-1-text"' in page
    assert "<textarea" in page and "### Sources" in page


def test_an_unchanged_table_saves_the_same_markdown(copy, eve):
    response = client_for(eve).post(_url(copy), _table_post())
    assert response.status_code == 302
    assert copy.components.get(key="person_specification").text == SPEC


def test_a_changed_cell_and_a_removed_row_reach_the_stored_markdown(copy, eve):
    post = _table_post(**{"seg-0-rows": "3", "seg-0-2-0": "Skills", "seg-0-2-1": "Listening", "seg-0-2-2": "",
                          "seg-0-1-remove": "1"})  # fmt: skip
    client_for(eve).post(_url(copy), post)
    text = copy.components.get(key="person_specification").text
    assert text == "| | Essential | Desirable |\n|---|---|---|\n| Skills | Listening | |\n\n### Sources\n- One."


def test_add_a_row_without_scripts_comes_back_with_an_empty_row_and_saves_nothing(copy, eve):
    response = client_for(eve).post(_url(copy), _table_post(action="add-row-0", **{"seg-0-1-1": "Changed"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="seg-0-2-0"' in page and 'name="seg-0-rows" value="3"' in page
    assert 'value="Changed"' in page  # what was typed stays on the page
    assert copy.components.get(key="person_specification").text == SPEC


def test_the_preview_renders_the_posted_table_sanitised(copy, eve):
    post = _table_post(**{"seg-0-1-1": "<script>alert(1)</script>**NMC**", "seg-1-text": "[x](javascript:alert(1))"})
    response = client_for(eve).post(_url(copy, "preview"), post)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table>" in html and "<strong>NMC</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert copy.components.get(key="person_specification").text == SPEC  # a preview saves nothing


def test_the_preview_takes_plain_text_too(copy, eve):
    response = client_for(eve).post(_url(copy, "preview"), {"text": "## Heading\n\n- a list"})
    assert "<li>a list</li>" in response.content.decode()


def test_only_those_who_may_edit_the_pack_get_a_preview(copy, bob, charlie, rita, national_pack, eve):
    assert client_for(bob).post(_url(copy, "preview"), {"text": "x"}).status_code == 403  # a viewer of the trust
    assert client_for(charlie).post(_url(copy, "preview"), {"text": "x"}).status_code == 404  # another trust
    assert client_for(eve).post(_url(national_pack, "preview"), {"text": "x"}).status_code == 403  # not a curator
    assert client_for(rita).post(_url(national_pack, "preview"), {"text": "x"}).status_code == 200
    assert client_for(eve).get(_url(copy, "preview")).status_code == 405
