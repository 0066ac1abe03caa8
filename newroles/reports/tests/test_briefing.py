"""The findings briefing: its figures on the demo data, every section with and without data, and its PDF."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from newroles.demo.services import load_demo
from newroles.organisations.models import Trust
from newroles.reports import briefing, profiles, sources
from newroles.reports.briefing import SECTIONS, briefing_data
from newroles.reports.pdf import render_pdf
from newroles.reports.readers import members_of
from newroles.reports.tests.conftest import pdf_text
from newroles.roles.models import Role

pytestmark = pytest.mark.django_db

PUBLISHED_SPLIT = {
    "North East and Yorkshire": "7/8", "North West": "2/5", "Midlands": "8/11", "East of England": "1/4",
    "London": "5/10", "South East": "5/7", "South West": "3/6",
}  # fmt: skip


def test_with_no_data_every_section_says_so_in_one_line() -> None:
    data = briefing_data()
    for key, _ in SECTIONS:
        if key in ("references", "national_asks"):
            continue  # the briefing's references, national packs and events come with the reference data
        assert data[key]["empty"], f"{key} should say it has no data yet"
    assert data["national_asks"]["adopting_trusts"] == 0 and data["national_asks"]["documents_shared"] == 0
    assert data["coverage"]["total"] == 51  # the study set comes with the reference data
    assert data["coverage"]["engaged"] == 0


def test_the_page_shows_each_empty_section_rather_than_leaving_it_out(nadia) -> None:  # type: ignore[no-untyped-def]
    from newroles.conftest import client_for

    html = client_for(nadia).get("/reports/briefing/").content.decode()
    for key, _ in SECTIONS:
        assert f'id="{key}"' in html
    assert "No quotes have been approved for publication yet." in html
    assert "No phase 3 case studies are recorded yet." in html
    assert "No staff-record extract has been imported yet." in html


def test_quotes_come_from_the_evidence_app_and_only_once_published() -> None:
    assert sources.quotes() == [] and sources.case_studies() == []  # nothing published yet


def test_the_demo_gives_the_published_figures_in_json_and_in_the_pdf() -> None:
    load_demo()
    out = io.StringIO()
    call_command("report", "briefing", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())

    coverage = data["coverage"]
    assert (coverage["engaged"], coverage["total"]) == (31, 51)
    split = {r["region"]: f"{r['engaged']}/{r['total']}" for r in coverage["regions"]}
    assert split == PUBLISHED_SPLIT
    assert data["reasons"]["reasons"][0]["key"] == "staff_shortages"
    assert data["kinds"]["top"] == "Delegation"
    diversification = next(k for k in data["kinds"]["kinds"] if k["key"] == "diversification")
    assert diversification["intended"] == diversification["actual"] == 0
    assert data["kinds"]["none_reported"] == ["Diversification"]
    assert data["meta"]["demo"] is True

    # Every section that the demo fills has its figures; the demo's evidence publishes one of the briefing's
    # quotes (the others are coded but not published, so they stay with the research team).
    for key, _ in SECTIONS:
        if key != "case_studies":
            assert not data[key]["empty"], key
    published = [q for theme in data["quotes"]["themes"] for q in theme["quotes"]]
    assert len(published) == data["quotes"]["count"] == 1
    assert published[0]["attribution"]

    # The demo fills every section of Sheffield's profile (for its members) and of a role's profile too.
    sheffield = Trust.objects.get(ods_code="TAH")
    trust = profiles.trust_data(sheffield, members_of(sheffield.pk))
    for key in ("deployments", "staff_record", "readiness", "funding", "data_quality", "packs", "events"):
        assert not trust[key]["empty"], key
    role = profiles.role_data(Role.objects.get(slug="peer_support_worker"))
    for key in ("pack", "deployed", "staff_record", "kinds", "reasons", "readiness", "funding"):
        assert not role[key]["empty"], key

    text = pdf_text(render_pdf(data))
    compact = " ".join(text.split())
    assert "Trusts taking part, by region: the data" in compact
    for region, share in PUBLISHED_SPLIT.items():
        assert f"{region} {share}" in compact, region
    assert "Total 31/51" in compact
    assert "No examples of diversification were reported" in compact
    assert "Page 2 of" in compact  # page numbers
    assert "Contents" in compact


def test_a_staff_count_below_five_is_starred_in_the_national_data_quality_summary(neighbours) -> None:  # type: ignore[no-untyped-def]
    data = briefing.data_quality_section(briefing.PUBLIC_READER)
    assert not data["empty"]
    counts = [f["staff"] for f in data["findings"] if f["checked"]]
    assert all(c == "*" or c == 0 or c >= 5 for c in counts)
