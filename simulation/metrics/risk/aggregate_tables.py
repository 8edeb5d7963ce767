"""The released aggregate tables as the trajectory-recovery adversary holds them, and the truth they are scored by.

The adversary reads a table's released cells only: (time bin, unit, count). It turns counts into people: a
count of a kind that adds one per sighting (cameras released from records, no identifier) is divided by the
sightings a person present for a whole bin makes (bin / sampling interval, public in the sensor register).
Suppressed cells are missing and read as 0; noisy counts are rounded and clipped later (``count_chains``).

The truth (scoring only) is each resident's set of cells in which the kind's sensors captured them, read from the
observation log with the release's units and bins; opted-out phones are removed, as opt-out removes them before
anything is counted. It depends on the world, the log and the release's units, bins and opt-out only, so it is
remembered across changes of k and differential privacy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.blockwise import dense_ranks, stable_order, unique_by_blocks
from simulation.controls.opt_out import invisible_phones
from simulation.memo import OutputMemo
from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk.count_chains import UnitGrid

PER_SIGHTING_KINDS: tuple[str, ...] = ("cctv",)
"""Kinds whose released record counts add one per sighting (no identifier), unless aggregated at the edge."""


@dataclass(frozen=True, eq=False)
class KindCounts:
    """One attacked table as the adversary holds it.

    Attributes:
        kind: The sensor kind.
        counts: People per (bin, compact unit) as released (float; missing cells 0).
        grid: The compact units (those with a released cell) and their grid positions.
        bin_minutes: Released time bin.
    """

    kind: str
    counts: np.ndarray
    grid: UnitGrid
    bin_minutes: int

    @property
    def n_bins(self) -> int:
        """Bins of the horizon."""
        return self.counts.shape[0]


def unit_grid(ctx: AssessmentContext, units: np.ndarray) -> UnitGrid:
    """Return the grid position (column, row, in blocks) of released units: the corner zone of their block."""
    city = ctx.world.city
    block = ctx.config.controls.generalisation.spatial_block_zones
    zone_unit = np.asarray(ctx.release.units, dtype=np.int64)
    n = int(zone_unit.max(initial=-1)) + 1
    corner_x = np.full(n, np.iinfo(np.int64).max)
    corner_y = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(corner_x, zone_unit, city.zones["x"].to_numpy(np.int64))
    np.minimum.at(corner_y, zone_unit, city.zones["y"].to_numpy(np.int64))
    return UnitGrid(unit=units, gx=corner_x[units] // block, gy=corner_y[units] // block)


def sightings_per_bin(ctx: AssessmentContext, kind: str) -> int:
    """Return how many times a person present for a whole bin adds to a count of this kind (1 if once)."""
    if kind not in PER_SIGHTING_KINDS or kind in ctx.config.controls.edge_aggregation.kinds:
        return 1
    intervals = [s.sampling_interval_minutes for s in ctx.config.sensors if s.kind == kind]
    return max(1, ctx.release.time_bin_minutes // min(intervals)) if intervals else 1


def noise_scale(ctx: AssessmentContext, kind: str) -> float:
    """Return the Laplace scale of the noise on a table's counts, as the release's audit publishes it (0 if none)."""
    audit = ctx.release.audit
    if audit is None or audit.empty:
        return 0.0
    rows = (audit["control"].astype(str) == "differential_privacy") & (audit["dataset"].astype(str) == kind)
    scales = pd.to_numeric(audit.loc[rows, "noise_scale"], errors="coerce").dropna()
    return float(scales.max()) if len(scales) else 0.0


def held_counts(ctx: AssessmentContext, kind: str) -> KindCounts | None:
    """Return one released aggregate table as a dense (bin, unit) grid of people, or None if it has no cell."""
    frame = ctx.release.aggregates.get(kind)
    if frame is None or frame.empty:
        return None
    bins = max(int(ctx.release.time_bin_minutes), 1)
    n_bins = -(-ctx.release.horizon_minutes // bins)
    released = frame["unit"].to_numpy(np.int64)
    units, unit_index = dense_ranks(released, int(released.max()) + 1)
    counts = np.zeros((n_bins, len(units)))
    time_bin = np.clip(frame["time"].to_numpy(np.int64) // bins, 0, n_bins - 1)
    counts[time_bin, unit_index] = frame["count"].to_numpy(np.float64) / sightings_per_bin(ctx, kind)  # one row a cell
    return KindCounts(kind=kind, counts=counts, grid=unit_grid(ctx, units), bin_minutes=bins)


@dataclass(frozen=True, eq=False)
class TrueCells:
    """Each resident's distinct cells in one kind's counts, grouped by resident (scoring only).

    Attributes:
        first: Index of each resident's first cell (length n_residents + 1).
        cell: ``bin * n_units + released unit`` of every (resident, cell) pair, by resident.
        n_units: Released units (the cell code's unit span).
    """

    first: np.ndarray
    cell: np.ndarray
    n_units: int

    def of(self, residents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the (resident, cell) pairs of some residents."""
        size = self.first[residents + 1] - self.first[residents]
        row = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size - self.first[residents], size)
        return np.repeat(residents, size), self.cell[row]

    def sizes(self) -> np.ndarray:
        """Return the number of cells of every resident."""
        return np.diff(self.first)


_TRUTH: OutputMemo[TrueCells] = OutputMemo(16)
"""Each kind's true cells per (world, log, kind, units, bins, opt-out)."""


def _captured_cells(ctx: AssessmentContext, kind: str, n_bins: int) -> TrueCells:
    """Return the distinct cells of the kind's records in the log, per resident."""
    records = ctx.log.records
    rows = (records["kind"] == kind).to_numpy() & (records["resident"].to_numpy() >= 0)
    resident = records["resident"].to_numpy(np.int64)[rows]
    zone = records["zone"].to_numpy(np.int64)[rows]
    slot = records["slot"].to_numpy(np.int64)[rows]
    if kind == "wifi_bt":
        seen = ~invisible_phones(ctx.config.seed, ctx.world.n_residents, ctx.config.controls.opt_out.device_share)[
            resident]
        resident, zone, slot = resident[seen], zone[seen], slot[seen]
    zone_unit = np.asarray(ctx.release.units, dtype=np.int64)
    n_units = int(zone_unit.max(initial=-1)) + 1
    time_bin = np.minimum(slot * ctx.log.slot_minutes // ctx.release.time_bin_minutes, n_bins - 1)
    cell = time_bin * n_units + zone_unit[zone]
    pair = unique_by_blocks(resident * (n_bins * n_units) + cell, time_bin)  # the log is in time order
    owner = pair // (n_bins * n_units)
    n_residents = ctx.world.n_residents
    order = stable_order(owner, n_residents)
    first = np.r_[0, np.cumsum(np.bincount(owner, minlength=n_residents))]
    return TrueCells(first=first, cell=pair[order] % (n_bins * n_units), n_units=n_units)


def true_cells(ctx: AssessmentContext, held: KindCounts) -> TrueCells:
    """Return the cells in which the kind's sensors captured each resident (scoring only; remembered)."""
    zone_unit = np.asarray(ctx.release.units, dtype=np.int64)
    key = (held.kind, held.n_bins, ctx.release.time_bin_minutes, zone_unit.tobytes(), ctx.config.seed,
           ctx.config.controls.opt_out.device_share)
    return _TRUTH.get(ctx.world, ctx.log, key, lambda: _captured_cells(ctx, held.kind, held.n_bins))
