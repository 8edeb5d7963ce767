"""Utility per service, estimated from the released data only and scored against the truth (1 is perfect).

One file per service; each exposes an estimator that reads only the release, the public city, the public device
list and scenario-level constants, and a metric ``utility_<service>(ctx) -> MetricResult`` with a value in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.utility.crowd import utility_crowd
from simulation.metrics.utility.energy import utility_energy
from simulation.metrics.utility.environment import utility_environment
from simulation.metrics.utility.public_safety import utility_public_safety
from simulation.metrics.utility.traffic import utility_traffic
from simulation.metrics.utility.transit import utility_transit

UTILITY_METRICS: dict[str, Callable[[AssessmentContext], MetricResult]] = {
    "utility_crowd": utility_crowd,
    "utility_transit": utility_transit,
    "utility_traffic": utility_traffic,
    "utility_energy": utility_energy,
    "utility_public_safety": utility_public_safety,
    "utility_environment": utility_environment,
}
"""Outcome name -> metric; one entry per service of ``simulation.scenario.SERVICES``."""

__all__ = ["UTILITY_METRICS"]
