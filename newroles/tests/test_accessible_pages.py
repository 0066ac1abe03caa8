"""The shared page furniture passes the accessibility checks: the header logo's accessible name holds its
visible text (axe's label-content-name-mismatch), error pages and forms shown again with errors have a title
starting "Error: ", Markdown tables have no empty column header, and wide tables carry a cue that they scroll
sideways.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.views import defaults

from newroles.conftest import client_for
from newroles.lib.markdown import render_markdown
from newroles.roles.models import RolePack


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1).strip()  # type: ignore[union-attr]


@pytest.fixture
def national_pack(db) -> RolePack:  # type: ignore[no-untyped-def]
    return RolePack.objects.get(role__slug="peer_support_worker", trust=None, is_current=True)


# --- the header logo ---------------------------------------------------------------------------------------


class _LogoName(HTMLParser):
    """The accessible name and the visible text of the header's logo link, as a browser computes them here:
    an aria-label replaces the content; otherwise the text, with an image's aria-label for the image."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.in_svg = 0
        self.aria_label: str | None = None
        self.name: list[str] = []
        self.visible: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if not self.depth and tag == "a" and "nhsuk-header__service-logo" in (a.get("class") or ""):
            self.depth = 1
            self.aria_label = a.get("aria-label")
            return
        if not self.depth:
            return
        self.depth += 1
        if tag == "svg":
            self.in_svg += 1
            label = a.get("aria-label") or ""
            self.name.append(label)
            self.visible.append(label)  # the NHS logo shows the letters it is named by
        if "nhsuk-u-visually-hidden" in (a.get("class") or "") and not self.hidden_depth:
            self.hidden_depth = self.depth

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if self.hidden_depth == self.depth:
            self.hidden_depth = 0
        if tag == "svg":
            self.in_svg -= 1
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.in_svg:
            self.name.append(data)
            if not self.hidden_depth:
                self.visible.append(data)

    @staticmethod
    def words(parts: list[str]) -> str:
        return " ".join(" ".join(parts).split())


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_the_logos_accessible_name_holds_its_visible_text(alice, signed_in):
    page = client_for(alice if signed_in else None).get("/" if signed_in else "/accounts/login/")
    logo = _LogoName()
    logo.feed(page.content.decode())
    name = logo.aria_label if logo.aria_label is not None else logo.words(logo.name)
    visible = logo.words(logo.visible)
    assert "New roles in mental health" in visible
    assert visible.lower() in name.lower(), (name, visible)
    assert "homepage" in name  # still says where the link goes


# --- error titles ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_error_pages_have_an_error_title(alice):
    request = RequestFactory().get("/somewhere/")
    request.user = alice
    titles = {
        400: _title(defaults.bad_request(request, SuspiciousOperation()).content.decode()),
        403: _title(defaults.permission_denied(request, PermissionDenied()).content.decode()),
        404: _title(client_for(alice).get("/no-such-page/").content.decode()),
        500: _title(defaults.server_error(request).content.decode()),
    }
    assert {status: title.startswith("Error: ") for status, title in titles.items()} == dict.fromkeys(titles, True)
    assert titles[404] == "Error: Page not found – newroles"


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_has_an_error_title(client):
    assert not _title(client.get("/accounts/login/").content.decode()).startswith("Error: ")
    again = client.post("/accounts/login/", {"username": "", "password": ""})
    assert again.status_code == 200
    assert _title(again.content.decode()) == "Error: Sign in – newroles"


# --- tables ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_person_specification_has_no_empty_column_header(alice, national_pack):
    page = client_for(alice).get(f"/packs/{national_pack.pk}/").content.decode()
    section = page.split('id="person_specification"', 1)[1].split("</section>", 1)[0]
    assert "<table>" in section
    headers = re.findall(r"<th\b[^>]*>(.*?)</th>", section, re.DOTALL)
    assert headers and all(h.strip() for h in headers)


def test_markdown_tables_scroll_in_the_sites_wrapper_without_empty_headers():
    html = str(render_markdown("| | Essential |\n|---|---|\n| Skills | Listening |"))
    assert html.startswith('<div class="newroles-table-wrap"><table>') and html.endswith("</table></div>")
    assert "<th></th>" not in html and "<td></td>" in html and "<th>Essential</th>" in html


@pytest.mark.django_db
def test_wide_tables_carry_the_scroll_cue(alice, national_pack):
    page = client_for(alice).get(f"/packs/{national_pack.pk}/").content.decode()
    section = page.split('id="person_specification"', 1)[1].split("</section>", 1)[0]
    assert '<div class="newroles-table-wrap"><table>' in section
    css = Path(finders.find("newroles/site.css")).read_text()  # type: ignore[arg-type]
    hint = re.search(r"\.newroles-table-wrap::before\s*\{([^}]*)\}", css)
    assert hint and 'content: "Scroll sideways to see more columns' in hint.group(1)
    assert "animation-timeline: --newroles-table-x" in hint.group(1)  # shown only while the table overflows
    assert "scroll-timeline: --newroles-table-x inline" in css
