"""Location-set re-identification risk (scikit-mobility's LocationAttack, exactly) and unicity.

Definitions:
    Location attack (Pellungrini, Pappalardo, Pratesi et al., "A data mining approach to assess privacy risk in
    human mobility data", ACM TIST 9(3), 2017; scikit-mobility 1.3.1 ``skmob.privacy.attacks.LocationAttack``):
    an adversary knows k of a user's records. For user u with records R_u (a multiset of locations),
        risk(u) = max over k-combinations I of R_u of 1 / |{v : R_v contains I as a multiset}|
    (k is cut to |R_u| for users with fewer records). ``LocationTimeAttack`` is the same over (location, time)
    pairs. scikit-mobility enumerates every combination and scans every user per combination with pandas; here
    the distinct sub-multisets are enumerated depth-first (rarest locations first, prefixes shared) over an
    inverted index, stopping at risk 1. The quantity is the same, exactly.

    Unicity (de Montjoye, Hidalgo, Verleysen & Blondel, "Unique in the Crowd", Sci. Rep. 3:1376, 2013): draw p
    points at random from each sampled trace; the trace is unique if no other trace contains all of them;
    unicity is the share of sampled traces that are unique.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.risk.point_index import NO_POINT, PointIndex


def _codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return dense int codes of the distinct value tuples of some columns."""
    return frame.groupby(columns, sort=True, dropna=False).ngroup().to_numpy(np.int64)


def _as_list(columns: str | list[str] | tuple[str, ...]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _distinct_with_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the sorted distinct values and how often each occurs."""
    values = np.sort(values)
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    return values[starts], np.diff(np.concatenate([starts, [values.size]]))


class _MultisetIndex:
    """For every (point, multiplicity m): the users holding the point at least m times."""

    def __init__(self, user: np.ndarray, point: np.ndarray) -> None:
        self.n_points = int(point.max()) + 1
        key, count = _distinct_with_counts(user * self.n_points + point)
        self.keys = key
        self.count = count
        key_user = key // self.n_points
        key_point = key % self.n_points
        order = np.argsort(key_point, kind="stable")
        self.point_users = key_user[order]
        self.point_counts = count[order]
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(key_point, minlength=self.n_points))])
        self.user_offsets = np.concatenate([[0], np.cumsum(np.bincount(key_user))])
        self.key_point = key_point

    def holders(self, point: int, at_least: int) -> np.ndarray:
        """Return the sorted users holding ``point`` at least ``at_least`` times."""
        lo, hi = self.offsets[point], self.offsets[point + 1]
        users = self.point_users[lo:hi]
        return users[self.point_counts[lo:hi] >= at_least]

    def keep_holders(self, users: np.ndarray, point: int, at_least: int) -> np.ndarray:
        """Return the users among ``users`` holding ``point`` at least ``at_least`` times."""
        wanted = users * self.n_points + point
        where = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        found = (self.keys[where] == wanted) & (self.count[where] >= at_least)
        return users[found]


def _user_risk(index: _MultisetIndex, user: int, k: int) -> float:
    """Return risk(u): 1 / the smallest number of users containing a k-sub-multiset of u's records."""
    lo, hi = index.user_offsets[user], index.user_offsets[user + 1]
    points = index.key_point[lo:hi]
    counts = index.count[lo:hi]
    size = min(k, int(counts.sum()))
    rarity = index.offsets[points + 1] - index.offsets[points]
    order = np.lexsort((points, rarity))
    points, counts = points[order].tolist(), counts[order].tolist()
    tail = np.concatenate([np.cumsum(counts[::-1])[::-1], [0]]).tolist()
    best = [np.iinfo(np.int64).max]

    def descend(position: int, remaining: int, candidates: np.ndarray | None) -> bool:
        """Explore sub-multisets; return True once a unique one (count 1) is found."""
        if remaining == 0:
            best[0] = min(best[0], len(candidates))
            return best[0] == 1
        for i in range(position, len(points)):
            if tail[i] < remaining:
                return False
            for times in range(1, min(counts[i], remaining) + 1):
                if candidates is None:
                    kept = index.holders(points[i], times)
                else:
                    kept = index.keep_holders(candidates, points[i], times)
                if len(kept) == 1:
                    best[0] = 1
                    return True
                if descend(i + 1, remaining - times, kept):
                    return True
        return False

    if size == 0:
        return 0.0
    descend(0, size, None)
    return 1.0 / best[0]


def location_risk(df: pd.DataFrame, k: int, user: str = "uid", location: str | list[str] = "location",
                  time: str | list[str] | None = None, targets: list | None = None) -> pd.Series:
    """Return every user's location-attack risk, exactly as scikit-mobility's LocationAttack computes it.

    Works on any table of records, one row per record.

    Args:
        df: The records.
        k: Records the adversary knows (scikit-mobility's ``knowledge_length``), at least 1.
        user: Column naming the user.
        location: Column(s) naming the location (e.g. ``"zone"`` or ``["lat", "lng"]``).
        time: Column(s) of already discretised times; given, points are (location, time) pairs
            (LocationTimeAttack).
        targets: Users to assess (default: all).

    Returns:
        Risk in (0, 1] per user, indexed by user, named ``risk``.

    Raises:
        ValueError: If k < 1 or a named column is missing.
    """
    if k < 1:
        raise ValueError(f"k (known records) must be at least 1, got {k}")
    columns = [user, *_as_list(location), *(_as_list(time) if time is not None else [])]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the table; it has {list(df.columns)}")
    if df.empty:
        return pd.Series([], dtype=float, name="risk")
    users, labels = pd.factorize(df[user], sort=True)
    points = _codes(df, columns[1:])
    index = _MultisetIndex(users.astype(np.int64), points)
    wanted = range(len(labels)) if targets is None else labels.get_indexer(pd.Index(targets))
    if targets is not None and (np.asarray(wanted) < 0).any():
        raise ValueError("some targets are not users of the table")
    risks = [_user_risk(index, int(u), k) for u in wanted]
    return pd.Series(risks, index=labels[list(wanted)], name="risk", dtype=float)


def draw_known_points(trace: np.ndarray, point: np.ndarray, sampled: np.ndarray, p: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Draw the points of p random rows of each sampled trace.

    Every row gets one uniform priority (drawn for all rows, so the draw of a row does not depend on which
    traces are sampled); a trace's known points are those of its p lowest-priority rows (all rows if it has
    fewer). Raising p therefore only adds points, and mapping points to coarser ones keeps the same rows.

    Args:
        trace: Trace code of every row.
        point: Point code of every row.
        sampled: Trace codes to draw for.
        p: Rows per trace.
        rng: Random stream.

    Returns:
        int64 array (len(sampled), p) of point codes, NO_POINT as padding, aligned with ``sampled``.
    """
    priority = rng.integers(0, 2**31, size=len(trace), dtype=np.int32)  # the same values as int64 draws give
    n_traces = int(trace.max()) + 1 if trace.size else 0
    slot = np.full(n_traces, -1, dtype=np.int64)
    slot[sampled] = np.arange(len(sampled))
    is_sampled = np.zeros(n_traces, dtype=bool)
    is_sampled[sampled] = True
    rows = np.flatnonzero(is_sampled[trace])
    owner = trace[rows]
    # (priority, row) keys are distinct; a trace's r-th pick is its least key not yet picked (p min-scatters)
    key = (priority[rows].astype(np.int64) << 32) | rows
    known = np.full((len(sampled), p), NO_POINT, dtype=np.int64)
    for rank in range(p):
        least = np.full(n_traces, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(least, owner, key)
        picked = least[owner] == key
        known[slot[owner[picked]], rank] = point[rows[picked]]
        key = np.where(picked, np.iinfo(np.int64).max, key)
        if not (key < np.iinfo(np.int64).max).any():
            break
    return known


def unicity(traces: pd.DataFrame, p: int, rng: np.random.Generator, n_samples: int | None = None,
            trace: str = "trace", point: str | list[str] = "point") -> float:
    """Return the share of sampled traces singled out by p of their points (de Montjoye et al. 2013).

    The attacker learns the points of p rows drawn at random from the trace (rows are usually distinct
    points: drop duplicate rows first for de Montjoye's "p distinct points"); the trace is unique if no other
    trace contains all of those points. Traces with fewer than p rows reveal all their points.

    Args:
        traces: One row per record, columns ``trace`` and ``point`` (any hashable values).
        p: Points known, at least 1.
        rng: Random stream (samples traces, then draws points).
        n_samples: Traces sampled without replacement (None or more than there are: all).
        trace: Column naming the trace.
        point: Column(s) naming the point (e.g. ``["unit", "time"]``).

    Returns:
        The unicity in [0, 1] (0 for an empty table).

    Raises:
        ValueError: If p < 1 or a column is missing.
    """
    if p < 1:
        raise ValueError(f"p (known points) must be at least 1, got {p}")
    columns = [trace, *_as_list(point)]
    missing = [c for c in columns if c not in traces.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the table; it has {list(traces.columns)}")
    if traces.empty:
        return 0.0
    trace_code = pd.factorize(traces[trace], sort=True)[0].astype(np.int64)
    point_code = _codes(traces, columns[1:])
    counts, _ = unicity_counts(trace_code, point_code, p, rng, n_samples)
    return float(np.mean(counts == 1))


def unicity_counts(trace: np.ndarray, point: np.ndarray, p: int, rng: np.random.Generator,
                   n_samples: int | None = None, index: PointIndex | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each sampled trace, how many traces contain its p drawn points, and the sampled codes.

    Counts stop at 2 (two or more traces): whether a trace is unique is all a unicity needs.

    Args:
        trace: Dense non-negative trace code per row.
        point: Non-negative point code per row.
        p: Points known.
        rng: Random stream.
        n_samples: Traces sampled (None: all).
        index: A ``PointIndex`` already built over these rows (built here if None).

    Returns:
        ``(counts, sampled)``.
    """
    n_traces = int(trace.max()) + 1
    if n_samples is None or n_samples >= n_traces:
        sampled = np.arange(n_traces)
    else:
        sampled = np.sort(rng.choice(n_traces, size=n_samples, replace=False))
    known = draw_known_points(trace, point, sampled, p, rng)
    counts, _ = (index if index is not None else PointIndex(trace, point)).containing(known, at_most=2)
    return counts, sampled
