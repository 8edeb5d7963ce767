"""An inverted index from spatio-temporal points to the traces that contain them, for containment queries.

Answers, for many queries at once, "how many traces contain every one of these points, and which one if only
one does": the core of unicity (de Montjoye et al. 2013) and of known-point re-identification. Each query is
answered by walking the posting list of its rarest point and checking the other points by binary search in
the sorted (trace, point) keys, all vectorised with numpy.
"""

from __future__ import annotations

import numpy as np

from simulation.blockwise import run_starts
from simulation.metrics.risk.ranges import expand_ranges

NO_POINT = -1
"""Padding in a query row (fewer known points than columns)."""


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values (np.sort and a mask: faster than np.unique on large int arrays).

    The sort is numpy's stable one (radix/timsort), which finds the runs already in order: keys built from
    records in time order often come mostly sorted (smart-meter point keys: entirely), and are then sorted in a
    few ms instead of the 50-100 ms the default quicksort takes on a million keys whatever their order.
    """
    values = np.sort(values, kind="stable")
    return values[run_starts(values)]


def _narrowest(n_values: int) -> type:
    """Return int32 for codes below ``n_values`` when they fit in it, else int64 (half the memory of big tables)."""
    return np.int32 if n_values <= np.iinfo(np.int32).max else np.int64


class PointIndex:
    """Which traces hold which points.

    Args:
        trace: Non-negative int trace code of every row.
        point: Non-negative int point code of every row.

    Attributes:
        keys: The distinct (point, trace) pairs as ``point * n_traces + trace`` (int64), sorted.
        posting: The trace of each key (int32 when trace codes fit: widen before multiplying).
        sizes: Traces holding each point.
        offsets: Where each point's traces start in ``posting``.
    """

    def __init__(self, trace: np.ndarray, point: np.ndarray) -> None:
        trace = np.asarray(trace, dtype=np.int64)
        point = np.asarray(point, dtype=np.int64)
        self.n_points = int(point.max()) + 1 if point.size else 1
        self.n_traces = int(trace.max()) + 1 if trace.size else 1
        self.keys = sorted_unique(point * self.n_traces + trace)
        self.posting = (self.keys % self.n_traces).astype(_narrowest(self.n_traces))
        self._points = (self.keys // self.n_traces).astype(_narrowest(self.n_points))
        self.sizes = np.bincount(self._points, minlength=self.n_points)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])

    def traces_and_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the distinct (trace, point) pairs held, sorted by point then trace (int32 where they fit)."""
        return self.posting, self._points

    def _size_of(self, queries: np.ndarray) -> np.ndarray:
        """Return the posting size of every query cell (0 for unknown points, a huge value for padding)."""
        inside = (queries >= 0) & (queries < self.n_points)
        size = np.zeros(queries.shape, dtype=np.int64)
        size[inside] = self.sizes[queries[inside]]
        size[queries == NO_POINT] = np.iinfo(np.int64).max
        return size

    def _holds(self, traces: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Return whether each trace holds the point beside it."""
        wanted = points * self.n_traces + traces
        where = np.searchsorted(self.keys, wanted)
        where = np.minimum(where, len(self.keys) - 1)
        return self.keys[where] == wanted

    def containing(self, queries: np.ndarray, chunk_pairs: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
        """Count the traces that contain every point of each query.

        Args:
            queries: int array (n_queries, p) of point codes, NO_POINT as padding; a point the index has never
                seen matches no trace.
            chunk_pairs: Bound on the (query, candidate) pairs expanded at once (memory).

        Returns:
            ``(counts, match)``: the number of traces containing each query, and the trace when exactly one does
            (-1 otherwise). A query of padding only matches nothing.
        """
        queries = np.asarray(queries, dtype=np.int64).reshape(len(queries), -1)
        n_queries = len(queries)
        counts = np.zeros(n_queries, dtype=np.int64)
        match = np.full(n_queries, -1, dtype=np.int64)
        if n_queries == 0 or self.keys.size == 0:
            return counts, match
        size = self._size_of(queries)
        pivot_col = np.argmin(size, axis=1)
        pivot_size = size[np.arange(n_queries), pivot_col]
        live = (pivot_size > 0) & (pivot_size < np.iinfo(np.int64).max)
        pivot_size = np.where(live, pivot_size, 0)
        pivot = np.where(live, queries[np.arange(n_queries), pivot_col], 0)
        cumulative = np.cumsum(pivot_size)
        start = 0
        while start < n_queries:
            base = cumulative[start - 1] if start else 0
            stop = int(np.searchsorted(cumulative, base + chunk_pairs, side="right"))
            stop = max(stop, start + 1)
            self._count_chunk(queries[start:stop], pivot[start:stop], pivot_col[start:stop],
                              pivot_size[start:stop], counts[start:stop], match[start:stop])
            start = stop
        return counts, match

    def _count_chunk(self, queries: np.ndarray, pivot: np.ndarray, pivot_col: np.ndarray, pivot_size: np.ndarray,
                     counts: np.ndarray, match: np.ndarray) -> None:
        """Fill ``counts`` and ``match`` (views) for one chunk of queries."""
        n = len(queries)
        total = int(pivot_size.sum())
        if total == 0:
            return
        owner, position = expand_ranges(self.offsets[pivot], pivot_size)
        candidate = self.posting[position]
        ok = np.ones(total, dtype=bool)
        for column in range(queries.shape[1]):
            needed = (queries[:, column] != NO_POINT) & (pivot_col != column)
            check = needed[owner] & ok
            if not check.any():
                continue
            points = queries[owner[check], column]
            inside = (points >= 0) & (points < self.n_points)
            held = np.zeros(points.size, dtype=bool)
            held[inside] = self._holds(candidate[check][inside], points[inside])
            ok[np.flatnonzero(check)[~held]] = False
        counts[:] = np.bincount(owner[ok], minlength=n)
        single = counts[owner[ok]] == 1
        match[owner[ok][single]] = candidate[ok][single]
