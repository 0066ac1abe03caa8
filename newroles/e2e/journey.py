"""Walking a persona's journey in the browser: every page audited with axe-core and photographed.

`Journey.step(...)` is called after each click: it waits for the page, checks the heading the user should
see, runs axe-core (zero critical and zero serious violations, listed readably when there are some) and
saves a screenshot, numbered in the order of the journey, to a temporary folder (and to
NEWROLES_E2E_SHOTS as well, when that is set, for people to look at).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from newroles.e2e.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
SHOTS = Path(tempfile.gettempdir()) / "newroles-journeys"

_axe_source: str | None = None


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        if not AXE.exists():
            pytest.fail("axe-core is not installed: run `npm install` (make install does)")
        _axe_source = AXE.read_text(encoding="utf-8")
    return _axe_source


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page as it is now.

    axe is evaluated through the browser's debugging protocol, which the page's Content-Security-Policy
    does not govern, so the audit needs no exception in the policy that users' browsers get.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))}));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['html']}" for n in v["nodes"][:5]]
    return "\n".join(lines)


class Journey:
    """One persona's walk: clicks only after the first page, each page checked and photographed."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.name = name
        self.number = 0
        self.folder = SHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        copies = os.environ.get("NEWROLES_E2E_SHOTS")
        self.copies = Path(copies) / name if copies else None
        if self.copies:
            shutil.rmtree(self.copies, ignore_errors=True)
            self.copies.mkdir(parents=True, exist_ok=True)
        self.visited: list[str] = []

    def click(self, text: str, *, within: str = "main", exact: bool = False, navigates: bool = True) -> None:
        """Follow the link (or press the button) with this text, and wait for the next page (unless HTMX swaps)."""
        target = self.page.locator(within).get_by_role("link", name=text, exact=exact)
        if target.count() == 0:
            target = self.page.locator(within).get_by_role("button", name=text, exact=exact)
        if not navigates:
            target.first.click()
            return
        with self.page.expect_navigation():
            target.first.click()

    def step(self, label: str, *, heading: str | re.Pattern[str] | None = None, sees: tuple[str, ...] = ()) -> str:
        """Check the page the user is on: its h1, what it says, axe-core, and a screenshot. Returns main's text."""
        page = self.page
        page.wait_for_load_state()
        self.number += 1
        self.visited.append(page.url)
        if heading is not None:
            h1 = page.locator("h1").first.inner_text().strip()
            ok = heading.search(h1) if isinstance(heading, re.Pattern) else heading in h1
            assert ok, f"step {self.number} ({label}): the heading {h1!r} is not {heading!r}"
        main = page.locator("main").inner_text()
        for text in sees:
            assert text in main, f"step {self.number} ({label}): {text!r} is not on {page.url}"
        shot = self.folder / f"{self.number:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.png"
        page.screenshot(path=str(shot), full_page=True)
        if self.copies:
            shutil.copy(shot, self.copies / shot.name)
        violations = audit(page)
        assert not violations, f"step {self.number} ({label}) at {page.url}:\n{describe(violations)}"
        return main
