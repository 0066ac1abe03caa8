"""End-to-end: the NHS.UK frontend and HTMX work under the Content-Security-Policy, with nothing refused."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e"), pytest.mark.db_independent]


@pytest.fixture
def watched_page(page_as):  # type: ignore[no-untyped-def]
    """A signed-in editor's page, with every console error and script error it meets collected."""
    page = page_as("editor@demo.test")
    problems: list[str] = []

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        # Pages load nothing from another host, so a failed load is a problem too (test machines are offline).
        if msg.type == "error":
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    return page


def test_pages_run_their_scripts_under_the_policy(watched_page, server_url):
    page = watched_page
    for path in ("/", "/map/", "/trusts/", "/skill-mix/", "/roles/"):
        response = page.goto(server_url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The NHS.UK frontend's "JavaScript is on" classes, set by a static script, not an inline one.
        assert page.evaluate("document.body.classList.contains('js-enabled')"), path
    assert page.problems == []


def test_htmx_filters_and_the_guided_questions_work_under_the_policy(watched_page, server_url):
    page = watched_page
    page.goto(server_url + "/map/deployments/")
    page.locator("#id_q").press_sequentially("peer")  # HTMX filters on keyup, then pushes the address
    page.wait_for_url(re.compile(r"/map/deployments/\?.*q=peer"))

    page.goto(server_url + "/map/trusts/TAH/")
    href = page.locator("main a[href^='/map/deployments/']").first.get_attribute("href")
    pk = re.search(r"/map/deployments/(\d+)/", href or "").group(1)  # type: ignore[union-attr]
    page.goto(f"{server_url}/skill-mix/deployments/{pk}/intended/")
    # Whatever the answer (or its error), the step that comes back through HTMX is a new question.
    with page.expect_response(re.compile(r"/skill-mix/deployments/")):
        page.click("button:has-text('Continue')")
    # The next question arrives through HTMX and takes the focus (htmx's autofocus, not an inline script).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'shift-question'")
    assert page.problems == []
