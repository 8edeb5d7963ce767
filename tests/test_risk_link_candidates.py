"""The gated candidate links against a brute-force reading of their definition."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.link_candidates import (
    CANDIDATES_PER_TRACE,
    COST_STEPS,
    GAP_COST_PER_MINUTE,
    LINK_RADIUS_UNITS,
    MAX_GAP_MINUTES,
    candidate_links,
)

GRID = 4
CENTROID = np.array([[x, y] for y in range(GRID) for x in range(GRID)], dtype=float)


def brute_force(ends: pd.DataFrame, unit_width: float, bin_minutes: int) -> pd.DataFrame:
    """Every old trace: all gated appearances in the next epoch, the 4 earliest per unit, the 4 cheapest kept."""
    epochs = np.unique(ends["epoch"])
    step = np.searchsorted(epochs, ends["epoch"].to_numpy())
    first = ends["first_time"].to_numpy() + bin_minutes
    last = ends["last_time"].to_numpy() + bin_minutes
    rows = []
    for old in range(len(ends)):
        unit = ends["last_unit"].iat[old]
        since = max(last[old] - bin_minutes, 0)
        found = []
        for other in range(len(CENTROID)):
            distance = float(np.hypot(*(CENTROID[unit] - CENTROID[other]))) / unit_width
            if distance > LINK_RADIUS_UNITS:
                continue
            there = [n for n in range(len(ends))
                     if step[n] == step[old] + 1 and ends["first_unit"].iat[n] == other and first[n] >= since]
            there.sort(key=lambda n: (first[n], n))
            for rank, new in enumerate(there[:CANDIDATES_PER_TRACE]):
                gap = first[new] - last[old]
                if gap > MAX_GAP_MINUTES:
                    continue
                cost = 1.0 + distance + GAP_COST_PER_MINUTE * max(gap, 0)
                found.append((min(int(cost * 1000), COST_STEPS - 1), other, rank, new, cost))
        for _, _, _, new, cost in sorted(found)[:CANDIDATES_PER_TRACE]:
            rows.append((old, new, cost))
    return pd.DataFrame(rows, columns=["old", "new", "cost"]).astype({"old": np.int64, "new": np.int64, "cost": float})


TRACE = st.tuples(st.integers(0, 3), st.integers(0, 600), st.integers(0, 900), st.integers(0, GRID * GRID - 1),
                  st.integers(0, GRID * GRID - 1))


@settings(max_examples=150, deadline=None)
@given(traces=st.lists(TRACE, min_size=1, max_size=40), bin_minutes=st.sampled_from([15, 60]),
       unit_width=st.sampled_from([1.0, 2.0]), clustered=st.booleans())
def test_candidates_follow_the_definition(traces, bin_minutes, unit_width, clustered):
    epoch, start, length, first_unit, last_unit = (np.array(column) for column in zip(*traces, strict=True))
    if clustered:  # many traces vanishing from the same unit at the same time (a stationary sensor's case)
        start, length = start // 300 * 300, length // 450 * 450
        first_unit, last_unit = first_unit % 3, last_unit % 3
    first_time = epoch * 1000 + start
    ends = pd.DataFrame({"epoch": epoch, "first_time": first_time, "last_time": first_time + length,
                         "first_unit": first_unit, "last_unit": last_unit})
    got = candidate_links(ends, CENTROID, unit_width, bin_minutes)  # width 2: neighbours can beat the own unit
    expected = brute_force(ends, unit_width, bin_minutes)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_exact=False, rtol=1e-12)


def test_a_nearer_in_time_neighbour_beats_late_appearances_in_the_own_unit():
    # one pseudonym vanishes from unit 0 at minute 100; four appear there 600 minutes later, one in unit 1 at once
    ends = pd.DataFrame({"epoch": [0, 1, 1, 1, 1, 1], "first_time": [0, 700, 700, 700, 700, 100],
                         "last_time": [100, 710, 710, 710, 710, 110], "first_unit": [0, 0, 0, 0, 0, 1],
                         "last_unit": [0, 0, 0, 0, 0, 1]})
    got = candidate_links(ends, CENTROID, 2.0, 15)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), brute_force(ends, 2.0, 15), rtol=1e-12)
    assert got["new"].tolist() == [5, 1, 2, 3]
