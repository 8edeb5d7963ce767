"""Pseudonymous traces of the released record datasets, shared by the risk attacks.

A trace is every released record of one dataset carrying the same (pseudonym, epoch): what an attacker sees as
one person between two key rotations. A point is a (released unit, time bin) pair. The owner of a trace (its
most frequent true resident) is for scoring only. Tables are built once per Release and cached.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.blockwise import dense_ranks
from simulation.metrics.risk.point_index import PointIndex
from simulation.release import Release

NIGHT_HOURS: tuple[int, ...] = (22, 23, 0, 1, 2, 3, 4, 5)
"""Hours in which a trace's most frequent unit is taken as its home (Golle and Partridge 2009)."""
WORK_HOURS: tuple[int, ...] = (9, 10, 11, 12, 13, 14, 15, 16)
"""Weekday hours in which a trace's most frequent unit is taken as its workplace."""


@dataclass(frozen=True, eq=False)
class Traces:
    """The pseudonymous records of one dataset, grouped into traces.

    Attributes:
        kind: The dataset (sensor kind).
        trace: Dense trace code of every kept row (int64).
        unit: Released unit of every kept row (the release's dtype, int32: widen before multiplying).
        time: Released time (minutes) of every kept row (likewise).
        point: Point code (unit, time bin) of every kept row (int64).
        resident: True resident of every kept row (scoring only; int64).
        trace_epoch: Key epoch of every trace.
        trace_owner: Most frequent true resident of every trace (scoring only; -1 if none).
        time_bin_minutes: Released time bin.
    """

    kind: str
    trace: np.ndarray
    unit: np.ndarray
    time: np.ndarray
    point: np.ndarray
    resident: np.ndarray
    trace_epoch: np.ndarray
    trace_owner: np.ndarray
    time_bin_minutes: int

    @property
    def n_traces(self) -> int:
        """Number of traces."""
        return len(self.trace_epoch)

    @cached_property
    def epoch_steps(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the distinct key epochs of the traces (sorted) and each trace's index among them."""
        return epoch_steps(self.trace_epoch)

    @cached_property
    def point_span(self) -> int:
        """One more than the largest point code."""
        return int(self.point.max()) + 1 if self.point.size else 1

    @cached_property
    def index(self) -> PointIndex:
        """Return the inverted index from points to the traces holding them (built once, shared by the attacks)."""
        return PointIndex(self.trace, self.point)

    @cached_property
    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the distinct (trace, point) pairs, sorted by point then trace (read off the point index)."""
        return self.index.traces_and_points()

    @cached_property
    def ends(self) -> pd.DataFrame:
        """Return each trace's epoch, first and last time, first and last unit.

        The first row of a trace is its earliest, the first in release order among equal times; the last is its
        latest, the last in release order among equal times. Found with one min and one max scatter of
        (time, row) keys, without sorting the records.
        """
        row_key = (self.time.astype(np.int64) << 32) | np.arange(self.time.size, dtype=np.int64)
        first, last = group_min_max(self.trace, row_key, self.n_traces)
        first_row, last_row = first & 0xFFFFFFFF, last & 0xFFFFFFFF
        return pd.DataFrame({"epoch": self.trace_epoch, "first_time": self.time[first_row],
                             "last_time": self.time[last_row], "first_unit": self.unit[first_row],
                             "last_unit": self.unit[last_row]}, copy=False)


DENSE_EPOCHS = 1 << 20
"""Largest key epoch whose distinct values are found by counting rather than sorting."""


def epoch_steps(epoch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the sorted distinct epochs and each element's index among them (``np.unique``'s inverse, int64).

    Key epochs are small non-negative ints (the hours or days of the horizon), so they are counted rather than
    sorted; others go through ``np.unique``.
    """
    epoch = np.asarray(epoch)
    if epoch.size == 0 or epoch.min() < 0 or epoch.max() >= DENSE_EPOCHS:
        distinct, step = np.unique(epoch, return_inverse=True)
        return distinct, step.astype(np.int64).reshape(epoch.shape)
    distinct, step = dense_ranks(epoch, int(epoch.max()) + 1)
    return distinct.astype(epoch.dtype), step


def group_min_max(group: np.ndarray, value: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each group's smallest and largest non-negative value (int64 max and -1 for an empty group).

    Two scatters (``np.minimum.at``, ``np.maximum.at``): no sort of the rows.
    """
    low = np.full(n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(n_groups, -1, dtype=np.int64)
    np.minimum.at(low, group, value)
    np.maximum.at(high, group, value)
    return low, high


def _all_or_mask(mask: np.ndarray) -> np.ndarray | slice:
    """Return ``mask``, or an everything-slice when it is all True (indexing with it then copies nothing)."""
    return slice(None) if mask.all() else mask


def majority(group: np.ndarray, value: np.ndarray, n_groups: int) -> np.ndarray:
    """Return the most frequent non-negative value of each group (ties: the smallest value; -1 if none).

    Groups holding a single distinct value (most traces belong to one resident) are settled by a min and a max
    scatter; only the rows of mixed groups are sorted.
    """
    out = np.full(n_groups, -1, dtype=np.int64)
    keep = _all_or_mask(value >= 0)
    if isinstance(keep, np.ndarray) and not keep.any():
        return out
    group, value = group[keep].astype(np.int64, copy=False), value[keep].astype(np.int64, copy=False)
    low, high = group_min_max(group, value, n_groups)
    uniform = low == high
    out[uniform] = low[uniform]
    mixed = (high > low)[group]
    if not mixed.any():
        return out
    group, value = group[mixed], value[mixed]
    span = int(value.max()) + 1
    key = np.sort(group * span + value, kind="stable")  # finds the runs already in order (see sorted_unique)
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    counts = np.diff(np.concatenate([starts, [key.size]]))
    distinct = key[starts]
    owner_group, owner_value = distinct // span, distinct % span
    order = np.lexsort((owner_value, -counts, owner_group))
    first = order[np.concatenate([[True], owner_group[order][1:] != owner_group[order][:-1]])]
    out[owner_group[first]] = owner_value[first]
    return out


def trace_codes(pseudonym: np.ndarray, epoch: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
    """Return a dense code per row for its (pseudonym, epoch) pair.

    With the release's ``pseudonym_codes`` (already one code per pair) the codes are only made contiguous, in
    their order. Otherwise the pairs are numbered in (pseudonym, epoch) order, hash-based (``pandas.factorize``)
    rather than by sorting the rows; a second factorize is needed only when one pseudonym occurs in several
    epochs (raw identifiers, or an astronomically rare hash collision).
    """
    if codes is not None:
        return dense_ranks(codes, int(codes.max()) + 1 if codes.size else 0)[1]
    code, labels = pd.factorize(pseudonym, sort=True)
    code = code.astype(np.int64)
    if code.size == 0:
        return code
    low, high = group_min_max(code, epoch, len(labels))
    if np.array_equal(low, high):
        return code
    return pd.factorize(code * (int(epoch.max()) + 1) + epoch, sort=True)[0].astype(np.int64)


def _build(release: Release, kind: str) -> Traces:
    frame = release.records[kind]
    truth = np.asarray(release.record_truth.get(kind, np.full(len(frame), -1)), dtype=np.int64)
    pseudonym = frame["pseudonym"].to_numpy(np.int64)
    keep = _all_or_mask(pseudonym != -1)
    epoch = frame["epoch"].to_numpy()[keep]  # released columns are read as they are (views when all rows are kept)
    codes = release.pseudonym_codes.get(kind)
    trace = trace_codes(pseudonym[keep], epoch, None if codes is None else np.asarray(codes, dtype=np.int64)[keep])
    n_traces = int(trace.max()) + 1 if trace.size else 0
    trace_epoch = np.zeros(n_traces, dtype=np.int64)
    trace_epoch[trace] = epoch
    unit = frame["unit"].to_numpy()[keep]
    time = frame["time"].to_numpy()[keep]
    bins = max(int(release.time_bin_minutes), 1)
    n_bins = release.horizon_minutes // bins + 1
    resident = truth[keep]
    return Traces(kind=kind, trace=trace, unit=unit, time=time, point=unit.astype(np.int64) * n_bins + time // bins,
                  resident=resident, trace_epoch=trace_epoch, trace_owner=majority(trace, resident, n_traces),
                  time_bin_minutes=bins)


_CACHE: weakref.WeakKeyDictionary[Release, dict[str, Traces]] = weakref.WeakKeyDictionary()


def traces_of(release: Release, kind: str) -> Traces:
    """Return the traces of one released record dataset (cached per release)."""
    per_release = _CACHE.setdefault(release, {})
    if kind not in per_release:
        per_release[kind] = _build(release, kind)
    return per_release[kind]


def forget_traces(release: Release) -> None:
    """Let go of a release's traces (and their point indexes); the next attack on it builds them again.

    They are a working structure of one assessment, several times the size of the record datasets, so a caller
    that keeps releases (the dashboard keeps several) forgets them once the attacks are done.
    """
    _CACHE.pop(release, None)


def readable_traces(release: Release, role: str) -> dict[str, Traces]:
    """Return the traces of every record dataset the role may read that holds at least one pseudonym."""
    out = {}
    for kind in sorted(release.visible_to(role)):
        traces = traces_of(release, kind)
        if traces.n_traces:
            out[kind] = traces
    return out


def hour_of_day(time: np.ndarray) -> np.ndarray:
    """Return the hour of day of times in minutes from the start of the horizon."""
    return (time % 1440) // 60


def weekday(time: np.ndarray, start_weekday: int) -> np.ndarray:
    """Return the weekday (0 = Monday) of times in minutes from the start of the horizon."""
    return (time // 1440 + start_weekday) % 7
