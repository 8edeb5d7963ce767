"""The truth the utility estimates are scored against: occupancy grids per world and raw log columns.

Read only to score (never by an estimator). Stage 4 reruns on the same world whenever a control or the adversary
changes, so the grids are computed once per world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from simulation.codes import AWAY, HOME, MODE_CAR
from simulation.metrics.truths import clear_remembered_truths, remembered_truth
from simulation.observations import ObservationLog
from simulation.world import World

TruthGrid = Literal["everyone", "out_of_home", "driving"]


def truth_grid(world: World, who: TruthGrid) -> np.ndarray:
    """Return a (n_zones, hours) occupancy truth of a world, computed once per world and kept while it lives.

    Stage 4 reruns on the same world whenever a control or the adversary changes, so the grids are remembered per
    World object (:func:`simulation.metrics.truths.remembered_truth`). The result is read-only.

    Args:
        world: The truth.
        who: "everyone" (in the city: not AWAY), "out_of_home" (in the city, activity not HOME) or "driving"
            (travel mode car).
    """
    def make() -> np.ndarray:
        masks = {"everyone": lambda rows: world.activity[rows] != AWAY,
                 "out_of_home": lambda rows: (world.activity[rows] != HOME) & (world.activity[rows] != AWAY),
                 "driving": lambda rows: world.mode[rows] == MODE_CAR}
        grid = occupancy_truth(world, masks[who])
        grid.setflags(write=False)
        return grid

    return remembered_truth(world, ("truth_grid", who), make)


def clear_truth_grids() -> None:
    """Forget every remembered truth (benchmarks use it to time a first assessment)."""
    clear_remembered_truths()


def occupancy_truth(world: World, mask: np.ndarray | Callable[[slice], np.ndarray] | None = None) -> np.ndarray:
    """Return the true mean number of residents per zone and hour (optionally only where ``mask`` holds).

    The slots are counted a day at a time, so the temporaries stay small (a few tens of MB at 100,000 residents)
    and are reused instead of touching fresh memory for the whole horizon.

    Args:
        world: The truth.
        mask: Optional boolean (slot, resident) array selecting whom to count (e.g. those driving), or a function
            returning its rows for a slice of slots.

    Returns:
        (n_zones, hours) float array: residents present, averaged over the slots of each hour.
    """
    n_zones = world.city.n_zones
    slots_per_hour = max(60 // world.slot_minutes, 1)
    hour_of_slot = np.arange(world.n_slots, dtype=np.int64) * world.slot_minutes // 60
    hours = int(hour_of_slot[-1]) + 1 if world.n_slots else 0
    counts = np.zeros(hours * n_zones, dtype=np.int64)
    for first in range(0, world.n_slots, world.slots_per_day):
        rows = slice(first, first + world.slots_per_day)
        key = world.zone[rows] + (hour_of_slot[rows] * n_zones).astype(world.zone.dtype)[:, None]
        if mask is not None:
            key = key[mask(rows) if callable(mask) else mask[rows]]
        counts += np.bincount(key.ravel(), minlength=counts.size)
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
