"""Shared pieces of the utility estimators: released cells, time and space spreading, truth grids, the score.

Every service is scored at its native resolution (zone or district, and hour; station pairs for transit). A
release that is coarser than that (blocks of zones, bins longer than an hour) is spread back uniformly over the
zones and hours it covers, so generalisation costs utility as it would cost a planner.

The accuracy used by every grid-valued service is the mass-weighted symmetric error
(a weighted SMAPE, Kapp et al. 2022, ``similarity_measures.py`` of dp_mobility_report)::

    accuracy = 1 - sum |estimate - truth| / sum (|estimate| + |truth|)

which lies in [0, 1]: 1 when every cell is exact, 0 when the estimate and the truth never overlap (or one is
empty). Cells without an estimate count as an estimate of zero.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from simulation.codes import HOME, MODE_CAR
from simulation.metrics.truths import clear_remembered_truths
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.scenario import ScenarioConfig
from simulation.world import World

DENSE_CELLS: int = 20_000_000
"""Up to this many (unit, bin) cells, released rows are summed in a dense array instead of by sorting."""
Spread = Literal["occupancy", "total", "mean"]
Counting = Literal["detections", "per_instant", "distinct"]


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
    bins = np.asarray(time, dtype=np.int64)[keep] // bin_minutes
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


def counted_cells(release: Release, kind: str, units: UnitIndex, config: ScenarioConfig) -> list[ReleasedCells]:
    """Return the released counts of one kind per (unit, bin), one entry per part (:func:`released_parts`).

    Records count one detection each (people counters: the head count in their ``value``); aggregates give their
    ``count`` column. Noisy counts are clipped at zero (post-processing).
    """
    cells = []
    for source, frame in released_parts(release, kind, config):
        if source == "records":
            weight = (np.nan_to_num(frame["value"].to_numpy(np.float64)) if kind == "people_counter"
                      else np.ones(len(frame)))
        else:
            weight = np.clip(np.nan_to_num(frame["count"].to_numpy(np.float64)), 0.0, None)
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


def device_table(sensors: pd.DataFrame, config: ScenarioConfig) -> pd.DataFrame:
    """Return the public list of devices with their deployment settings.

    Args:
        sensors: ``ObservationLog.sensors`` (sensor, name, kind, zone): where devices stand is public.
        config: The scenario (detection probability and sampling interval of each deployment).

    Returns:
        One row per device: kind, zone, detection_probability, sampling_interval_minutes.
    """
    settings = {s.name: (s.detection_probability, s.sampling_interval_minutes) for s in config.sensors}
    table = sensors[["name", "kind", "zone"]].copy()
    table["kind"] = table["kind"].astype(str)
    table["detection_probability"] = [settings.get(n, (1.0, 15))[0] for n in table["name"]]
    table["sampling_interval_minutes"] = [settings.get(n, (1.0, 15))[1] for n in table["name"]]
    return table


def detection_rate(devices: pd.DataFrame, kind: str, n_zones: int, bin_minutes: int,
                   counting: Counting = "detections") -> np.ndarray:
    """Return, per zone, what one target present for a whole released bin adds to the kind's count.

    Summed over the zone's devices of the kind, with p the detection probability and k = bin / sampling interval
    the samples per bin: ``p x k`` detections ("detections": records, people counters, anonymous cameras),
    ``p`` ("per_instant": edge counts, averaged over the bin's instants), or ``1 - (1 - p)^k``, the chance of
    being seen at least once ("distinct": aggregates counting distinct pseudonyms).
    """
    own = devices[devices["kind"] == kind]
    p = own["detection_probability"].to_numpy(np.float64)
    samples = bin_minutes / own["sampling_interval_minutes"].to_numpy(np.float64)
    if counting == "per_instant":
        rate = p
    elif counting == "distinct":
        rate = 1.0 - (1.0 - p) ** np.maximum(samples, 1.0)
    else:
        rate = p * samples
    return np.bincount(own["zone"].to_numpy(np.int64), weights=rate, minlength=n_zones)[:n_zones]


def aggregate_counting(kind: str, config: ScenarioConfig) -> Counting:
    """Return what an aggregate ``count`` of a kind counts (see ``simulation.release``).

    Edge-aggregated kinds: people per sampling instant, averaged over the bin; people counters and cameras
    (anonymous sightings: face templates that match nobody are deleted at capture) count detections; every
    other kind counts distinct pseudonyms.
    """
    if kind in config.controls.edge_aggregation.kinds:
        return "per_instant"
    if kind in ("people_counter", "cctv"):
        return "detections"
    return "distinct"


def covered_zones(devices: pd.DataFrame, kinds: tuple[str, ...], n_zones: int) -> np.ndarray:
    """Return a boolean mask of the zones where a device of one of the kinds stands (any device table)."""
    mask = np.zeros(n_zones, dtype=bool)
    zones = devices.loc[devices["kind"].astype(str).isin(kinds), "zone"].to_numpy(np.int64)
    mask[zones[(zones >= 0) & (zones < n_zones)]] = True
    return mask


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


TruthGrid = Literal["everyone", "out_of_home", "driving"]
_TRUTH_GRIDS: weakref.WeakKeyDictionary[World, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def truth_grid(world: World, who: TruthGrid) -> np.ndarray:
    """Return a (n_zones, hours) occupancy truth of a world, computed once per world and kept while it lives.

    Stage 4 reruns on the same world whenever a control or the adversary changes, so the grids are cached per
    World object (a weak reference: the cache never keeps a world alive). Callers must not modify the result.

    Args:
        world: The truth.
        who: "everyone", "out_of_home" (activity not HOME) or "driving" (travel mode car).
    """
    grids = _TRUTH_GRIDS.setdefault(world, {})
    if who not in grids:
        masks = {"everyone": None, "out_of_home": lambda: world.activity != HOME,
                 "driving": lambda: world.mode == MODE_CAR}
        make_mask = masks[who]
        grid = occupancy_truth(world, None if make_mask is None else make_mask())
        grid.setflags(write=False)
        grids[who] = grid
    return grids[who]


def clear_truth_grids() -> None:
    """Forget every cached truth (benchmarks use it to time a first assessment)."""
    _TRUTH_GRIDS.clear()
    clear_remembered_truths()


def occupancy_truth(world: World, mask: np.ndarray | None = None) -> np.ndarray:
    """Return the true mean number of residents per zone and hour (optionally only where ``mask`` holds).

    Args:
        world: The truth.
        mask: Optional boolean (slot, resident) array selecting whom to count (e.g. those driving).

    Returns:
        (n_zones, hours) float array: residents present, averaged over the slots of each hour.
    """
    n_zones = world.city.n_zones
    slots_per_hour = max(60 // world.slot_minutes, 1)
    hour_of_slot = np.arange(world.n_slots, dtype=np.int64) * world.slot_minutes // 60
    hours = int(hour_of_slot[-1]) + 1 if world.n_slots else 0
    key = world.zone + (hour_of_slot * n_zones).astype(world.zone.dtype)[:, None]
    size = hours * n_zones
    if mask is not None:
        key = np.where(mask, key, size)
    counts = np.bincount(key.ravel(), minlength=size + 1)[:size]
    return counts.reshape(hours, n_zones).T / slots_per_hour


def log_columns(log: ObservationLog, kind: str, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Return some columns of one kind's raw records as arrays, without copying the whole log (scoring only)."""
    records = log.records
    kinds = records["kind"]
    if isinstance(kinds.dtype, pd.CategoricalDtype):
        categories = list(kinds.cat.categories)
        if kind not in categories:
            return {name: records[name].to_numpy()[:0] for name in columns}
        mask = kinds.cat.codes.to_numpy() == categories.index(kind)
    else:
        mask = kinds.astype(str).to_numpy() == kind
    return {name: records[name].to_numpy()[mask] for name in columns}


def fit_hours(grid: np.ndarray, hours: int) -> np.ndarray:
    """Cut or zero-pad the hour axis of a (rows, hours) grid."""
    if grid.shape[1] >= hours:
        return grid[:, :hours]
    return np.pad(grid, ((0, 0), (0, hours - grid.shape[1])))


def accuracy(estimate: np.ndarray, truth: np.ndarray) -> float:
    """Return 1 - sum|estimate - truth| / sum(|estimate| + |truth|) over the cells (NaN estimates count as 0).

    Returns 1.0 when both are empty everywhere (nothing to get wrong), 0.0 when only one is.
    """
    est = np.nan_to_num(np.asarray(estimate, dtype=np.float64))
    tru = np.nan_to_num(np.asarray(truth, dtype=np.float64))
    denominator = float(np.abs(est).sum() + np.abs(tru).sum())
    if denominator <= 0.0:
        return 1.0
    return float(np.clip(1.0 - np.abs(est - tru).sum() / denominator, 0.0, 1.0))


def accuracy_at_units(estimate: np.ndarray, truth: np.ndarray, covered: np.ndarray, units: UnitIndex) -> float:
    """Return :func:`accuracy` after summing the covered zones of each released unit (the release's own grain).

    Beside the zone-level score, it shows how much of a loss comes from coarser units rather than from noise.
    """
    rows = units.of_zone[covered]
    est = np.zeros((units.n_units, estimate.shape[1]))
    tru = np.zeros((units.n_units, truth.shape[1]))
    np.add.at(est, rows, np.nan_to_num(estimate[covered]))
    np.add.at(tru, rows, truth[covered])
    return accuracy(est, tru)


def people_hours_share(truth_occupancy: np.ndarray, covered: np.ndarray) -> float:
    """Return the share of all people-hours spent in the covered zones (0 when nobody is anywhere)."""
    total = float(truth_occupancy.sum())
    return float(truth_occupancy[covered].sum() / total) if total > 0 else 0.0


def presence_estimate(release: Release, devices: pd.DataFrame, kind: str, n_zones: int, visibility: float,
                      config: ScenarioConfig) -> tuple[np.ndarray, np.ndarray, str]:
    """Estimate the mean number of targets per zone and hour from one kind's released detections.

    A cell's count (records: rows, or the head counts of people counters; aggregates: their ``count``) is divided
    by what one target present for the whole bin adds to it, summed over the unit's devices of the kind
    (:func:`detection_rate`), and by the public share of targets the kind can see at all (``visibility``, e.g.
    phones with Wi-Fi on). The unit's estimate is shared equally among its zones that hold such a device; bins
    are turned into hours as time-weighted means. Records are read where kept, aggregates before that
    (:func:`released_parts`).

    Args:
        release: The release.
        devices: The public device table (:func:`device_table`).
        kind: Sensor kind.
        n_zones: Zones of the city.
        visibility: Share of targets the kind can detect at all (public constant).
        config: The scenario (edge aggregation and face recognition settings tell what a count counts).

    Returns:
        (estimate (n_zones, hours), covered zones mask, source: "records", "aggregates", "records+aggregates"
        or "none").
    """
    units = UnitIndex.of(release)
    hours = n_hours(release)
    covered = covered_zones(devices, (kind,), n_zones)
    estimate = np.zeros((n_zones, hours))
    parts = counted_cells(release, kind, units, config)
    if not parts or not covered.any() or visibility <= 0:
        return estimate, covered, "none"
    per_unit = np.maximum(np.bincount(units.of_zone[covered], minlength=units.n_units), 1)
    levels = []
    for cells in parts:
        counting = "detections" if cells.source == "records" else aggregate_counting(kind, config)
        rate = detection_rate(devices, kind, n_zones, release.time_bin_minutes, counting)
        # mean rate over the unit's covered zones: the cell's count / it = targets in all those zones together
        unit_rate = np.bincount(units.of_zone, weights=rate, minlength=units.n_units) / per_unit
        denominator = unit_rate[cells.unit] * visibility
        level = np.divide(cells.mass, denominator, out=np.zeros(len(cells.mass)), where=denominator > 0)
        levels.append(ReleasedCells(unit=cells.unit, time=cells.time, mass=level, source=cells.source))
    occupancy = joined(levels)
    grid = spread_to_hours(occupancy, units.n_units, release.time_bin_minutes, hours, "occupancy")
    return unit_grid_to_zones(grid, units, covered, share=True), covered, occupancy.source
