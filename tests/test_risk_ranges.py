"""Range expansion against a plain loop."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulation.metrics.risk.ranges import expand_ranges


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 5)), max_size=30))
def test_expand_ranges_lists_every_index_of_every_range_in_order(ranges):
    starts = np.array([s for s, _ in ranges], dtype=np.int64)
    sizes = np.array([n for _, n in ranges], dtype=np.int64)
    owner, index = expand_ranges(starts, sizes)
    expected = [(i, s + k) for i, (s, n) in enumerate(ranges) for k in range(n)]
    assert list(zip(owner.tolist(), index.tolist(), strict=True)) == expected
