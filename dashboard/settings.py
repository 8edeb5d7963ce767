"""Settings read from the environment (none are needed in normal use)."""

from __future__ import annotations

import os
from collections.abc import Mapping

RESIDENTS_ENV = "DASHBOARD_RESIDENTS"
DAYS_ENV = "DASHBOARD_DAYS"
"""Shrink every preset to this many residents / days: for tests and demos on small machines."""


def scale_overrides(environ: Mapping[str, str] = os.environ) -> dict[str, dict[str, int]]:
    """Return the preset overrides the environment asks for (empty unless DASHBOARD_RESIDENTS/DAYS are set).

    Raises:
        ValueError: If a variable is set but is not a whole number.
    """
    overrides: dict[str, dict[str, int]] = {}
    for variable, section, field in ((RESIDENTS_ENV, "population", "residents"), (DAYS_ENV, "world", "days")):
        text = environ.get(variable, "").strip()
        if text:
            if not text.isdigit():
                raise ValueError(f"{variable} must be a whole number, got {text!r}")
            overrides[section] = {field: int(text)}
    return overrides
