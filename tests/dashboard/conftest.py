"""Dashboard test fixtures: every preset shrunk to a tiny scale so AppTest runs take seconds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.settings import DAYS_ENV, RESIDENTS_ENV

APP = Path(__file__).resolve().parents[2] / "app.py"
TEST_RESIDENTS = "200"
TEST_DAYS = "1"

os.environ.setdefault(RESIDENTS_ENV, TEST_RESIDENTS)
os.environ.setdefault(DAYS_ENV, TEST_DAYS)


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (a new browser session; the stage caches are shared per process)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=120)
