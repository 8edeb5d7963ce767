"""The matchings behind tracking and linkage: exact optimum, and the greedy one's guarantees."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.matching import best_matching, greedy_matching

edges = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 20)), min_size=1, max_size=10,
                 unique_by=lambda e: (e[0], e[1]))


def brute_force_best_weight(pairs) -> int:
    best = 0
    for size in range(1, len(pairs) + 1):
        for chosen in itertools.combinations(pairs, size):
            lefts, rights = [c[0] for c in chosen], [c[1] for c in chosen]
            if len(set(lefts)) == size and len(set(rights)) == size:
                best = max(best, sum(c[2] for c in chosen))
    return best


def weight_of(pairs, left, right) -> int:
    lookup = {(a, b): w for a, b, w in pairs}
    assert len(set(left)) == len(left) and len(set(right)) == len(right)
    return sum(lookup[(a, b)] for a, b in zip(left, right, strict=True))


@settings(max_examples=80, deadline=None)
@given(edges)
def test_exact_matching_finds_the_maximum_weight(pairs):
    left, right, weight = (np.array(x) for x in zip(*pairs, strict=True))
    best = brute_force_best_weight(pairs)
    assert weight_of(pairs, *best_matching(left, right, weight)) == best
    greedy = weight_of(pairs, *greedy_matching(left, right, weight))
    assert 2 * greedy >= best
    assert greedy <= best


def test_greedy_equals_exact_when_best_candidates_are_mutual():
    left, right, weight = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 2]), np.array([9.0, 1.0, 2.0, 8.0, 5.0])
    got = greedy_matching(left, right, weight)
    assert sorted(zip(*got, strict=True)) == [(0, 0), (1, 1), (2, 2)]
