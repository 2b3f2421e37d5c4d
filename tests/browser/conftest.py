"""Playwright in Debian's Chromium against Django's live server. Skipped, with a clear
message, where Chromium is absent (CI installs it)."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlparse

import pytest

from tests.builders import ensure_catalogue

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, and test code touches the ORM between page actions.
    # Only while browser tests run: other tests (and subprocesses) keep Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser, live_server):
    """page_for(width=…, height=…) -> a page that records every request; at teardown no
    request may have left the live server (no CDN, fonts or analytics)."""
    pages = []

    def _make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.outside_requests = []
        host = urlparse(live_server.url).netloc

        def _record(request):
            url = urlparse(request.url)
            if url.scheme in ("http", "https") and url.netloc != host:
                page.outside_requests.append(request.url)

        page.on("request", _record)
        pages.append((context, page))
        return page

    yield _make
    for context, page in pages:
        assert not page.outside_requests, f"third-party requests: {page.outside_requests}"
        context.close()


def login_with_password(page, live_server, username: str, password: str = "test-password-123"):
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def data_category_catalogue(request):
    """Browser tests are transactional: each one flushes the database when it ends, and with
    it the data-category catalogue that a data migration put there. Put it back before each
    test, so that the journeys do not depend on the order they run in."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    ensure_catalogue()
