"""Every pluggable piece in one place: sensor kinds, privacy controls (in their order) and metrics.

Registration is explicit (one line per entry in each package's ``__init__``/pipeline); this module gathers the
registries so that the command line, the dashboard and the tests can list what exists. A new sensor kind, control
or metric is one file, one registry line and one test file.
"""

from __future__ import annotations

from simulation.controls.pipeline import CONTROLS
from simulation.metrics.risk import RISK_METRICS
from simulation.metrics.utility import UTILITY_METRICS
from simulation.sensors import SENSOR_TYPES

__all__ = ["CONTROLS", "RISK_METRICS", "SENSOR_TYPES", "UTILITY_METRICS", "describe"]


def describe() -> dict[str, list[str]]:
    """Return the names of every registered sensor kind, control (in order) and metric."""
    return {
        "sensors": list(SENSOR_TYPES),
        "controls": [control.name for control in CONTROLS],
        "utility": list(UTILITY_METRICS),
        "risk": list(RISK_METRICS),
    }
