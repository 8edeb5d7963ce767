"""Playwright's ``expect`` for a browser test module, or the module skipped (failed under CI) without Playwright.

Import it at the top of a test module: ``from tests.browser.playwright_guard import expect``; :func:`choose_option`
picks an option of a select box or list.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import TIMEOUT_MS

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

expect.set_options(timeout=TIMEOUT_MS)

__all__ = ["PlaywrightTimeoutError", "choose_option", "expect"]


def choose_option(page, scope, box_name: str, option: str) -> None:
    """Open a select box or list in ``scope`` and pick an option by its exact text.

    A click during an expander's opening animation does not open the list: it is tried again.
    """
    box, item = scope.get_by_role("combobox", name=box_name), page.get_by_role("option", name=option, exact=True)
    for _ in range(10):
        box.click()
        try:
            item.wait_for(state="visible", timeout=1_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    item.click()

