"""Gated candidate links between pseudonyms that disappear before a key rotation and those that appear after it.

The gate of a multi-target tracker (Gruteser and Hoh 2005; Hoh et al. 2007): a new pseudonym is a candidate
successor of an old one only if it is from the next key epoch, first appears in the old one's last released unit
or a unit whose centroid lies within LINK_RADIUS_UNITS unit widths of it, and does so from one time bin before
the disappearance to MAX_GAP_MINUTES after it. Cost = 1 + distance (unit widths) + GAP_COST_PER_MINUTE x gap.
Only the CANDIDATES_PER_TRACE cheapest candidates of each old pseudonym are kept, as a multi-hypothesis tracker
prunes: never a full cross product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.blockwise import factorize_by_blocks
from simulation.metrics.risk.ranges import expand_ranges
from simulation.metrics.risk.traces import epoch_steps

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
CELLS_PER_CHUNK = 250_000
"""Bound on the (old pseudonym, nearby unit, candidate) cells examined at once: small enough (2 MB per array)
that the allocator reuses the same memory chunk after chunk instead of mapping fresh pages."""


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
    found = _NEAR_CACHE.get(key)
    if found is not None:
        return found
    d = np.hypot(*(centroid[:, None, :] - centroid[None, :, :]).transpose(2, 0, 1)) / unit_width
    a, b = np.nonzero(d <= LINK_RADIUS_UNITS)
    column = rank_in_runs(a)
    width = int(column.max()) + 1 if column.size else 1
    near = np.full((len(centroid), width), -1, dtype=np.int64)
    distance = np.zeros((len(centroid), width))
    near[a, column] = b
    distance[a, column] = d[a, b]
    _NEAR_CACHE.clear()  # one city layout at a time (threads may race here: each returns its own, equal, result)
    _NEAR_CACHE[key] = (near, distance)
    return near, distance


@dataclass(frozen=True)
class _Appearances:
    """The new traces ordered by (epoch step, first unit, first time), to find each group's earliest quickly."""

    order: np.ndarray
    key: np.ndarray
    group_end: np.ndarray
    first_time: np.ndarray
    n_units: int
    span: int

    def earliest(self, group: np.ndarray, since: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return, per query, the first sorted position at or after ``since`` in ``group``, and the group's end."""
        return np.searchsorted(self.key, group * self.span + since), self.group_end[group]


@dataclass(frozen=True)
class ClassCandidates:
    """The gated candidates of every class of old traces (traces vanishing from one unit at one time in one epoch).

    Attributes:
        member: Class of every trace (dense codes from 0).
        old: Class of every candidate pair; each class's pairs together, cheapest first.
        new: New trace of every candidate pair.
        cost: Cost of every candidate pair.
    """

    member: np.ndarray
    old: np.ndarray
    new: np.ndarray
    cost: np.ndarray

    def member_pairs(self) -> int:
        """Return how many (old trace, new trace) candidate pairs the classes stand for."""
        return int(np.bincount(self.old, minlength=int(self.member.max(initial=-1)) + 1)[self.member].sum())

    def for_every_member(self) -> pd.DataFrame:
        """Return the (old trace, new trace, cost) candidates, each trace given its class's list."""
        old, new, cost = _for_every_member(self.old, self.new, self.cost, self.member)
        return pd.DataFrame({"old": old, "new": new, "cost": cost}, copy=False)


def candidate_links(ends: pd.DataFrame, centroid: np.ndarray, unit_width: float,
                    bin_minutes: int) -> pd.DataFrame:
    """Return the gated (old, new, cost) candidates of every rotation at once (new is in the next epoch).

    Columns old, new (trace codes) and cost, sorted by old then cost; see :func:`class_candidates`.
    """
    return class_candidates(ends, centroid, unit_width, bin_minutes).for_every_member()


def class_candidates(ends: pd.DataFrame, centroid: np.ndarray, unit_width: float,
                     bin_minutes: int) -> ClassCandidates:
    """Return the gated candidates of every class of old traces, for every rotation at once.

    For each old pseudonym and each unit near its last one, the CANDIDATES_PER_TRACE earliest appearances there
    (from one bin before the disappearance on) are examined; the CANDIDATES_PER_TRACE cheapest are kept (ties:
    the unit with the smaller id, then the earlier appearance). An old pseudonym whose own last unit already
    offers that many candidates, each cheaper than any other nearby unit could (cost >= 1 + its distance), keeps
    those without examining the others; the rest are examined in dense (old, unit, candidate) blocks. The search
    runs once per class of old pseudonyms that vanish from the same unit at the same time in the same epoch (they
    have the same candidates), typically 3-12 times fewer than the pseudonyms.

    Args:
        ends: Per trace: epoch, first_time, last_time, first_unit, last_unit (``Traces.ends``).
        centroid: (n_units, 2) unit centroids in zone widths.
        unit_width: Typical released-unit width in zone widths.
        bin_minutes: Released time bin.

    Returns:
        Each trace's class and each class's (new trace, cost) candidates, cheapest first.
    """
    if len(ends) == 0:
        return ClassCandidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    epochs, step = epoch_steps(ends["epoch"].to_numpy())
    first_time = ends["first_time"].to_numpy(np.int64) + bin_minutes
    last_time = ends["last_time"].to_numpy(np.int64) + bin_minutes
    last_unit = ends["last_unit"].to_numpy(np.int64)
    span = int(max(first_time.max(), last_time.max())) + 1
    n_units = len(centroid)
    new_group = step * n_units + ends["first_unit"].to_numpy(np.int64)
    new_key = new_group * span + first_time
    order = np.argsort(new_key, kind="stable")
    appear = _Appearances(order, new_key[order], np.cumsum(np.bincount(new_group, minlength=(len(epochs) + 1) *
                                                                       n_units)), first_time, n_units, span)
    near, distance = near_units(centroid, unit_width)
    # Old traces that vanish from the same unit at the same time in the same epoch have the same candidates:
    # search once per such class, then hand each trace its class's list.
    member, rep = _classes((step * n_units + last_unit) * span + last_time, step)
    step, last_unit, last_time = step[rep], last_unit[rep], last_time[rep]
    next_group = (step + 1) * n_units
    since = np.maximum(last_time - bin_minutes, 0)
    own = _own_unit(next_group + last_unit, since, last_time, appear, _other_unit_floor(near, distance)[last_unit])
    parts = [own]
    rest = np.flatnonzero(~own.settled)
    rows = max(CELLS_PER_CHUNK // (near.shape[1] * CANDIDATES_PER_TRACE), 1)
    for start in range(0, rest.size, rows):
        old = rest[start:start + rows]
        parts.append(_all_near_units(old, next_group[old][:, None] + np.maximum(near[last_unit[old]], 0),
                                     near[last_unit[old]] >= 0, distance[last_unit[old]], since[old],
                                     last_time[old], appear))
    return ClassCandidates(member, *_in_old_order(parts, len(rep)))


def _classes(key: np.ndarray, step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the class of every element (elements with equal keys share one) and one member of every class.

    Classes are numbered in order of first appearance (``pd.factorize``), hashed an epoch block at a time when the
    traces come in epoch order (the key holds the epoch step).
    """
    member, n_classes = factorize_by_blocks(key, step)
    representative = np.empty(n_classes, dtype=np.int64)
    representative[member] = np.arange(len(member))  # any member will do: they share every input
    return member, representative


def _for_every_member(old: np.ndarray, new: np.ndarray, cost: np.ndarray,
                      member: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the candidates of every trace, given those of every class (ordered by class) and each trace's class."""
    count = np.bincount(old, minlength=int(member.max()) + 1 if member.size else 0)
    trace, source = expand_ranges((np.cumsum(count) - count)[member], count[member])
    return trace, new[source], cost[source]


@dataclass(frozen=True)
class _Kept:
    """Candidates kept for some old traces (each old trace's candidates together, cheapest first)."""

    old: np.ndarray
    new: np.ndarray
    cost: np.ndarray
    settled: np.ndarray | None = None


def _other_unit_floor(near: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Return, per unit, the least cost step a candidate in another nearby unit can have (1 + distance)."""
    other = np.where((near >= 0) & (near != np.arange(len(near))[:, None]), distance, np.inf)
    floor = np.floor((1.0 + other.min(axis=1, initial=np.inf)) * 1000)
    return np.where(np.isfinite(floor), floor, COST_STEPS).astype(np.int64)


def _cells(position: np.ndarray, ok: np.ndarray, last_time: np.ndarray, distance: np.ndarray | float,
           appear: _Appearances) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the new trace, validity, cost and cost step of every examined (old, unit, rank) cell."""
    new = appear.order[np.where(ok, np.minimum(position, len(appear.order) - 1), 0)]
    gap = appear.first_time[new] - last_time.reshape(last_time.shape + (1,) * (new.ndim - 1))
    ok = ok & (gap <= MAX_GAP_MINUTES)
    cost = 1.0 + distance + GAP_COST_PER_MINUTE * np.maximum(gap, 0)
    steps = np.where(ok, np.minimum(cost * 1000, COST_STEPS - 1).astype(np.int64), COST_STEPS)
    return new, ok, cost, steps


def _own_unit(group: np.ndarray, since: np.ndarray, last_time: np.ndarray, appear: _Appearances,
              floor: np.ndarray) -> _Kept:
    """Examine every old trace's own last unit; settle those it fills with candidates no other unit can beat."""
    low, end = appear.earliest(group, since)
    position = low[:, None] + np.arange(CANDIDATES_PER_TRACE)
    new, ok, cost, steps = _cells(position, position < end[:, None], last_time, 0.0, appear)
    settled = ok.all(axis=1) & (steps.max(axis=1) < floor)
    old = np.flatnonzero(settled)
    return _Kept(np.repeat(old, CANDIDATES_PER_TRACE), new[settled].ravel(), cost[settled].ravel(), settled)


def _all_near_units(old: np.ndarray, group: np.ndarray, real: np.ndarray, distance: np.ndarray,
                    since: np.ndarray, last_time: np.ndarray, appear: _Appearances) -> _Kept:
    """Examine every unit near each old trace's last one; keep each old trace's cheapest candidates."""
    n_old, n_near = group.shape
    low, end = appear.earliest(group, since[:, None])
    position = low[:, :, None] + np.arange(CANDIDATES_PER_TRACE)
    new, _, cost, steps = _cells(position, real[:, :, None] & (position < end[:, :, None]), last_time,
                                 distance[:, :, None], appear)
    width = n_near * CANDIDATES_PER_TRACE
    key = steps.reshape(n_old, width) * width + np.arange(width)
    if width > CANDIDATES_PER_TRACE:
        key = np.partition(key, CANDIDATES_PER_TRACE - 1, axis=1)[:, :CANDIDATES_PER_TRACE]
    key.sort(axis=1)
    row, rank = np.nonzero(key < COST_STEPS * width)
    column = key[row, rank] % width
    return _Kept(old[row], new.reshape(n_old, width)[row, column], cost.reshape(n_old, width)[row, column])


def _in_old_order(parts: list[_Kept], n_traces: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the kept (old, new, cost) of every part, ordered by old trace (each old's order kept)."""
    old = np.concatenate([part.old for part in parts])
    count = np.bincount(old, minlength=n_traces)
    start = np.cumsum(count) - count
    target = np.empty(old.size, dtype=np.int64)
    offset = 0
    for part in parts:
        # the candidates of one old trace are consecutive within its part, in their order
        target[offset:offset + part.old.size] = start[part.old] + rank_in_runs(part.old)
        offset += part.old.size
    return (_placed(old, target), _placed(np.concatenate([part.new for part in parts]), target),
            _placed(np.concatenate([part.cost for part in parts]), target))


def _placed(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Return ``values`` moved to the positions ``target``."""
    out = np.empty_like(values)
    out[target] = values
    return out
