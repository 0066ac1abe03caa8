"""A report's PDF: the page's own body and charts, laid out for print by WeasyPrint.

The document is tagged where WeasyPrint allows (its language, title and headings, in order), prints on A4
with page numbers, a contents list and running headers, and opens with an NHS-style cover. Nothing is
fetched while rendering: the stylesheet is read from the package, the charts are inline SVG, and the URL
fetcher refuses every address that is not inline data, so a report never reaches the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from newroles.reports.presentation import document_context

STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "print.css"
BODIES = {
    "briefing": "reports/briefing_body.html",
    "trust": "reports/trust_body.html",
    "role": "reports/role_body.html",
}
# What the contents list names for each kind: the sections of the body, in order.
TRUST_SECTIONS = [
    ("deployments", "The trust's new roles"),
    ("staff_record", "Staff record"),
    ("readiness", "Readiness"),
    ("funding", "Funding warnings"),
    ("data_quality", "Data quality"),
    ("packs", "Role packs and shared documents"),
    ("events", "Events ahead"),
]
ROLE_SECTIONS = [
    ("catalogue", "The role"),
    ("pack", "Role pack"),
    ("deployed", "Where the role is deployed"),
    ("staff_record", "Bands and WTE in the staff record"),
    ("kinds", "Kinds of skill-mix change"),
    ("reasons", "Reasons trusts give"),
    ("quotes", "What participants said"),
    ("readiness", "Readiness factors most often unmet"),
    ("funding", "Funding"),
]


class RefusedFetch(ValueError):
    """A report asked for something outside itself while rendering."""


def local_only(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher for reports: inline data only, never the network or the file system."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise RefusedFetch(f"Reports render without fetching anything; refused {url[:80]}")


def sections_of(data: Mapping[str, Any]) -> list[dict[str, str]]:
    if data["kind"] == "briefing":
        return list(data["sections"])
    named = TRUST_SECTIONS if data["kind"] == "trust" else ROLE_SECTIONS
    return [{"id": key, "title": title} for key, title in named]


def document_html(data: Mapping[str, Any], *, snapshot: Any = None) -> str:
    """The whole document (cover, contents, body) as HTML for print."""
    context = {
        **document_context(data),
        "body": BODIES[data["kind"]],
        "sections": sections_of(data),
        "snapshot": snapshot,
    }
    return render_to_string("reports/pdf.html", context)


def render_pdf(
    data: Mapping[str, Any], *, snapshot: Any = None, progress: Callable[[int, str], None] | None = None
) -> bytes:
    """The report as PDF bytes. `progress(percent, stage)` hears how far it has got."""
    import weasyprint

    say = progress or (lambda percent, stage: None)
    say(10, "Drawing the charts")
    html = document_html(data, snapshot=snapshot)
    say(40, "Laying out the pages")
    document = weasyprint.HTML(string=html, url_fetcher=local_only, base_url="about:blank").render(
        stylesheets=[weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=local_only)],
        pdf_tags=True,
    )
    say(80, "Writing the PDF")
    pdf = document.write_pdf(pdf_tags=True)
    say(100, "Ready")
    return pdf


def standalone_html(data: Mapping[str, Any], *, snapshot: Any = None) -> str:
    """The print document as one self-contained HTML file (its stylesheet inline), for the command line."""
    style = f"<style>\n{STYLESHEET.read_text(encoding='utf-8')}</style>\n</head>"
    return document_html(data, snapshot=snapshot).replace("</head>", style, 1)
