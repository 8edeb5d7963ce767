"""Block-at-a-time hashing gives exactly what hashing all rows at once gives."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.blockwise import dense_ranks, factorize_by_blocks, unique_by_blocks

ROWS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), min_size=0, max_size=60)


ORDERS = st.sampled_from(["any", "blocks", "keys"])
"""Rows in any order, in block order, or with the keys themselves in order (hashing skipped: runs read instead)."""


def keys_and_blocks(rows, order):
    """Keys (block, value) whose block is part of the key, as a cell's key holds its time bin."""
    rows = {"any": rows, "blocks": sorted(rows, key=lambda row: row[0]), "keys": sorted(rows)}[order]
    block = np.array([b for b, _ in rows], dtype=np.int64)
    return block * 10 + np.array([v for _, v in rows], dtype=np.int64), block


@settings(max_examples=150, deadline=None)
@given(ROWS, st.integers(1, 8), ORDERS)
def test_unique_by_blocks_equals_pandas_unique(rows, rows_per_block, order):
    key, block = keys_and_blocks(rows, order)
    assert np.array_equal(unique_by_blocks(key, block, rows_per_block), pd.unique(key))


@settings(max_examples=150, deadline=None)
@given(ROWS, st.integers(1, 8), ORDERS)
def test_factorize_by_blocks_equals_pandas_factorize(rows, rows_per_block, order):
    key, block = keys_and_blocks(rows, order)
    codes, n_distinct = factorize_by_blocks(key, block, rows_per_block)
    expected, uniques = pd.factorize(key)
    assert np.array_equal(codes, expected) and n_distinct == len(uniques)


@given(st.lists(st.integers(0, 40), max_size=60), st.sampled_from([np.int32, np.int64]))
def test_dense_ranks_equal_numpy_unique(values, dtype):
    values = np.array(values, dtype=np.int64)
    distinct, rank = dense_ranks(values, 41, dtype)
    expected, inverse = np.unique(values, return_inverse=True)
    assert np.array_equal(distinct, expected) and np.array_equal(rank, inverse) and rank.dtype == dtype
