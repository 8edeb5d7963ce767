"""The compiled containment count of the point index against a brute force over Python sets."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.point_index import NO_POINT, PointIndex


def brute_containing(trace: list[int], point: list[int], queries: list[list[int]]) -> tuple[list[int], list[int]]:
    """How many traces hold every (non-padding) point of each query, and which one when exactly one does."""
    held: dict[int, set[int]] = {}
    for t, p in zip(trace, point, strict=True):
        held.setdefault(t, set()).add(p)
    counts, match = [], []
    for query in queries:
        wanted = {p for p in query if p != NO_POINT}
        holders = sorted(t for t, points in held.items() if wanted and wanted <= points)
        counts.append(len(holders))
        match.append(holders[0] if len(holders) == 1 else -1)
    return counts, match


rows = st.lists(st.tuples(st.integers(0, 25), st.integers(0, 12)), min_size=1, max_size=120)
query_cells = st.one_of(st.integers(0, 15), st.just(NO_POINT))  # 13..15: points no trace holds


@settings(max_examples=300, deadline=None)
@given(rows=rows, queries=st.lists(st.lists(query_cells, min_size=3, max_size=3), min_size=1, max_size=40),
       at_most=st.sampled_from([None, 2, 3]))
def test_containing_equals_a_brute_force(rows, queries, at_most):
    trace = [t for t, _ in rows]
    point = [p for _, p in rows]
    counts, match = PointIndex(np.array(trace), np.array(point)).containing(np.array(queries), at_most=at_most)
    expected_counts, expected_match = brute_containing(trace, point, queries)
    assert counts.tolist() == [min(c, at_most or c) for c in expected_counts]
    assert match.tolist() == expected_match


def test_a_trace_drawn_from_is_always_among_the_holders():
    rng = np.random.default_rng(7)
    trace = rng.integers(0, 300, 5000)
    point = rng.integers(0, 40, 5000)
    index = PointIndex(trace, point)
    rows = rng.choice(5000, size=(200, 2))
    queries = point[rows]
    same_trace = trace[rows[:, 0]] == trace[rows[:, 1]]
    counts, match = index.containing(queries)
    assert (counts >= 1)[same_trace].all()
    assert (match[same_trace & (counts == 1)] == trace[rows[same_trace & (counts == 1), 0]]).all()
