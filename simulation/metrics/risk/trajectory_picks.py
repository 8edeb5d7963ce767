"""Which recovered trajectory the adversary picks for each resident, and how right it is (scoring).

The adversary picks with what it knows (home and work units, or p points of a resident's week); the accuracy of
a pick is scored against the resident's true cells (``aggregate_tables.true_cells``), which only the scoring reads.
Definitions and sources: ``aggregate_recovery``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.risk.aggregate_tables import KindCounts, TrueCells
from simulation.metrics.risk.daily_trajectories import Trajectories
from simulation.metrics.risk.location_attack import NO_POINT, draw_known_points
from simulation.metrics.risk.resident_attacks import Knowledge


def single_only(found: Trajectories, picked: np.ndarray) -> np.ndarray:
    """Return the picks that are single trajectories (-1 for the others)."""
    if found.n == 0:
        return np.full(len(picked), -1, dtype=np.int64)
    return np.where(found.single[np.maximum(picked, 0)], picked, -1)


def unique_match(item_key: np.ndarray, target_key: np.ndarray) -> np.ndarray:
    """Return, per target key, the one item with that key (-1 when none or several; keys < 0 never match)."""
    listed = np.flatnonzero(item_key >= 0)
    if listed.size == 0:
        return np.full(len(target_key), -1, dtype=np.int64)
    order = listed[np.argsort(item_key[listed], kind="stable")]
    sorted_key = item_key[order]
    low = np.searchsorted(sorted_key, target_key, side="left")
    high = np.searchsorted(sorted_key, target_key, side="right")
    single = ((high - low) == 1) & (target_key >= 0)
    return np.where(single, order[np.minimum(low, len(order) - 1)], -1)


def pick_by_home_work(found: Trajectories, units: np.ndarray, knowledge: Knowledge) -> np.ndarray:
    """Return, per resident, the one trajectory at their home and work (-1 if none or several).

    The adversary checks the places the table can show (``units``: those with a released cell): the home unit if
    the table counts people there, the work unit likewise; a resident neither of whose places the table counts
    cannot be picked.
    """
    span = int(max(knowledge.home_unit.max(initial=0), knowledge.work_unit.max(initial=0),
                   units.max(initial=0))) + 2
    counted = np.zeros(span, dtype=bool)
    counted[units] = True
    known_home = np.where(counted[knowledge.home_unit], knowledge.home_unit, -1)
    known_work = np.where((knowledge.work_unit >= 0) & counted[np.maximum(knowledge.work_unit, 0)],
                          knowledge.work_unit, -1)
    picked = np.full(len(known_home), -1, dtype=np.int64)
    both = (known_home >= 0) & (known_work >= 0)
    pair = np.where((found.home >= 0) & (found.work >= 0), found.home * span + found.work, -1)
    picked[both] = unique_match(pair, known_home[both] * span + known_work[both])
    only_home = (known_home >= 0) & (known_work < 0)
    picked[only_home] = unique_match(found.home, known_home[only_home])
    only_work = (known_home < 0) & (known_work >= 0)
    picked[only_work] = unique_match(found.work, known_work[only_work])
    return single_only(found, picked)


def pick_by_points(found: Trajectories, held: KindCounts, truth: TrueCells, p: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Return, per resident, the one trajectory passing through p of their true cells (-1 otherwise).

    The p points are drawn from every cell in which the kind's sensors captured the resident; a point in a unit
    the table does not hold is on no trajectory, so that resident cannot be picked.
    """
    n_residents = len(truth.first) - 1
    picked = np.full(n_residents, -1, dtype=np.int64)
    targets = np.flatnonzero(truth.sizes())
    if targets.size == 0 or found.n == 0:
        return picked
    resident, cell = truth.of(targets)
    known = draw_known_points(resident, cell, targets, p, rng)
    target_row, which = np.nonzero(known != NO_POINT)
    time_bin, unit = compact_cells(held, truth, known[target_row, which])
    held_point = unit >= 0
    at, chain = found.chains.chains_at(time_bin[held_point], unit[held_point])
    at = np.flatnonzero(held_point)[at]
    trajectory = found.of_chain[chain]
    on = trajectory >= 0
    # distinct (known point, trajectory) pairs, then the trajectories holding every known point of a target
    point_pair = np.unique(at[on] * found.n + trajectory[on])
    row = target_row[point_pair // found.n]
    pair, hits = np.unique(row * found.n + point_pair % found.n, return_counts=True)
    needed = np.bincount(target_row, minlength=targets.size)
    full = pair[hits == needed[pair // found.n]]
    owner, count = np.unique(full // found.n, return_counts=True)
    single = np.isin(full // found.n, owner[count == 1])
    picked[targets[full[single] // found.n]] = full[single] % found.n
    return single_only(found, picked)


def compact_cells(held: KindCounts, truth: TrueCells, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the bin and the compact unit (-1 where the table holds no cell of the unit) of true cells."""
    compact = np.full(truth.n_units + 1, -1, dtype=np.int64)
    compact[held.grid.unit] = np.arange(held.grid.n)
    return cell // truth.n_units, compact[cell % truth.n_units]


def daily_accuracy(found: Trajectories, picked: np.ndarray, held: KindCounts, truth: TrueCells,
                   day_of_bin: np.ndarray, release_units: np.ndarray,
                   known_units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, per resident and day, the accuracy of their picked trajectory and what it gets right elsewhere.

    Accuracy (NaN on days the trajectory has no cell): shared cells / max(the trajectory's cells that day, the
    resident's true cells that day), a trajectory's cells being the distinct (bin, unit) cells of its pieces. A
    shared cell of a unit of z zones counts 1/z: it places the resident in one of z zones, where a guess of the zone
    is right one time in z, so coarser units reveal less (at zone resolution every shared cell counts 1).
    Elsewhere: the shared cells (weighted likewise) at units other than the resident's home and work. Both arrays
    have shape (n_residents, n_days).

    Args:
        found: The trajectories.
        picked: Each resident's picked trajectory (-1 for none).
        held: The table attacked.
        truth: Each resident's true cells in it.
        day_of_bin: Day of every bin.
        release_units: Released unit of every zone (``Release.units``).
        known_units: Each resident's home and work units (released ids, -1 for none), shape (n_residents, 2).
    """
    chains = found.chains
    n_units = chains.counts.shape[1]
    n_cells = chains.counts.size
    n_days = int(day_of_bin[-1]) + 1
    n_residents = len(picked)
    accuracy = np.full((n_residents, n_days), np.nan)
    trajectory_of_seg = found.of_chain[chains.seg_chain]
    wanted = np.zeros(found.n + 1, dtype=bool)
    wanted[picked[picked >= 0]] = True
    seg = np.flatnonzero(wanted[trajectory_of_seg])  # -1 reads the last entry, always False
    if seg.size == 0:
        return accuracy, np.zeros((n_residents, n_days))
    length = chains.seg_last[seg] - chains.seg_first[seg] + 1
    at = np.repeat(seg, length)
    time_bin = chains.seg_first[at] + np.arange(at.size) - np.repeat(np.cumsum(length) - length, length)
    key = np.sort(pd.unique(trajectory_of_seg[at] * n_cells + time_bin * n_units + chains.seg_unit[at]))
    size = np.bincount((key // n_cells) * n_days + day_of_bin[(key % n_cells) // n_units],
                       minlength=(found.n + 1) * n_days).reshape(-1, n_days)
    targets = np.flatnonzero(picked >= 0)
    resident, cell = truth.of(targets)
    true_bin, unit = compact_cells(held, truth, cell)
    query = picked[resident] * n_cells + true_bin * n_units + unit
    where = np.minimum(np.searchsorted(key, query), key.size - 1)
    slot = resident * n_days + day_of_bin[true_bin]
    shared = (key[where] == query) & (unit >= 0)
    zones_in = np.bincount(np.asarray(release_units, dtype=np.int64))[held.grid.unit]  # zones per compact unit
    weight = np.where(shared, 1.0 / zones_in[np.maximum(unit, 0)], 0.0)
    hits = np.bincount(slot, weights=weight, minlength=n_residents * n_days).reshape(n_residents, n_days)
    global_unit = cell % truth.n_units
    away = (global_unit != known_units[resident, 0]) & (global_unit != known_units[resident, 1])
    elsewhere = np.bincount(slot[away], weights=weight[away],
                            minlength=n_residents * n_days).reshape(n_residents, n_days)
    true_size = np.bincount(slot, minlength=n_residents * n_days).reshape(n_residents, n_days)
    trajectory_size = size[picked[targets]]
    rows, days = np.nonzero(trajectory_size > 0)
    accuracy[targets[rows], days] = (hits[targets[rows], days]
                                     / np.maximum(true_size[targets[rows], days], trajectory_size[rows, days]))
    return accuracy, elsewhere
