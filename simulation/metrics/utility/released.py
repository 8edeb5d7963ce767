"""Reading the release for the utility estimators: released cells per (unit, time bin), spread back to hours.

Every service is scored at its native resolution (zone or district, and hour; station pairs for transit). A
release that is coarser than that (blocks of zones, bins longer than an hour) is spread back uniformly over the
zones and hours it covers, so generalisation costs utility as it would cost a planner. Records are read where
they were kept and the aggregates before that (:func:`released_parts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from simulation.release import Release
from simulation.scenario import ScenarioConfig

DENSE_CELLS: int = 20_000_000
"""Up to this many (unit, bin) cells, released rows are summed in a dense array instead of by sorting."""
Spread = Literal["occupancy", "total", "mean"]


@dataclass(frozen=True)
class ReleasedCells:
    """One dataset reduced to released cells: a mass per (unit, time bin).

    Attributes:
        unit: Index of the released unit (into ``UnitIndex.ids``) of each cell.
        time: Start of the cell's time bin, in minutes.
        mass: The cell's mass (detections, kWh, or a mean reading, depending on the caller).
        source: "records" or "aggregates".
    """

    unit: np.ndarray
    time: np.ndarray
    mass: np.ndarray
    source: str


@dataclass(frozen=True)
class UnitIndex:
    """Compact indices of the released spatial units.

    Attributes:
        ids: The distinct unit ids, sorted.
        of_zone: Index (into ``ids``) of each zone's unit.
    """

    ids: np.ndarray
    of_zone: np.ndarray

    @classmethod
    def of(cls, release: Release) -> UnitIndex:
        """Build the index from a release's zone -> unit map."""
        ids, inverse = np.unique(np.asarray(release.units, dtype=np.int64), return_inverse=True)
        return cls(ids=ids, of_zone=inverse.astype(np.int64))

    @property
    def n_units(self) -> int:
        """Number of released units."""
        return int(len(self.ids))

    def lookup(self, units: np.ndarray) -> np.ndarray:
        """Return the index of each released unit id, -1 for ids that are not units."""
        units = np.asarray(units)
        n = len(self.ids)
        if n and self.ids[0] == 0 and self.ids[-1] == n - 1:
            if units.size == 0 or (units.min() >= 0 and units.max() < n):
                return units.astype(np.int64)  # every id is a unit (the usual case): one pass
            return np.where((units >= 0) & (units < n), units, -1).astype(np.int64)
        units = units.astype(np.int64)
        if not n:
            return np.full(len(units), -1, dtype=np.int64)
        pos = np.searchsorted(self.ids, units).clip(0, n - 1)
        return np.where(self.ids[pos] == units, pos, -1)


def n_hours(release: Release) -> int:
    """Return the number of whole hours in the released horizon."""
    return int(math.ceil(release.horizon_minutes / 60))


def released_dataset(release: Release, kind: str) -> tuple[str, pd.DataFrame] | None:
    """Return the released dataset of one kind: its records if any were released, else its aggregates.

    Args:
        release: The release.
        kind: Sensor kind.

    Returns:
        ("records", frame), ("aggregates", frame) or None when nothing of that kind was released.
    """
    records = release.records.get(kind)
    if records is not None and len(records):
        return "records", records
    aggregates = release.aggregates.get(kind)
    if aggregates is not None and len(aggregates):
        return "aggregates", aggregates
    return None


def sum_cells(unit: np.ndarray, time: np.ndarray, weight: np.ndarray, units: UnitIndex,
              bin_minutes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum weights per (unit, time bin), dropping rows whose unit is not a released unit.

    Returns:
        (unit index, bin start minute, summed weight) of every non-empty cell.
    """
    uidx = units.lookup(unit)
    keep = uidx >= 0
    keep = slice(None) if keep.all() else keep  # all rows kept (the usual case): no copies
    bins = np.asarray(time)[keep] // bin_minutes
    n_bins = int(bins.max()) + 1 if len(bins) else 1
    key = uidx[keep] * n_bins + bins
    weight = np.asarray(weight, dtype=np.float64)[keep]
    if units.n_units * n_bins <= DENSE_CELLS:
        sums = np.bincount(key, weights=weight, minlength=units.n_units * n_bins)
        cells = np.flatnonzero(np.bincount(key, minlength=units.n_units * n_bins))
        sums = sums[cells]
    else:
        cells, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse, weights=weight, minlength=len(cells))
    return cells // n_bins, (cells % n_bins) * bin_minutes, sums


def released_parts(release: Release, kind: str, config: ScenarioConfig) -> list[tuple[str, pd.DataFrame]]:
    """Return what was released of one kind, as (source, frame) parts covering disjoint time bins.

    Records are read where they were kept; the aggregates, computed as the data arrived and kept after retention
    deleted the raw rows (``simulation.controls.aggregation``), fill the bins that ended before the retention
    period (``controls.retention``, public) began. Without records, the aggregates are read throughout.
    """
    records = release.records.get(kind)
    aggregates = release.aggregates.get(kind)
    has_aggregates = aggregates is not None and len(aggregates) > 0
    if records is None or not len(records):
        return [("aggregates", aggregates)] if has_aggregates else []
    parts = [("records", records)]
    kept_from = release.horizon_minutes - config.controls.retention.for_kind(kind) * 1440
    if has_aggregates and kept_from > 0:
        older = aggregates[aggregates["time"].to_numpy(np.int64) + release.time_bin_minutes <= kept_from]
        if len(older):
            parts.append(("aggregates", older))
    return parts


def kept_share(release: Release, kind: str) -> float:
    """Return the share of a kind's contributions that differential privacy's bound kept (1 if not noised).

    Estimated from released numbers only (``NoisedTable.kept_share``): the noisy counts divided by it are
    unbiased for the counts before bounding.
    """
    table = release.noised.get(kind)
    return table.kept_share if table is not None else 1.0


def aggregate_counts(release: Release, kind: str, frame: pd.DataFrame) -> np.ndarray:
    """Return the counts of aggregate rows as an estimator reads them: unclipped, corrected for bounding.

    Noisy counts are never clipped cell by cell: a negative noisy count is as likely as the positive error it
    balances, and clipping each cell at 0 before summing biases every sum upward (the transit total 1.65 times
    the truth at epsilon 1). They are divided by :func:`kept_share`.
    """
    return np.nan_to_num(frame["count"].to_numpy(np.float64)) / kept_share(release, kind)


def counted_cells(release: Release, kind: str, units: UnitIndex, config: ScenarioConfig) -> list[ReleasedCells]:
    """Return the released counts of one kind per (unit, bin), one entry per part (:func:`released_parts`).

    Records count one detection each (people counters: the head count in their ``value``); aggregates give their
    ``count`` column as :func:`aggregate_counts` reads it (noisy counts summed as they are, never clipped).
    """
    cells = []
    for source, frame in released_parts(release, kind, config):
        if source == "records":
            weight = (np.nan_to_num(frame["value"].to_numpy(np.float64)) if kind == "people_counter"
                      else np.ones(len(frame)))
        else:
            weight = aggregate_counts(release, kind, frame)
        uidx, time, mass = sum_cells(frame["unit"].to_numpy(), frame["time"].to_numpy(), weight, units,
                                     release.time_bin_minutes)
        cells.append(ReleasedCells(unit=uidx, time=time, mass=mass, source=source))
    return cells


def joined(parts: list[ReleasedCells]) -> ReleasedCells:
    """Return the cells of several parts (disjoint time bins) as one set; source names every part read."""
    return ReleasedCells(unit=np.concatenate([p.unit for p in parts]), time=np.concatenate([p.time for p in parts]),
                         mass=np.concatenate([p.mass for p in parts]), source="+".join(p.source for p in parts))


def spread_to_hours(cells: ReleasedCells, n_units: int, bin_minutes: int, hours: int, how: Spread) -> np.ndarray:
    """Turn per-bin cell masses into a (unit, hour) grid.

    Args:
        cells: The released cells.
        n_units: Number of released units.
        bin_minutes: Width of a released time bin.
        hours: Number of hours in the horizon.
        how: "occupancy" (a mean level over the bin: each hour gets the time-weighted mean of the bins it
            overlaps, missing bins count as zero), "total" (an amount over the bin, shared out over its
            minutes), or "mean" (a mean reading: each hour gets the mean of the bins it overlaps that have one).

    Returns:
        A float array (n_units, hours).
    """
    step = math.gcd(int(bin_minutes), 60)
    per_bin = int(bin_minutes) // step
    offsets = np.arange(per_bin, dtype=np.int64) * step
    minute = (np.asarray(cells.time, dtype=np.int64)[:, None] + offsets[None, :]).ravel()
    unit = np.repeat(cells.unit, per_bin)
    mass = np.repeat(cells.mass, per_bin)
    hour = minute // 60
    keep = hour < hours
    key = unit[keep] * hours + hour[keep]
    size = n_units * hours
    if how == "occupancy":
        grid = np.bincount(key, weights=mass[keep] * (step / 60.0), minlength=size)
    elif how == "total":
        grid = np.bincount(key, weights=mass[keep] / per_bin, minlength=size)
    else:
        sums = np.bincount(key, weights=mass[keep], minlength=size)
        weights = np.bincount(key, minlength=size)
        grid = np.divide(sums, weights, out=np.full(size, np.nan), where=weights > 0)
    return grid.reshape(n_units, hours)


def unit_grid_to_zones(grid: np.ndarray, units: UnitIndex, covered: np.ndarray, share: bool) -> np.ndarray:
    """Spread a (unit, hour) grid onto the covered zones of each unit.

    Args:
        grid: (n_units, hours).
        units: The released units.
        covered: Boolean mask of zones the estimate speaks for.
        share: True for amounts (split equally among the unit's covered zones), False for levels (copied).

    Returns:
        (n_zones, hours), zero (or NaN for levels) outside covered zones.
    """
    of_zone = units.of_zone
    out = grid[of_zone].astype(np.float64)
    if share:
        per_unit = np.bincount(of_zone[covered], minlength=units.n_units).astype(np.float64)
        out = out / np.maximum(per_unit[of_zone], 1.0)[:, None]
        out[~covered] = 0.0
    else:
        out[~covered] = np.nan
    return out
