"""Exact minimum-cost partial matching on a sparse bipartite graph of candidate pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def partial_matching(left: np.ndarray, right: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match candidate pairs, each side at most once, at least total cost, preferring a match to none.

    Every left node also gets a private "unmatched" node costing more than any candidate, so a full matching of
    the left side always exists; scipy's sparse LAPJV (``min_weight_full_bipartite_matching``, the sparse
    counterpart of ``linear_sum_assignment``) then finds the exact optimum.

    Args:
        left: Left node of each candidate pair (any int labels).
        right: Right node of each candidate pair.
        cost: Positive cost of each candidate pair.

    Returns:
        The matched (left, right) labels.
    """
    if len(left) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rows, row_ids = pd.factorize(np.asarray(left))
    cols, col_ids = pd.factorize(np.asarray(right))
    n_rows, n_cols = len(row_ids), len(col_ids)
    cost = np.asarray(cost, dtype=float)
    unmatched = float(cost.max()) + 1.0
    graph = coo_matrix((np.concatenate([cost, np.full(n_rows, unmatched)]),
                        (np.concatenate([rows, np.arange(n_rows)]),
                         np.concatenate([cols, n_cols + np.arange(n_rows)]))),
                       shape=(n_rows, n_cols + n_rows)).tocsr()
    row_index, col_index = min_weight_full_bipartite_matching(graph)
    real = col_index < n_cols
    return np.asarray(row_ids)[row_index[real]], np.asarray(col_ids)[col_index[real]]
