"""The matchings behind tracking and linkage: exact optimum, and the greedy one's guarantees."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.matching import best_matching, greedy_matching, mix64, partial_matching

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


def sequential_greedy(left, right, weight) -> set[tuple[int, int]]:
    """The textbook greedy matching: walk the pairs in the documented order, keep each whose ends are free."""
    mix = mix64(mix64(left) ^ right.astype(np.uint64))
    used_left, used_right, kept = set(), set(), set()
    for i in np.lexsort((np.arange(len(left)), mix, -weight)):
        if left[i] not in used_left and right[i] not in used_right:
            used_left.add(int(left[i]))
            used_right.add(int(right[i]))
            kept.add((int(left[i]), int(right[i])))
    return kept


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(1, 3)), min_size=1, max_size=200))
def test_greedy_rounds_equal_the_sequential_greedy_with_many_ties(pairs):
    left, right, weight = (np.array(x) for x in zip(*pairs, strict=True))
    weight = weight.astype(float)
    got = greedy_matching(left, right, weight)
    assert set(zip(got[0].tolist(), got[1].tolist(), strict=True)) == sequential_greedy(left, right, weight)


def dense_optimum(left, right, cost, unmatched) -> float:
    """Least total cost of the matched pairs, from scipy's dense Hungarian solver (a non-pair costs as much as
    leaving both of its nodes unmatched, so the same pairs are optimal)."""
    from scipy.optimize import linear_sum_assignment

    matrix = np.full((left.max() + 1, right.max() + 1), unmatched)
    matrix[left, right] = cost
    rows, cols = linear_sum_assignment(matrix)
    chosen = matrix[rows, cols]
    return float(chosen[chosen < unmatched].sum()) - unmatched * int((chosen < unmatched).sum())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 29), st.integers(0, 4), st.integers(1, 9)), min_size=1, max_size=60,
                unique_by=lambda e: (e[0], e[1])), st.booleans())
def test_exact_matching_equals_the_dense_hungarian_optimum_on_lopsided_graphs(pairs, swap):
    left, right, cost = (np.array(x) for x in zip(*pairs, strict=True))
    if swap:
        left, right = right, left
    cost = cost.astype(float)
    unmatched = 10.0
    got_left, got_right = partial_matching(left, right, cost, unmatched=unmatched)
    assert len(set(got_left.tolist())) == len(got_left) and len(set(got_right.tolist())) == len(got_right)
    lookup = {(a, b): c for a, b, c in zip(left.tolist(), right.tolist(), cost.tolist(), strict=True)}
    total = sum(lookup[(a, b)] for a, b in zip(got_left.tolist(), got_right.tolist(), strict=True))
    assert total - unmatched * len(got_left) == dense_optimum(left, right, cost, unmatched)
    first_seen = {label: i for i, label in reversed(list(enumerate(left.tolist())))}
    assert [first_seen[a] for a in got_left.tolist()] == sorted(first_seen[a] for a in got_left.tolist())
