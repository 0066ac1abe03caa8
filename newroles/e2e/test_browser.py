"""End-to-end: what a signed-in user sees and does in a real browser."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from newroles.e2e.journey import Journey

# One group, so under xdist a single worker starts the server and the browser.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

REGION_ORDER = [
    ("North East and Yorkshire", 8),
    ("North West", 5),
    ("Midlands", 11),
    ("East of England", 4),
    ("London", 10),
    ("South East", 7),
    ("South West", 6),
]


def test_the_trust_list_shows_the_51_trusts_by_region(page_as, server_url):
    page = page_as("viewer@demo.test")
    page.goto(server_url + "/trusts/")
    captions = page.locator("table caption").all_inner_texts()
    assert [c.split("\n")[0].strip() for c in captions] == [name for name, _ in REGION_ORDER]
    counts = [page.locator("table").nth(i).locator("tbody tr").count() for i in range(len(REGION_ORDER))]
    assert counts == [n for _, n in REGION_ORDER]
    assert "51 trusts" in page.inner_text("#trust-results")


def test_an_editor_adds_a_team_and_sees_the_error_summary_first(page_as, server_url):
    page = page_as("editor@demo.test")
    page.goto(server_url + "/trusts/TAH/teams/add/")
    page.click("button[type=submit]")
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for(state="visible", timeout=15_000)  # the answer is a new document: wait for it
    assert "This field is required" in summary.inner_text()
    page.fill("#id_name", "Assertive Outreach")
    page.select_option("#id_service_type", "community")
    page.click("button[type=submit]")
    assert "Team 'Assertive Outreach' added." in page.inner_text("main")
    assert page.locator("td a", has_text="Assertive Outreach").count() == 1


def test_a_viewer_is_not_offered_changes_and_is_refused_them(page_as, server_url):
    page = page_as("viewer@demo.test")
    page.goto(server_url + "/trusts/TAH/")
    assert page.locator("a", has_text="Add a team").count() == 0
    response = page.goto(server_url + "/trusts/TAH/teams/add/")
    assert response is not None and response.status == 403


def test_another_trusts_private_team_is_not_found(page_as, server_url):
    page = page_as("other@demo.test")
    page.goto(server_url + "/trusts/TAH/")
    assert "Maple Ward" not in page.inner_text("main")  # private to Sheffield
    assert "CMHT North" in page.inner_text("main")  # shared


def test_a_manager_converts_a_band_6_vacancy_into_two_nursing_associates(page_as, server_url):
    page = page_as("editor@demo.test")
    walk = Journey(page, "manager")  # from the home page by clicking, each page audited and photographed
    walk.step("home")
    walk.click("Skill-mix", within="header", exact=True)
    walk.step("skill-mix", heading=re.compile("[Ss]kill-mix"))
    walk.click("Establishment")
    walk.step("a team's establishment", sees=("Plan a change",))
    walk.click("Plan a change")
    walk.step("plan a change")
    page.fill("#id_name", "Repurpose the band 6 vacancy")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    walk.step("the scenario", sees=("Convert a vacancy",))
    walk.click("Convert a vacancy")
    walk.step("convert a vacancy")
    page.select_option("#id_post", index=1)  # the only vacancy: band 6 mental health nurse
    role = page.locator("#id_role option", has_text="Nursing associate").first.get_attribute("value")
    page.select_option("#id_role", role)
    page.select_option("#id_band", "4")
    page.fill("#id_count", "2")
    page.click("button[type=submit]")
    main = page.inner_text("main")
    assert "Delegation" in main
    assert "short" in main  # the supervision warning: demand exceeds capacity
    assert "£" in main  # the cost difference
    walk.step("the changed scenario", sees=("Delegation",))
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "newroles-scenario.png"), full_page=True)


def test_the_researcher_signs_in_through_the_second_factor(page_as, server_url):
    page = page_as("researcher@demo.test")
    assert "Rita Researcher" in page.inner_text("header")
    page.goto(server_url + "/accounts/second-factor/")
    assert page.url == server_url + "/"  # passed: not asked again in this session


def test_the_admin_needs_the_code_for_the_admin_too(browser, server_url):
    from newroles.e2e.conftest import DEMO_PASSWORD, pass_second_factor

    page = browser.new_page()
    try:
        page.goto(server_url + "/admin/")
        assert page.url.startswith(server_url + "/accounts/login/")  # the admin's own form leads here
        page.fill("#id_username", "admin@demo.test")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/second-factor/" in page.url
        code = page.locator("#id_code")
        assert (code.get_attribute("autocomplete"), code.get_attribute("inputmode")) == ("one-time-code", "numeric")
        assert page.locator("label[for=id_code]").inner_text().startswith("Code from your authenticator app")
        page.click("button[type=submit]:has-text('Continue')")
        # An empty code: the page comes back with the error summary first (wait for it: a new document).
        page.locator(".nhsuk-error-summary").wait_for(state="visible", timeout=15_000)
        pass_second_factor(page, "admin@demo.test")
        page.wait_for_url(server_url + "/admin/")
        assert "Site administration" in page.inner_text("body")
    finally:
        page.close()
