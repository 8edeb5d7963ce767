"""A real Streamlit server on 127.0.0.1 and a headless chromium for the browser tests.

When chromium (or Playwright) is missing the tests are skipped on a developer machine and FAIL under CI=true.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import ROOT, start_server, stop_server

SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SERVER_ENV = {"DASHBOARD_RESIDENTS": "300", "DASHBOARD_DAYS": "2",
              "WORKSHOP_DB": str(Path(tempfile.gettempdir()) / f"workshop-browser-test-{os.getpid()}.sqlite")}
TIMEOUT_MS = 90_000


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The URL of a Streamlit server running the app on small presets, stopped after the session."""
    process, url = start_server(SERVER_ENV)
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _unavailable(f"chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                              else shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context (like another person's browser) and page; saves a screenshot after the test."""
    context = browser.new_context(viewport={"width": 1500, "height": 1800}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


def wait_for_app(page) -> None:
    """Wait until the script has finished running and the page shows no placeholders."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=TIMEOUT_MS)
