"""Energy: electricity demand per district and hour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.controls.opt_out import DAY_MINUTES
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.truths import remembered_truth
from simulation.metrics.utility.presence import aggregate_counting, covered_zones, device_table, pseudonym_minutes
from simulation.metrics.utility.released import (
    ReleasedCells,
    UnitIndex,
    aggregate_counts,
    joined,
    n_hours,
    released_parts,
    spread_to_hours,
    sum_cells,
)
from simulation.metrics.utility.score import accuracy, utility_score
from simulation.metrics.utility.truth import log_columns
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.scenario import ScenarioConfig
from simulation.world.city import City


def unit_districts(city: City, units: UnitIndex) -> np.ndarray:
    """Return the district code of each released unit: the district most of its zones belong to (public city)."""
    codes, names = city.zone_district_codes()
    votes = np.zeros((units.n_units, len(names)))
    np.add.at(votes, (units.of_zone, codes), 1.0)
    return votes.argmax(axis=1)


def readings_per_count(devices: pd.DataFrame, bin_minutes: int, counting: str,
                       epoch_minutes: int | None = None) -> float:
    """Return the mean number of readings behind one unit of an aggregate smart-meter ``count``.

    A count of distinct meter pseudonyms stands for ``k p / (1 - (1 - p)^k)`` readings each (k readings per
    pseudonym in a bin: per bin, or per key epoch when keys rotate faster than the bin; each arriving with
    probability p, given at least one arrived); an edge count per instant for ``k`` instants per bin.
    """
    own = devices[devices["kind"] == "smart_meter"]
    if not len(own):
        return 1.0
    p = float(own["detection_probability"].mean())
    k = max(bin_minutes / float(own["sampling_interval_minutes"].mean()), 1.0)
    if counting == "per_instant":
        return k
    if epoch_minutes is not None and epoch_minutes < bin_minutes:
        k = max(k * epoch_minutes / bin_minutes, 1.0)
    seen = 1.0 - (1.0 - p) ** k
    return k * p / seen if seen > 0 else 1.0


def allocate_daily_totals(cells: ReleasedCells, share: float, bin_minutes: int) -> ReleasedCells:
    """Share the daily totals of opted-out meters out over their day, from the public opt-out share alone.

    A share ``s`` of meters (``controls.opt_out.meter_share``, drawn at random) report one total per day, stamped
    at the day's start, so the day's first bin holds the other meters' consumption plus those totals. Opted-out
    households use about the share ``s`` of each day's consumption, so in each (unit, day) the first bin gives
    back ``s x the day's sum``, and every bin is divided by ``1 - s``: the other meters' profile, scaled up to
    every meter (the day's sum is unchanged). With ``s = 1`` the day's sum is spread evenly over its bins.
    Bins are assumed to divide a day, as every sensible bin does (a bin of a day is left as it is).

    Args:
        cells: Released smart-meter kWh per (unit, bin) read from records, or from edge counts.
        share: The public share of meters reporting daily totals.
        bin_minutes: Width of a released bin.
    """
    if share <= 0 or bin_minutes >= DAY_MINUTES or not len(cells.mass):
        return cells
    day = cells.time.astype(np.int64) // DAY_MINUTES
    n_days = int(day.max()) + 1
    group = cells.unit.astype(np.int64) * n_days + day
    day_sum = np.bincount(group, weights=cells.mass)[group]
    first = cells.time.astype(np.int64) == day * DAY_MINUTES
    if share < 1.0:
        mass = (cells.mass - np.where(first, share * day_sum, 0.0)) / (1.0 - share)
        return ReleasedCells(cells.unit, cells.time, mass, cells.source)
    per_day = DAY_MINUTES // bin_minutes
    groups, at = np.unique(group, return_index=True)
    totals = day_sum[at]
    unit = np.repeat(cells.unit[at], per_day)
    time = (np.repeat(day[at] * DAY_MINUTES, per_day) + np.tile(np.arange(per_day) * bin_minutes, len(groups)))
    return ReleasedCells(unit, time, np.repeat(totals / per_day, per_day), cells.source)


def estimate_energy(release: Release, city: City, sensors: pd.DataFrame,
                    config: ScenarioConfig) -> tuple[np.ndarray, str]:
    """Estimate the metered consumption (kWh) per district and hour from released smart-meter data.

    Records are summed where kept, aggregates before that (:func:`released_parts`); aggregate cells give
    ``value`` (mean reading) x ``count`` x readings per count (:func:`readings_per_count`), divided by the share
    of contributions differential privacy's bound kept (with DP on, ``value x count`` is the noisy sum of
    readings, taken as it is: never clipped cell by cell). Opted-out meters' daily totals are shared out over
    their day (:func:`allocate_daily_totals`) in what still holds them as single readings: records and edge
    counts (the aggregates of records as captured were spread by the curator). A cell's kWh is shared out evenly
    over the hours its bin overlaps and given to its unit's majority district.

    Args:
        release: The release.
        city: The public city (districts).
        sensors: Public device list (``ObservationLog.sensors``).
        config: The scenario (meter settings; what an aggregate count counts; the opt-out share).

    Returns:
        (estimate (n_districts, hours), source read: "records", "aggregates" or "none").
    """
    n_districts = len(city.districts())
    hours = n_hours(release)
    parts = released_parts(release, "smart_meter", config)
    if not parts:
        return np.zeros((n_districts, hours)), "none"
    units = UnitIndex.of(release)
    edge = "smart_meter" in config.controls.edge_aggregation.kinds
    cells = []
    for source, frame in parts:
        if source == "records":
            kwh = np.nan_to_num(frame["value"].to_numpy(np.float64))
        else:
            scale = readings_per_count(device_table(sensors, config), release.time_bin_minutes,
                                       aggregate_counting("smart_meter", config), pseudonym_minutes(config))
            kwh = np.nan_to_num(frame["value"].to_numpy(np.float64) * aggregate_counts(release, "smart_meter",
                                                                                        frame)) * scale
        uidx, time, mass = sum_cells(frame["unit"].to_numpy(), frame["time"].to_numpy(), kwh, units,
                                     release.time_bin_minutes)
        part = ReleasedCells(uidx, time, mass, source)
        if source == "records" or edge:
            part = allocate_daily_totals(part, config.controls.opt_out.meter_share, release.time_bin_minutes)
        cells.append(part)
    released = joined(cells)
    grid = spread_to_hours(released, units.n_units, release.time_bin_minutes, hours, "total")
    district_of_unit = unit_districts(city, units)
    estimate = np.zeros((n_districts, hours))
    np.add.at(estimate, district_of_unit, grid)
    return estimate, released.source


def energy_truth(log: ObservationLog, city: City, hours: int) -> np.ndarray:
    """Return the raw metered consumption (kWh) per district and hour, from every reading in the log."""
    codes, names = city.zone_district_codes()
    raw = log_columns(log, "smart_meter", ("slot", "zone", "value"))
    hour = raw["slot"].astype(np.int64) * log.slot_minutes // 60
    keep = hour < hours
    key = codes[raw["zone"].astype(np.int64)[keep]] * hours + hour[keep]
    sums = np.bincount(key, weights=np.nan_to_num(raw["value"].astype(np.float64)[keep]),
                       minlength=len(names) * hours)
    return sums.reshape(len(names), hours)


def utility_energy(ctx: AssessmentContext) -> MetricResult:
    """Electricity demand per district and hour.

    Definition: truth is the raw metered consumption per district and hour (every reading in the observation
    log); the estimate comes from the released readings only (:func:`estimate_energy`).
    ``accuracy = 1 - sum|estimate - truth| / sum(estimate + truth)`` over districts x hours; ``coverage`` is the
    share of residents whose home zone has smart meters; ``utility_energy = accuracy x coverage``.
    Source: mass-weighted SMAPE as in Kapp et al. (2022).
    """
    city = ctx.world.city
    estimate, source = estimate_energy(ctx.release, city, ctx.log.sensors, ctx.config)
    truth = remembered_truth(ctx.log, ("energy_truth", estimate.shape[1]),
                             lambda: energy_truth(ctx.log, city, estimate.shape[1]))
    metered = covered_zones(device_table(ctx.log.sensors, ctx.config), ("smart_meter",), city.n_zones)
    homes = ctx.world.residents["home_zone"].to_numpy(np.int64)
    coverage = float(metered[homes].mean()) if len(homes) else 0.0
    has_data = bool(truth.sum() > 0 or estimate.sum() > 0)
    acc = accuracy(estimate, truth) if has_data and coverage > 0 else 0.0
    _, names = city.zone_district_codes()
    breakdown = pd.DataFrame({
        "district": names,
        "true_kwh": truth.sum(axis=1),
        "estimated_kwh": estimate.sum(axis=1),
        "accuracy": [accuracy(e, t) for e, t in zip(estimate, truth, strict=True)],
    })
    breakdown.attrs.update(source=source, coverage=coverage, accuracy=acc)
    return MetricResult(name="utility_energy", value=utility_score(acc, coverage), breakdown=breakdown)
