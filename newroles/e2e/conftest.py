"""A real server for browser tests: its own database, reference and demo data, on a free local port.

The server runs in a subprocess exactly as `make run` would (without the worker), so the browser sees
what a user sees; the tests' own database is not involved.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-newroles-2026"
SERVER_ENV: dict[str, str] = {}  # the server's environment, for running its commands as a user would


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    if os.environ.get("NEWROLES_E2E_URL"):
        # A server already running with the demo data (its NEWROLES_VAR_DIR in this environment): quicker
        # while writing a test; each run changes its data, so start it afresh for a run that counts.
        SERVER_ENV.update({k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"})
        # The test settings give this process a folder of its own: commands must use the server's.
        SERVER_ENV["NEWROLES_VAR_DIR"] = os.environ.get("NEWROLES_E2E_VAR_DIR", SERVER_ENV["NEWROLES_VAR_DIR"])
        yield os.environ["NEWROLES_E2E_URL"].rstrip("/")
        return
    var_dir = tempfile.mkdtemp(prefix="newroles-e2e-")
    # The server uses the real settings (the test process runs with the test settings).
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # The demo without its fourteen trusts of synthetic staff record: the journeys do not need them, and they
    # would add a minute to the server's start.
    env.update({"NEWROLES_DEBUG": "True", "NEWROLES_VAR_DIR": var_dir, "NEWROLES_DEMO_STAFF_RECORD_BREADTH": "False"})
    SERVER_ENV.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v", "0"], ["load_reference"], ["demo"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def demo_code(email: str) -> str:
    """The demo account's current second-factor code, from `newroles demo totp EMAIL` as the README says."""
    command = [sys.executable, str(ROOT / "manage.py"), "demo", "totp", email]
    done = subprocess.run(command, env=SERVER_ENV, check=True, capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip()


def pass_second_factor(page, email: str) -> None:  # type: ignore[no-untyped-def]
    """Enter the code from the demo authenticator, as a researcher or administrator does after the password.

    A code signs in once: if this persona signed in moments ago with the same code, wait for the next one.
    """
    for _ in range(2):
        page.fill("#id_code", demo_code(email))
        page.click("button[type=submit]:has-text('Continue')")
        page.wait_for_load_state()
        if "/accounts/second-factor/" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)
    pytest.fail(f"the second factor refused {email}'s code")


@pytest.fixture
def page_as(browser, server_url):  # type: ignore[no-untyped-def]
    """page_as("editor@demo.test") -> a signed-in page (through the second factor where the persona needs one)."""
    pages = []

    def sign_in(email: str):  # type: ignore[no-untyped-def]
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server_url + "/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/second-factor/" in page.url:
            pass_second_factor(page, email)
        page.wait_for_url(server_url + "/")
        pages.append(page)
        return page

    yield sign_in
    for page in pages:
        page.close()
