"""Environment: the pollutant index per zone and hour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.utility.presence import covered_zones
from simulation.metrics.utility.released import (
    ReleasedCells,
    UnitIndex,
    joined,
    n_hours,
    released_parts,
    spread_to_hours,
    sum_cells,
    unit_grid_to_zones,
)
from simulation.metrics.utility.score import accuracy, fit_hours, people_hours_share, utility_score
from simulation.metrics.utility.truth import log_columns, truth_grid
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.scenario import ScenarioConfig


def estimate_environment(release: Release, sensors: pd.DataFrame, n_zones: int,
                         config: ScenarioConfig) -> tuple[np.ndarray, str]:
    """Estimate the pollutant index per zone and hour from released env_iot readings.

    Records are averaged per (unit, bin) where kept, aggregate cells (their ``value``, a mean reading) before
    that (:func:`released_parts`). Each hour takes the
    mean of the bins it overlaps; each zone holding a node takes its unit's level.

    Args:
        release: The release.
        sensors: Public device list (``ObservationLog.sensors``).
        n_zones: Zones of the city.
        config: The scenario (retention: where records stop and aggregates take over).

    Returns:
        (estimate (n_zones, hours), NaN where nothing was released; source read).
    """
    hours = n_hours(release)
    units = UnitIndex.of(release)
    parts = released_parts(release, "env_iot", config)
    if not parts:
        return np.full((n_zones, hours), np.nan), "none"
    levels = []
    for source, frame in parts:
        value = frame["value"].to_numpy(np.float64)
        has = ~np.isnan(value)
        unit, time = frame["unit"].to_numpy()[has], frame["time"].to_numpy()[has]
        uidx, start, sums = sum_cells(unit, time, value[has], units, release.time_bin_minutes)
        _, _, readings = sum_cells(unit, time, np.ones(int(has.sum())), units, release.time_bin_minutes)
        levels.append(ReleasedCells(uidx, start, sums / np.maximum(readings, 1.0), source))
    level = joined(levels)
    grid = spread_to_hours(level, units.n_units, release.time_bin_minutes, hours, "mean")
    covered = covered_zones(sensors, ("env_iot",), n_zones)
    return unit_grid_to_zones(grid, units, covered, share=False), level.source


def environment_truth(log: ObservationLog, n_zones: int, hours: int) -> np.ndarray:
    """Return the mean raw env_iot reading per zone and hour (NaN where no node read)."""
    raw = log_columns(log, "env_iot", ("slot", "zone", "value"))
    value = raw["value"].astype(np.float64)
    hour = raw["slot"].astype(np.int64) * log.slot_minutes // 60
    keep = (hour < hours) & ~np.isnan(value)
    key = raw["zone"].astype(np.int64)[keep] * hours + hour[keep]
    sums = np.bincount(key, weights=value[keep], minlength=n_zones * hours)
    counts = np.bincount(key, minlength=n_zones * hours)
    return np.divide(sums, counts, out=np.full(n_zones * hours, np.nan), where=counts > 0).reshape(n_zones, hours)


def utility_environment(ctx: AssessmentContext) -> MetricResult:
    """Pollutant index per zone and hour.

    Definition: truth is the mean raw reading of the zone's env_iot nodes in each hour (the observation log,
    before any control); the estimate comes from the released readings only (:func:`estimate_environment`).
    ``accuracy = 1 - sum|estimate - truth| / sum(|estimate| + |truth|)`` over the zone-hours with a raw reading
    (a missing estimate counts as 0); ``coverage`` is the share of all people-hours spent in zones with a node
    (exposure-weighted); ``utility_environment = accuracy x coverage``. Source: mass-weighted SMAPE as in
    Kapp et al. (2022).
    """
    n_zones = ctx.world.city.n_zones
    occupancy = truth_grid(ctx.world, "everyone")
    estimate, source = estimate_environment(ctx.release, ctx.log.sensors, n_zones, ctx.config)
    truth = environment_truth(ctx.log, n_zones, occupancy.shape[1])
    estimate = fit_hours(np.nan_to_num(estimate), truth.shape[1])
    read = ~np.isnan(truth)
    covered = read.any(axis=1)
    acc = accuracy(estimate[read], truth[read]) if read.any() else 0.0
    coverage = people_hours_share(occupancy, covered)
    breakdown = pd.DataFrame([{"kind": "env_iot", "source": source, "zones": int(covered.sum()), "accuracy": acc,
                               "coverage": coverage, "value": utility_score(acc, coverage)}])
    return MetricResult(name="utility_environment", value=utility_score(acc, coverage), breakdown=breakdown)
