"""Gated candidate links between pseudonyms that disappear before a key rotation and those that appear after it.

The gate of a multi-target tracker (Gruteser and Hoh 2005; Hoh et al. 2007): a new pseudonym is a candidate
successor of an old one only if it is from the next key epoch, first appears in the old one's last released unit
or a unit whose centroid lies within LINK_RADIUS_UNITS unit widths of it, and does so from one time bin before
the disappearance to MAX_GAP_MINUTES after it. Cost = 1 + distance (unit widths) + GAP_COST_PER_MINUTE x gap.
Only the CANDIDATES_PER_TRACE cheapest candidates of each old pseudonym are kept, as a multi-hypothesis tracker
prunes: never a full cross product.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_GAP_MINUTES = 720
"""Longest gap between an old pseudonym's last record and a new one's first for a link."""
LINK_RADIUS_UNITS = 1.0
"""Largest centroid distance (in released-unit widths) between the disappearance and the appearance."""
CANDIDATES_PER_TRACE = 4
"""Gated candidates kept per disappearing pseudonym (the closest ones), as a multi-hypothesis tracker prunes."""
GAP_COST_PER_MINUTE = 0.001
"""Cost (in unit widths) of each minute between disappearance and appearance, breaking distance ties."""
COST_STEPS = 2**24
"""Costs are compared in thousandths of a unit width, capped below this many steps."""
CELLS_PER_CHUNK = 2_000_000
"""Bound on the (old pseudonym, nearby unit, candidate) cells examined at once (memory)."""


def rank_in_runs(values: np.ndarray) -> np.ndarray:
    """Return each element's position within its run of equal values (values sorted)."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    lengths = np.diff(np.concatenate([starts, [values.size]]))
    return np.arange(values.size) - np.repeat(starts, lengths)


_NEAR_CACHE: dict[tuple[bytes, float], tuple[np.ndarray, np.ndarray]] = {}


def near_units(centroid: np.ndarray, unit_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Return, per unit, the units within LINK_RADIUS_UNITS (ascending, -1 padded) and their distances.

    Args:
        centroid: (n_units, 2) unit centroids in zone widths.
        unit_width: Typical released-unit width in zone widths.

    Returns:
        ``(near, distance)``, both (n_units, most neighbours): neighbour unit ids (-1 = none) and centroid
        distances in unit widths.
    """
    key = (centroid.tobytes(), unit_width)
    if key not in _NEAR_CACHE:
        d = np.hypot(*(centroid[:, None, :] - centroid[None, :, :]).transpose(2, 0, 1)) / unit_width
        a, b = np.nonzero(d <= LINK_RADIUS_UNITS)
        column = rank_in_runs(a)
        width = int(column.max()) + 1 if column.size else 1
        near = np.full((len(centroid), width), -1, dtype=np.int64)
        distance = np.zeros((len(centroid), width))
        near[a, column] = b
        distance[a, column] = d[a, b]
        _NEAR_CACHE.clear()  # one city layout at a time
        _NEAR_CACHE[key] = (near, distance)
    return _NEAR_CACHE[key]


def candidate_links(ends: pd.DataFrame, centroid: np.ndarray, unit_width: float,
                    bin_minutes: int) -> pd.DataFrame:
    """Return the gated (old, new, cost) candidates of every rotation at once (new is in the next epoch).

    For each old pseudonym and each unit near its last one, the CANDIDATES_PER_TRACE earliest appearances there
    (from one bin before the disappearance on) are examined in a dense (old, unit, candidate) block; the
    CANDIDATES_PER_TRACE cheapest of the block's row are kept (ties: nearer unit in id order, then earlier).

    Args:
        ends: Per trace: epoch, first_time, last_time, first_unit, last_unit (``Traces.ends``).
        centroid: (n_units, 2) unit centroids in zone widths.
        unit_width: Typical released-unit width in zone widths.
        bin_minutes: Released time bin.

    Returns:
        Columns old, new (trace codes) and cost, sorted by old then cost.
    """
    empty = pd.DataFrame({"old": np.empty(0, np.int64), "new": np.empty(0, np.int64), "cost": np.empty(0)})
    if len(ends) == 0:
        return empty
    epoch = ends["epoch"].to_numpy()
    epochs = np.unique(epoch)
    step = np.searchsorted(epochs, epoch).astype(np.int64)
    first_time = ends["first_time"].to_numpy(np.int64) + bin_minutes
    last_time = ends["last_time"].to_numpy(np.int64) + bin_minutes
    first_unit = ends["first_unit"].to_numpy(np.int64)
    last_unit = ends["last_unit"].to_numpy(np.int64)
    span = int(max(first_time.max(), last_time.max())) + 1
    n_units = len(centroid)
    new_group = step * n_units + first_unit
    new_order = np.argsort(new_group * span + first_time, kind="stable")
    new_key = (new_group * span + first_time)[new_order]
    group_end = np.cumsum(np.bincount(new_group, minlength=(len(epochs) + 1) * n_units))
    near, distance = near_units(centroid, unit_width)
    width = near.shape[1] * CANDIDATES_PER_TRACE
    rows = max(CELLS_PER_CHUNK // width, 1)
    parts = []
    for start in range(0, len(ends), rows):
        old = np.arange(start, min(start + rows, len(ends)))
        parts.append(_chunk(old, near[last_unit[old]], distance[last_unit[old]], step, last_time, first_time,
                            new_order, new_key, group_end, n_units, span, bin_minutes))
    found = [part for part in parts if part[0].size]
    if not found:
        return empty
    return pd.DataFrame({"old": np.concatenate([p[0] for p in found]), "new": np.concatenate([p[1] for p in found]),
                         "cost": np.concatenate([p[2] for p in found])})


def _chunk(old: np.ndarray, near: np.ndarray, distance: np.ndarray, step: np.ndarray, last_time: np.ndarray,
           first_time: np.ndarray, new_order: np.ndarray, new_key: np.ndarray, group_end: np.ndarray,
           n_units: int, span: int, bin_minutes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the kept (old, new, cost) candidates of one block of old traces."""
    n_old, n_near = near.shape
    group = (step[old, None] + 1) * n_units + np.maximum(near, 0)
    since = np.maximum(last_time[old] - bin_minutes, 0)
    low = np.searchsorted(new_key, group * span + since[:, None])
    position = low[:, :, None] + np.arange(CANDIDATES_PER_TRACE)
    ok = (near >= 0)[:, :, None] & (position < group_end[group][:, :, None])
    new = new_order[np.where(ok, np.minimum(position, len(new_order) - 1), 0)]
    gap = first_time[new] - last_time[old][:, None, None]
    ok &= gap <= MAX_GAP_MINUTES
    cost = 1.0 + distance[:, :, None] + GAP_COST_PER_MINUTE * np.maximum(gap, 0)
    steps = np.where(ok, np.minimum(cost * 1000, COST_STEPS - 1).astype(np.int64), COST_STEPS)
    width = n_near * CANDIDATES_PER_TRACE
    key = steps.reshape(n_old, width) * width + np.arange(width)
    if width > CANDIDATES_PER_TRACE:
        key = np.partition(key, CANDIDATES_PER_TRACE - 1, axis=1)[:, :CANDIDATES_PER_TRACE]
    key.sort(axis=1)
    row, rank = np.nonzero(key < COST_STEPS * width)
    column = key[row, rank] % width
    return old[row], new.reshape(n_old, width)[row, column], cost.reshape(n_old, width)[row, column]
