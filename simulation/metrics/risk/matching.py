"""Exact minimum-cost partial matching on a sparse bipartite graph of candidate pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def partial_matching(left: np.ndarray, right: np.ndarray, cost: np.ndarray,
                     unmatched: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Match candidate pairs, each side at most once, at least total cost, preferring a match to none.

    Every node of the smaller side also gets a private "unmatched" node costing more than any candidate, so a full
    matching of that side always exists; scipy's sparse LAPJV (``min_weight_full_bipartite_matching``, the sparse
    counterpart of ``linear_sum_assignment``) then finds the exact optimum. Which side it is does not change the
    optima: either way a matching costs its pairs' costs minus ``unmatched`` per pair, plus a constant.

    Args:
        left: Left node of each candidate pair (any int labels).
        right: Right node of each candidate pair.
        cost: Positive cost of each candidate pair.
        unmatched: Cost of leaving a node unmatched (default: more than any pair).

    Returns:
        The matched (left, right) labels, in the order the left labels first appear.
    """
    if len(left) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rows, row_ids = pd.factorize(np.asarray(left))
    cols, col_ids = pd.factorize(np.asarray(right))
    n_rows, n_cols = len(row_ids), len(col_ids)
    cost = np.asarray(cost, dtype=float)
    unmatched = float(cost.max()) + 1.0 if unmatched is None else unmatched
    flipped = n_cols < n_rows
    if flipped:  # the smaller side as the rows: far fewer nodes for the solver
        rows, row_ids, cols, col_ids, n_rows, n_cols = cols, col_ids, rows, row_ids, n_cols, n_rows
    graph = coo_matrix((np.concatenate([cost, np.full(n_rows, unmatched)]),
                        (np.concatenate([rows, np.arange(n_rows)]),
                         np.concatenate([cols, n_cols + np.arange(n_rows)]))),
                       shape=(n_rows, n_cols + n_rows)).tocsr()
    row_index, col_index = min_weight_full_bipartite_matching(graph)
    real = col_index < n_cols
    row_index, col_index = row_index[real], col_index[real]
    if flipped:  # back to left and right, in the left side's order of first appearance
        order = np.argsort(col_index)
        return np.asarray(col_ids)[col_index[order]], np.asarray(row_ids)[row_index[order]]
    return np.asarray(row_ids)[row_index], np.asarray(col_ids)[col_index]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(value: np.ndarray) -> np.ndarray:
    """Return the SplitMix64 finalizer of each value (Steele, Lea and Flood, OOPSLA 2014).

    A fixed bijection of uint64 that spreads neighbouring inputs over the whole range.
    """
    z = np.asarray(value).astype(np.uint64) * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


EXACT_LIMIT = 20_000
"""Candidate pairs up to which the matching is solved exactly; above it the greedy matching is used."""


def greedy_matching(left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match candidate pairs, each side at most once, heaviest pairs first (the greedy maximum-weight matching).

    The order is: heavier first; among equal weights, a fixed pseudo-random mix of the pair (``mix64`` of both
    ends: an ordered tie-break makes long chains of rounds, and a weak mix would let the order of the simulation's
    trace codes, which follows the raw identifiers, steer the ties), then the input order. Computed in
    vectorised rounds of locally dominant pairs (first in that order at both of its ends among the pairs still
    free; Preis, STACS 1999), which yields exactly the sequential greedy matching: at least half the optimum's
    weight, and the optimum itself whenever every node's best candidate is mutual, as with well-separated traces.
    Each round finds every node's first pair with three scatters (largest weight, then smallest mix, then first
    position), so nothing is sorted.

    Args:
        left: Left node of each candidate pair (non-negative ints).
        right: Right node of each candidate pair (non-negative ints).
        weight: Weight of each candidate pair (larger is better).

    Returns:
        The matched (left, right) labels, in the order they were matched round by round.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    weight = np.asarray(weight, dtype=float)
    mix = mix64(mix64(left) ^ right.astype(np.uint64))
    n_left = int(left.max()) + 1 if left.size else 0
    n_right = int(right.max()) + 1 if right.size else 0
    left_free = np.ones(n_left, dtype=bool)
    right_free = np.ones(n_right, dtype=bool)
    alive = np.arange(left.size)
    alive_left, alive_right, alive_weight, alive_mix = left, right, weight, mix  # round one: every pair, no copies
    chosen = []
    while alive.size:
        first_at_left = first_at_node(alive_left, alive_weight, alive_mix, alive, n_left)
        first_at_right = first_at_node(alive_right, alive_weight, alive_mix, alive, n_right)
        dominant = alive[first_at_left & first_at_right]
        chosen.append(dominant)
        left_free[left[dominant]] = False
        right_free[right[dominant]] = False
        still = left_free[alive_left] & right_free[alive_right]
        alive = alive[still]
        alive_left, alive_right = alive_left[still], alive_right[still]
        alive_weight, alive_mix = alive_weight[still], alive_mix[still]
    picked = np.concatenate(chosen) if chosen else np.empty(0, np.int64)
    return left[picked], right[picked]


def first_at_node(node: np.ndarray, weight: np.ndarray, mix: np.ndarray, position: np.ndarray,
                   n_nodes: int) -> np.ndarray:
    """Return whether each pair comes first at its node (largest weight, then smallest mix, then position).

    Shared by both greedy matchings (the class matching passes minus its costs as weights).
    """
    best_weight = np.full(n_nodes, -np.inf)
    np.maximum.at(best_weight, node, weight)
    top = weight == best_weight[node]
    best_mix = np.full(n_nodes, np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(best_mix, node[top], mix[top])
    top &= mix == best_mix[node]
    if not (np.bincount(node[top], minlength=n_nodes) > 1).any():
        return top  # the usual case: weight and mix already single out one pair per node
    best_position = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best_position, node[top], position[top])
    return top & (position == best_position[node])


def best_matching(left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the maximum-weight matching of positive-weight candidates: exact up to EXACT_LIMIT pairs, else greedy.

    Args:
        left: Left node of each candidate pair (non-negative ints).
        right: Right node of each candidate pair (non-negative ints).
        weight: Positive weight of each candidate pair.
    """
    weight = np.asarray(weight, dtype=float)
    if len(weight) <= EXACT_LIMIT:
        top = float(weight.max(initial=0.0)) + 1.0
        return partial_matching(left, right, top - weight, unmatched=top)
    return greedy_matching(left, right, weight)
