"""End-to-end: each persona's main journey, from their home page, by clicking links only.

Every page on the way is checked for what the user should see, audited with axe-core (no critical or
serious violation) and photographed (see journey.py).
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import pytest

from newroles.e2e.journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TAH = "Sheffield Health Partnership University NHS Foundation Trust"


def _extract(folder: Path) -> Path:
    """A small staff-record extract for Sheffield: ESR's own headers, two posts, invented people."""
    path = folder / "tah-extract.csv"
    headers = ["Assignment Number", "Surname", "Position Title", "Job Role", "Band/Grade", "Contracted WTE",
               "Organisation"]  # fmt: skip
    posts = [("Nursing Associate - CMHT", "Nursing Associate", "Band 4")] * 6
    posts += [("Recovery Navigator", "Support Worker", "Band 3")] * 5
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for i, (title, job_role, band) in enumerate(posts):
            writer.writerow([f"99{i:06d}-1", "Quaxworthy", title, job_role, band, "1.0", "349 CMHT North"])
    return path


def test_a_trust_lead_maps_a_role_adopts_a_pack_and_edits_its_table(page_as):
    page = page_as("editor@demo.test")
    walk = Journey(page, "trust-lead")
    walk.step("home", sees=(TAH,))

    walk.click(f"Open {TAH}")
    walk.step("trust page", heading=TAH, sees=("New roles on the map", "Staff record"))

    # A deployment: the trust's own title for a role, with its start in the NHS.UK date input.
    walk.click("New roles on the map")
    walk.step("trust on the map", heading=TAH, sees=("Recovery Navigator",))
    walk.click("Add a role")
    walk.step("add a role", heading=re.compile("role", re.I))
    page.fill("#id_local_title", "Peer Support Worker (Crisis)")
    page.select_option("#id_role", label="Peer support worker")
    page.fill("#id_planned_start_day", "1")
    page.fill("#id_planned_start_year", "2027")  # the month is left out: the page says so
    walk.click("Add role", within="main form")
    main = walk.step("the date needs a month", sees=("There is a problem",))
    assert "must include a month" in main
    page.fill("#id_planned_start_month", "4")
    walk.click("Add role", within="main form")
    walk.step("the new role", heading="Peer Support Worker (Crisis)", sees=("1 April 2027",))

    # A national pack, adopted; the national page then offers the trust's copy instead.
    walk.click("Home", within="header", exact=True)
    walk.step("home again", sees=(TAH,))
    walk.click(f"Open {TAH}")
    walk.step("back to the trust", heading=TAH)
    walk.click("National role packs")
    walk.step("national packs", heading="National role packs", sees=("Nursing associate",))
    walk.click("Nursing associate", exact=True)
    walk.step("the national pack", heading=re.compile("Nursing associate"), sees=("Adopt for your trust",))
    walk.click("Adopt for your trust")
    walk.step("adopt", heading=re.compile("Adopt"))
    page.select_option("#id_trust", "TAH")
    walk.click("Adopt pack", within="main form")
    walk.step("the trust's copy", sees=("Adopted for", "Adapted from"))
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="Download as Word", exact=True).click()
    name = download.value.suggested_filename
    assert name.endswith(".docx") and "TAH" in name.upper(), name
    walk.click("the national pack, version")
    main = walk.step("the national pack again", sees=("Open your copy",))
    assert "Adopt for your trust" not in main
    walk.click("Open your copy")
    walk.step("the copy again", sees=("Adapted from",))

    # The person specification is a table: edited cell by cell, a row added without typing Markdown.
    walk.click("Change person specification")
    walk.step("edit the person specification", heading="Person specification", sees=("Preview",))
    rows_before = page.locator("table.newroles-table-editor tbody tr").count()
    walk.click("Add a row to the table", navigates=False)  # HTMX brings the form back with the new row
    page.locator("table.newroles-table-editor tbody tr").nth(rows_before).wait_for()
    new_row = page.locator("table.newroles-table-editor tbody tr").nth(rows_before)
    new_row.locator("input[type=text]").nth(0).fill("Languages")
    new_row.locator("input[type=text]").nth(1).fill("Speaks a language of the local community")
    # The preview follows the typing (HTMX), sanitised as the pack page is.
    page.locator("#component-preview").get_by_text("Speaks a language of the local community").wait_for()
    walk.step("the preview follows the table")
    walk.click("Save", within="main form", exact=True)
    main = walk.step("the copy with the new row", sees=("Person specification saved.",))
    cell = page.locator("#person_specification ~ * td, section#person_specification td").filter(has_text="Speaks a")
    assert "Speaks a language of the local community" in main and cell.count() >= 1


def test_a_trust_lead_imports_the_staff_record_and_decides_a_title(page_as):
    page = page_as("editor@demo.test")
    walk = Journey(page, "trust-lead-staff-record")
    walk.step("home", sees=(TAH,))
    walk.click(f"Open {TAH}")
    walk.step("trust page", heading=TAH)
    walk.click("Staff record")
    walk.step("staff record", heading=re.compile("Staff record"))
    walk.click("Import an extract")
    walk.step("import an extract", heading=re.compile("[Ii]mport"))
    page.set_input_files("#id_file", str(_extract(Path(tempfile.mkdtemp()))))
    walk.click("Continue", within="main form") if page.locator("main form button", has_text="Continue").count() else (
        walk.click("Upload", within="main form")
    )
    main = walk.step("match the columns", sees=("Position Title",))
    assert "Surname" in main  # named as a personal column that is never read
    band = page.locator("select[name=band]")
    assert band.count() == 0 or band.input_value() == "Band/Grade"  # the ESR header maps itself
    walk.click("Import", within="main form")
    # Eleven rows against the demo's months of Sheffield's record: the check before importing asks whether
    # this is a partial extract.
    walk.step("check before importing", heading="Check the extract before importing it", sees=("Import anyway",))
    walk.click("Import anyway", within="main")
    # The tests' server runs background jobs at once (the test settings' immediate backend).
    main = walk.step("the import result", heading="Imported", sees=("6 of 11, with confidence",))
    assert "Surname: never read, nothing stored" in main

    walk.click("Resolve the titles the import could not match or only guessed")
    walk.step("titles to resolve", heading="Titles to resolve", sees=("recovery navigator",))
    section = page.locator("section.newroles-decision").filter(has_text="recovery navigator")
    section.get_by_label("Another role (choose it below)").check()
    section.locator("select").select_option(label="Support, time and recovery worker")
    with page.expect_navigation():
        section.get_by_role("button", name=re.compile("Save")).click()
    walk.step("decided", heading="Titles to resolve", sees=("now count as the role Support, time and recovery worker",))
    # Decided: the title is no longer among those to resolve.
    assert page.locator("section.newroles-decision").filter(has_text="recovery navigator").count() == 0

    # One decision, everywhere: the map's own titles page no longer asks about the title (other journeys may
    # have left titles of their own to resolve there).
    walk.click("Home", within="header", exact=True)
    walk.click(f"Open {TAH}")
    walk.click("New roles on the map")
    walk.step("trust on the map", heading=TAH, sees=("Recovery Navigator",))
    if page.locator("main").get_by_role("link", name="Resolve the titles").count():
        walk.click("Resolve the titles")
        main = walk.step("the map's titles", heading="Titles to resolve")
        assert "Recovery Navigator" not in main


def _csv_header(download) -> list[str]:  # type: ignore[no-untyped-def]
    with open(download.path(), newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle))


def test_a_national_lead_reads_the_map_a_region_a_role_and_the_staff_record(page_as):
    page = page_as("national@demo.test")
    walk = Journey(page, "national-lead")
    walk.step("home", sees=("National map of new roles", "National staff record"))

    walk.click("National map of new roles")
    walk.step("national map", heading="National map", sees=("North East and Yorkshire",))
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="CSV", exact=True).first.click()
    assert download.value.suggested_filename.endswith(".csv"), download.value.suggested_filename
    assert len(_csv_header(download.value)) > 1

    walk.click("North East and Yorkshire", exact=True)
    walk.step("region", heading="North East and Yorkshire", sees=("Integrated Care Board",))
    # The chart's data table, opened as a user does, links each role.
    chart = page.locator("main details").filter(has=page.locator("a[href='/map/roles/peer_support_worker/']")).first
    chart.locator("summary").click()
    with page.expect_navigation():
        chart.get_by_role("link", name="Peer support worker", exact=True).click()
    walk.step("role across trusts", heading="Peer support worker")

    walk.click("Home", within="header", exact=True)
    walk.step("home again", heading=re.compile("."))
    walk.click("National staff record")
    main = walk.step("national staff record", heading="Staff in each role", sees=("Mental health nurse",))
    assert "trust" in main.lower()
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="CSV", exact=True).first.click()
    name = download.value.suggested_filename
    assert name.endswith(".csv") and "national" in name.lower(), name
    header = _csv_header(download.value)
    assert len(header) > 1 and any("role" in h.lower() for h in header), header


def test_a_researcher_records_an_engagement_and_reviews_a_pack(page_as):
    page = page_as("researcher@demo.test")  # through the second factor, as test_browser does
    walk = Journey(page, "researcher")
    walk.step("home", sees=("Engagements with trusts", "Role packs due for review"))

    walk.click("Engagements with trusts")
    walk.step("engagements", heading="mapping exercise", sees=("Record an engagement",))
    walk.click("Record an engagement")
    walk.step("record an engagement", heading=re.compile("engagement", re.I))
    page.select_option("#id_trust", label=TAH)
    page.locator("#id_phase").select_option(index=1) if page.locator("select#id_phase").count() else (
        page.locator("input[name=phase]").first.check()
    )
    page.fill("#id_date_day", "12")
    page.fill("#id_date_month", "1")
    page.fill("#id_date_year", "2027")
    walk.click("Record engagement", within="main form")
    walk.step("engagement recorded", sees=(TAH,))

    walk.click("Home", within="header", exact=True)
    walk.step("home again")
    walk.click("Role packs due for review")
    walk.step("packs", heading="role packs", sees=("Nursing associate",))
    walk.click("Nursing associate", exact=True)
    walk.step("a national pack", heading=re.compile("Nursing associate"), sees=("Record the review",))
    page.fill("#id_review_by_day", "31")
    page.fill("#id_review_by_month", "12")
    page.fill("#id_review_by_year", "2027")
    walk.click("Record the review", within="main form")
    walk.step("review recorded", sees=("Review recorded: next review by 31 December 2027",))
