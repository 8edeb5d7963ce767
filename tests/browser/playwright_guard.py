"""Playwright's ``expect`` for a browser test module, or the module skipped (failed under CI) without Playwright.

Import it at the top of a test module: ``from tests.browser.playwright_guard import expect``.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import TIMEOUT_MS

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

expect.set_options(timeout=TIMEOUT_MS)

__all__ = ["expect"]
