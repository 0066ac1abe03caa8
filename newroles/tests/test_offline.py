"""Pages make no request off the site: trust networks often block the internet, and a page must not wait on a
font or an icon from another host. The NHS.UK frontend's stylesheets are served without their external web
font (newroles/lib/offlinecss.py); its icons come from the installed package.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePosixPath
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command, get_commands, load_command_class

from newroles.conftest import client_for
from newroles.lib.offlinecss import offline_css
from newroles.roles.models import RolePack

OWN_HOSTS = {"testserver", "127.0.0.1", "localhost"}
# Attributes a browser fetches by itself as the page loads or submits. A link the reader may follow
# (<a href>, such as a pack's sources) is not a request the page makes.
FETCHED = {"src", "srcset", "data", "poster", "action", "formaction", "background", "style"}
CSS_EXTERNAL_URL = re.compile(r"url\(\s*[\"']?((?:https?:)?//[^)\"']*)|@import\s+[\"']((?:https?:)?//[^\"']*)", re.I)
CSS_URL = re.compile(r"url\(\s*[\"']?([^)\"']+)")


class _Fetched(HTMLParser):
    """Every address the page makes the browser fetch: src-like attributes, <link href>, url() in style."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name == "style":
                self.urls += [m.group(1) for m in CSS_URL.finditer(value)]
            elif name in FETCHED or (tag == "link" and name == "href"):
                self.urls += [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]


def _external_hosts(html: str) -> set[str]:
    parser = _Fetched()
    parser.feed(html)
    hosts = set()
    for url in parser.urls:
        parts = urlsplit(url.strip())
        if parts.netloc and parts.netloc.lower() not in OWN_HOSTS:
            hosts.add(parts.netloc.lower())
    return hosts


def _served_stylesheets() -> dict[str, str]:
    """Every stylesheet the static finders serve, by its path under /static/."""
    sheets: dict[str, str] = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(["*.map"]):
            if path.endswith(".css"):
                prefix = getattr(storage, "prefix", None)
                with storage.open(path) as f:
                    sheets.setdefault(f"{prefix}/{path}" if prefix else path, f.read().decode("utf-8"))
    return sheets


def _runserver_get(url: str) -> str:
    """The status `manage.py runserver` answers for a URL (static files as `make run` serves them)."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    default = command.create_parser("manage.py", "runserver").get_default("use_static_handler")
    handler = command.get_handler(use_static_handler=default, insecure_serving=False)
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update({"PATH_INFO": unquote(url), "HTTP_HOST": "127.0.0.1"})
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:  # type: ignore[type-arg]
        answer["status"] = status

    b"".join(handler(environ, start_response))
    return answer["status"]


@pytest.fixture
def national_pack(db) -> RolePack:  # type: ignore[no-untyped-def]
    return RolePack.objects.get(role__slug="peer_support_worker", trust=None, is_current=True)


# ----------------------------------------------------------------------------------


def test_the_frontend_stylesheets_load_no_font_or_image_from_another_host():
    sheets = _served_stylesheets()
    assert "nhsuk/nhsuk-frontend.min.css" in sheets and "newroles/site.css" in sheets
    external = {path: CSS_EXTERNAL_URL.findall(css) for path, css in sheets.items()}
    assert {path: urls for path, urls in external.items() if urls} == {}


def test_the_frontend_stylesheets_fall_back_to_the_design_systems_font_stack():
    css = _served_stylesheets()["nhsuk/nhsuk-frontend.min.css"]
    assert "@font-face" not in css
    assert "font-family:Frutiger W01,arial,sans-serif" in css  # Frutiger if installed, else Arial


def test_every_image_a_frontend_stylesheet_names_is_served():
    for path, css in _served_stylesheets().items():
        if not path.startswith("nhsuk/"):
            continue
        for url in set(CSS_URL.findall(css)) - {"data:"}:
            if url.startswith("data:"):
                continue
            target = normpath(str(PurePosixPath(path).parent / url))
            assert finders.find(target), f"{path} names {url}, which is not served"


@pytest.mark.django_db
def test_the_search_pages_clear_icon_is_served(client, alice, settings):
    """The search box's clear button draws the cross icon the stylesheet names: it must come back, not 404."""
    settings.DEBUG = True  # runserver serves static files only with debug on, as in `make run`
    page = client_for(alice).get("/search/?q=peer").content.decode()
    stylesheets = re.findall(r"<link rel=\"stylesheet\" href=\"([^\"]+)\"", page)
    icons = set()
    for sheet in stylesheets:
        css = _served_stylesheets().get(sheet.removeprefix("/static/"), "")
        icons |= {urljoin(sheet, u) for u in CSS_URL.findall(css) if u.endswith("nhsuk-icon-cross.svg")}
    assert icons == {"/static/nhsuk/assets/images/nhsuk-icon-cross.svg"}
    assert _runserver_get(icons.pop()).startswith("200")


def test_collectstatic_writes_the_offline_stylesheets(tmp_path, settings):
    """A production server (`make serve`) serves what collectstatic gathered: the same offline copies."""
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["*.map", "*.mjs", "*.d.mts"])
    collected = (tmp_path / "static" / "nhsuk" / "nhsuk-frontend.min.css").read_text()
    assert CSS_EXTERNAL_URL.findall(collected) == []
    assert "url(assets/images/nhsuk-icon-cross.svg)" in collected
    assert (tmp_path / "static" / "nhsuk" / "assets" / "images" / "nhsuk-icon-cross.svg").exists()


def test_the_rewrite_keeps_local_fonts_and_fixes_icon_paths_in_any_layout():
    css = (
        '@font-face {\n  font-family: "Frutiger W01";\n'
        '  src: url("https://assets.nhs.uk/fonts/a.woff2") format("woff2");\n}\n'
        "@font-face{font-family:Own;src:url(fonts/own.woff2)}"
        ".a{background:url(/assets/images/x.svg)}.b{background:url('/assets/images/y.svg')}"
    )
    done = offline_css(css, depth=1)
    assert "assets.nhs.uk" not in done and "Frutiger" not in done
    assert "@font-face{font-family:Own;src:url(fonts/own.woff2)}" in done  # a font on the site stays
    assert "url(../assets/images/x.svg)" in done and "url('../assets/images/y.svg')" in done


def test_the_policy_allows_fonts_from_the_site_only(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "font-src 'self';" in policy + ";"
    assert "assets.nhs.uk" not in policy


@pytest.mark.django_db
def test_pages_name_no_other_host(alice, national_pack):
    signed_in = client_for(alice)
    pages = ["/", "/about/", "/roles/", "/search/?q=peer", "/map/", "/map/deployments/", "/trusts/", "/packs/"]
    pages.append(f"/packs/{national_pack.pk}/")
    found = {}
    for path in pages:
        response = signed_in.get(path)
        assert response.status_code == 200, path
        found[path] = _external_hosts(response.content.decode())
    found["sign-in"] = _external_hosts(client_for(None).get("/accounts/login/").content.decode())
    assert {path: hosts for path, hosts in found.items() if hosts} == {}


def test_the_check_itself_sees_an_external_host():
    assert _external_hosts('<link href="https://assets.nhs.uk/x.css"><svg xmlns="http://www.w3.org/2000/svg">') == {
        "assets.nhs.uk"
    }
    assert _external_hosts('<img src="//cdn.example/x.png"><a href="https://www.nhs.uk/">NHS</a>') == {"cdn.example"}
    assert _external_hosts('<div style="background: url(https://x.example/a.png)">') == {"x.example"}
