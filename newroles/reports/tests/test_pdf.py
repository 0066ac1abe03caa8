"""The PDF: written in the background with progress, cached until the data changes, and never fetching."""

from __future__ import annotations

import itertools
import time

import pytest
import weasyprint

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.reports import rendering
from newroles.reports.briefing import briefing_data
from newroles.reports.pdf import RefusedFetch, document_html, local_only, render_pdf
from newroles.reports.rendering import ReportName
from newroles.reports.tests.conftest import pdf_text
from newroles.roles.services import save_role

pytestmark = pytest.mark.django_db


def test_the_pdf_is_a_tagged_a4_document_with_cover_contents_and_page_numbers() -> None:
    import io

    from pypdf import PdfReader

    data = briefing_data()
    pdf = render_pdf(data)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == data["title"]
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert "/Lang" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    text = " ".join(pdf_text(pdf).split())
    assert "Contents" in text and f"Page 3 of {len(reader.pages)}" in text
    assert data["title"] in text  # the cover and the running header


def test_headings_come_in_order() -> None:
    import re

    html = document_html(briefing_data())
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_nothing_outside_the_document_is_fetched() -> None:
    with pytest.raises(RefusedFetch):
        local_only("https://example.org/font.woff2")
    with pytest.raises(RefusedFetch):
        local_only("file:///etc/passwd")
    html = '<img src="https://example.org/x.png"><link rel="stylesheet" href="https://example.org/a.css"><p>x</p>'
    weasyprint.HTML(string=html, url_fetcher=local_only).write_pdf()  # refused quietly, still renders


def test_download_pdf_is_written_by_the_task_and_cached_until_the_data_changes(nadia, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE = True
    client = client_for(nadia)
    name = ReportName("role", "peer_support_worker")
    token = rendering.token_for(name)
    # The test settings run tasks at once, so the first request finds the PDF written (a worker takes a
    # moment, and the page then shows the progress page below).
    response = client.get("/reports/roles/peer_support_worker/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert rendering.read_status(token)["percent"] == 100
    written = rendering.pdf_path(token).stat().st_mtime_ns

    again = client.get("/reports/roles/peer_support_worker/pdf/")
    assert again.status_code == 200
    assert rendering.pdf_path(token).stat().st_mtime_ns == written  # served from the cache, not written again

    save_role(actor=policy.SYSTEM, slug="peer_support_worker", supervisor="A new supervisor")
    assert rendering.token_for(name) != token  # the data changed: a new PDF
    after = client.get("/reports/roles/peer_support_worker/pdf/")
    assert after.status_code == 200
    text = pdf_text(b"".join(after.streaming_content))
    assert "A new supervisor" in text


def test_the_progress_page_shows_a_bar_while_the_worker_writes(nadia) -> None:  # type: ignore[no-untyped-def]
    name = ReportName("briefing")
    token = rendering.token_for(name)
    rendering.write_status(token, name, 40, "Laying out the pages")
    page = client_for(nadia).get(f"/reports/downloads/{token}/").content.decode()
    assert '<progress class="newroles-progress"' in page and 'value="40"' in page and "hx-get" in page
    assert client_for(nadia).get(f"/reports/downloads/{token}/file/").status_code == 302


def test_a_trust_profiles_download_is_not_found_for_another_trust(alice, charlie) -> None:  # type: ignore[no-untyped-def]
    response = client_for(alice).get("/reports/trusts/TAH/pdf/")
    location = response.get("Location", "")
    token = (
        location.rstrip("/").split("/")[-1] if location else rendering.token_for(ReportName("trust", "TAH", "members"))
    )
    assert client_for(charlie).get(f"/reports/downloads/{token}/").status_code == 404
    assert client_for(charlie).get(f"/reports/downloads/{token}/file/").status_code == 404


def test_pdfs_of_older_data_are_forgotten_after_a_week(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_FILES_DIR = tmp_path  # a folder of its own: other tests' PDFs are not this test's
    name = ReportName("briefing")
    token = rendering.token_for(name)
    rendering.write_status(token, name, 100, "Ready")
    rendering.pdf_path(token).write_bytes(b"%PDF-1.7")
    assert rendering.forget_old(now=time.time() + 3600) == 0
    assert rendering.forget_old(now=time.time() + rendering.KEEP_SECONDS + 60) == 2
    assert not rendering.ready(token)
