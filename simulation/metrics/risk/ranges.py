"""Expanding index ranges without a Python loop: the walk shared by the point index, linkage and re-identification."""

from __future__ import annotations

import numpy as np


def expand_ranges(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return every element of the ranges ``starts[i] .. starts[i] + sizes[i] - 1``, laid end to end.

    Args:
        starts: First index of each range.
        sizes: Length of each range (non-negative).

    Returns:
        ``(owner, index)``: the range each element belongs to, and the element's index.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    owner = np.repeat(np.arange(sizes.size), sizes)
    index = np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(sizes) - sizes), sizes)
    index += np.arange(owner.size)  # in place: one large array fewer to allocate
    return owner, index
