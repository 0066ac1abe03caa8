"""End-to-end: on a phone a wide table says it scrolls sideways, and a table that fits says nothing."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e"), pytest.mark.db_independent]

# For each table wrapper on the page: does it overflow, and how big is its "Scroll sideways" line?
CUES = """[...document.querySelectorAll('.newroles-table-wrap')].filter(w => w.offsetHeight > 0).map(w => ({
    overflows: w.scrollWidth > w.clientWidth,
    hint: getComputedStyle(w, '::before').content,
    size: getComputedStyle(w, '::before').fontSize,
}))"""


def test_the_scroll_hint_shows_only_while_a_table_overflows(page_as, server_url):
    page = page_as("editor@demo.test")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server_url + "/map/deployments/")
    cues = page.evaluate(CUES)
    assert cues and cues[0]["overflows"]
    assert cues[0]["hint"].startswith('"Scroll sideways to see more columns')
    assert cues[0]["size"] == "16px"

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server_url + "/roles/")
    page.locator("main a:text-is('Peer support worker')").first.click()
    page.locator("main a[href^='/packs/']").first.click()  # its national role pack
    page.wait_for_selector("#person_specification")
    fitting = [c for c in page.evaluate(CUES) if not c["overflows"]]
    assert fitting and all(c["size"] == "0px" for c in fitting)
