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


LIMIT_ENVS: dict[str, tuple[str, int]] = {
    "DASHBOARD_MAX_RESIDENT_DAYS": ("max_resident_days", 1),
    "DASHBOARD_RUN_MEMORY_MB": ("run_memory_bytes", 2**20),
    "DASHBOARD_CACHE_MB": ("cache_bytes", 2**20),
    "DASHBOARD_IDLE_SECONDS": ("idle_seconds", 1),
    "DASHBOARD_MAX_WAITING": ("max_waiting", 1),
}
"""Environment variables that change the server's admission limits: variable -> (Limits field, unit)."""


def limits(environ: Mapping[str, str] = os.environ):
    """Return the admission limits of this server.

    The defaults of ``dashboard.admission.Limits``, changed by the variables of :data:`LIMIT_ENVS` (whole numbers;
    sizes in MB, times in seconds).

    Raises:
        ValueError: If a variable is set but is not a whole number above 0.
    """
    from dashboard.admission import Limits

    changes = {}
    for variable, (field, unit) in LIMIT_ENVS.items():
        text = environ.get(variable, "").strip()
        if text:
            if not text.isdigit() or int(text) == 0:
                raise ValueError(f"{variable} must be a whole number above 0, got {text[:40]!r}")
            changes[field] = int(text) * unit
    return Limits(**changes)
