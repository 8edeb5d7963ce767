"""Road traffic: how many cars are on each covered road zone in each hour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.utility.presence import device_table, presence_estimate
from simulation.metrics.utility.released import UnitIndex
from simulation.metrics.utility.score import accuracy, accuracy_at_units, fit_hours, people_hours_share, utility_score
from simulation.metrics.utility.truth import truth_grid
from simulation.release import Release
from simulation.scenario import ScenarioConfig


def estimate_traffic(release: Release, sensors: pd.DataFrame, n_zones: int,
                     config: ScenarioConfig) -> tuple[np.ndarray, np.ndarray, str]:
    """Estimate cars per zone and hour from released number-plate reads (records or counts).

    Every car carries a plate, so a cell's reads divided by the expected reads of one car present for the whole
    bin (detection probability x samples per bin of the unit's readers) estimate the cars present.

    Args:
        release: The release.
        sensors: Public device list (``ObservationLog.sensors``).
        n_zones: Zones of the city.
        config: The scenario.

    Returns:
        (estimate (n_zones, hours), zones with a reader, source read).
    """
    return presence_estimate(release, device_table(sensors, config), "anpr", n_zones, 1.0, config)


def utility_traffic(ctx: AssessmentContext) -> MetricResult:
    """Road traffic per road zone and hour.

    Definition: over the zones holding a number-plate reader and every hour,
    ``accuracy = 1 - sum|estimate - truth| / sum(estimate + truth)`` where truth is the mean number of residents
    driving (travel mode car) in the zone per hour and the estimate comes from the released plate reads
    (:func:`estimate_traffic`); ``coverage`` is the share of all car-hours driven in those zones;
    ``utility_traffic = accuracy x coverage``. Source: mass-weighted SMAPE as in Kapp et al. (2022).
    """
    n_zones = ctx.world.city.n_zones
    estimate, covered, source = estimate_traffic(ctx.release, ctx.log.sensors, n_zones, ctx.config)
    truth = truth_grid(ctx.world, "driving")
    estimate = fit_hours(estimate, truth.shape[1])
    acc = accuracy(estimate[covered], truth[covered]) if covered.any() else 0.0
    coverage = people_hours_share(truth, covered)
    at_units = accuracy_at_units(estimate, truth, covered, UnitIndex.of(ctx.release)) if covered.any() else 0.0
    value = utility_score(acc, coverage)
    breakdown = pd.DataFrame([{"kind": "anpr", "source": source, "zones": int(covered.sum()), "accuracy": acc,
                               "accuracy_released_units": at_units, "coverage": coverage, "value": value}])
    return MetricResult(name="utility_traffic", value=value, breakdown=breakdown)
