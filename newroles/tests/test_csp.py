"""The Content-Security-Policy: on every response, no inline script or style allowed, none needed.

The browser side (NHS.UK frontend and HTMX running with nothing refused) is in newroles/e2e/test_csp.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newroles.lib import charts

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(p for p in ROOT.rglob("templates/**/*.html"))

# <script> without a src, and event-handler attributes (onclick=, onload= …).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {d[0]: d[1:] for d in parts}


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_every_response_has_a_policy_without_inline_script(client, db, path):
    header = client.get(path)["Content-Security-Policy"]
    policy = _directives(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def test_signed_in_pages_have_the_policy(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_templates_were_found():
    assert len(TEMPLATES) > 50
    assert any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE], ids=["script", "on-attr", "style"])
def test_no_template_holds_inline_script_or_style(pattern):
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
        for path in TEMPLATES
        for text in [path.read_text()]
        for m in pattern.finditer(text)
    ]
    assert found == []


def test_charts_carry_no_inline_style():
    """Charts are inline SVG in the page, so a style attribute on them would be refused too."""
    svg = charts.inline_svg('<svg xmlns="http://www.w3.org/2000/svg" class="marks"><g/></svg>', label="A chart")
    assert not INLINE_STYLE.search(svg)
    assert 'class="newroles-svg marks"' in svg
    tiles = charts.tile_map_svg([charts.Tile(0, 0, "London", "3 of 10", 2)], title="Coverage", desc="By region")
    assert not INLINE_STYLE.search(tiles)
    assert 'class="newroles-svg"' in tiles
