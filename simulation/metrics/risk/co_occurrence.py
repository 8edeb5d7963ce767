"""Linking the pseudonymous chains of two datasets by co-occurrence, with a score and an acceptance rule.

Definition (Kondor, Hashemian, de Montjoye and Ratti, "Towards matching user mobility traces in large-scale
datasets", IEEE Trans. Big Data, 2020; the score of Riederer, Kim, Chaintreau, Korula and Lattanzi, "Linking users
across domains with location data", WWW 2016; the acceptance rule of Narayanan and Shmatikov, "Robust
de-anonymization of large sparse datasets", IEEE S&P 2008): the adversary holds two record datasets A and B and,
in each, the chains of pseudonyms its tracker has already re-linked across key rotations (``tracking``). A point
is a (released unit, time bin) pair; both datasets share the release's units and bins. Every pair of chains (a, b)
that hold a common point x gets

    score(a, b) = sum over shared points x of log(C_A C_B / (n_A(x) n_B(x)))

where n(x) counts the chains holding x and C the chains of the dataset: a meeting at a rare place and hour weighs
more than one at a busy station at rush hour (a likelihood ratio against chance). A pair is a candidate when it
shares at least MIN_SHARED_POINTS points. The link (a, b) is accepted when

1. b is a's best candidate and a is b's best candidate (each unique: ties accept nothing), and
2. the best score beats the runner-up on either side by the factor MARGIN (Narayanan and Shmatikov's
   "eccentricity": a match that stands out from the next best is unlikely to be chance).

The rule reads only released fields (units, times, pseudonyms); the truth scores the accepted links afterwards.

Cost: points held by more than MAX_MEETINGS_PER_POINT chain pairs (n_A(x) n_B(x) above it: the busiest places and
hours, whose weight is the smallest) are skipped, so the work is at most MAX_MEETINGS_PER_POINT pairs per point:
linear in the number of distinct points, never quadratic in the number of chains. Measured figures are in
bench/README.md ("Co-occurrence linkage").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.metrics.risk.point_index import PointIndex
from simulation.metrics.risk.ranges import expand_ranges

MIN_SHARED_POINTS = 2
"""Points a pair of chains must share to be a candidate link."""
MARGIN = 1.5
"""How many times the runner-up's score the best score must reach on both sides for a link to be accepted."""
MAX_MEETINGS_PER_POINT = 400
"""Points where more chain pairs meet than this are skipped (the cost bound; they carry the least weight)."""


@dataclass(frozen=True, eq=False)
class ChainPoints:
    """The distinct (chain, point) pairs of one dataset, indexed by point.

    Attributes:
        index: Inverted index from point codes to the chains holding them.
        n_chains: Number of chains (dense codes from 0).
    """

    index: PointIndex
    n_chains: int

    @classmethod
    def of(cls, chain_of_row: np.ndarray, point: np.ndarray, n_chains: int) -> ChainPoints:
        """Return the index of rows whose chain (dense code) and point are given."""
        return cls(PointIndex(chain_of_row, point), n_chains)


def meetings(a: ChainPoints, b: ChainPoints) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every (chain of a, chain of b) pair at a point both hold, with that point's weight.

    Points where more than MAX_MEETINGS_PER_POINT pairs meet are skipped.
    """
    index_a, index_b = a.index, b.index
    n_points = min(index_a.n_points, index_b.n_points)
    size_a, size_b = index_a.sizes[:n_points], index_b.sizes[:n_points]
    pairs = size_a.astype(np.int64) * size_b
    common = np.flatnonzero((pairs > 0) & (pairs <= MAX_MEETINGS_PER_POINT))
    size_a, size_b, pairs = size_a[common], size_b[common], pairs[common]
    at, rank = expand_ranges(np.zeros(common.size, dtype=np.int64), pairs)
    chain_a = index_a.posting[index_a.offsets[common][at] + rank // size_b[at]].astype(np.int64)
    chain_b = index_b.posting[index_b.offsets[common][at] + rank % size_b[at]].astype(np.int64)
    weight = np.log(float(a.n_chains) * float(b.n_chains) / pairs.astype(float))[at]
    return chain_a, chain_b, weight


def pair_scores(a: ChainPoints, b: ChainPoints) -> pd.DataFrame:
    """Return the candidate pairs (columns a, b, shared, score): pairs sharing at least MIN_SHARED_POINTS points."""
    chain_a, chain_b, weight = meetings(a, b)
    if chain_a.size == 0:
        return pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64),
                             "shared": np.empty(0, np.int64), "score": np.empty(0)})
    pair, distinct = pd.factorize(chain_a * b.n_chains + chain_b)
    shared = np.bincount(pair, minlength=len(distinct))
    score = np.bincount(pair, weights=weight, minlength=len(distinct))
    keep = shared >= MIN_SHARED_POINTS
    distinct = np.asarray(distinct)[keep]
    return pd.DataFrame({"a": distinct // b.n_chains, "b": distinct % b.n_chains, "shared": shared[keep],
                         "score": score[keep]})


def _best_and_runner_up(node: np.ndarray, score: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per node: the position of its best pair (-1 if none or tied), the best score and the runner-up's."""
    order = np.lexsort((-score, node))
    node_sorted, score_sorted = node[order], score[order]
    first = np.flatnonzero(np.concatenate([[True], node_sorted[1:] != node_sorted[:-1]])) if node.size else order
    best_position = np.full(n_nodes, -1, dtype=np.int64)
    best_score = np.zeros(n_nodes)
    runner_up = np.zeros(n_nodes)
    if node.size == 0:
        return best_position, best_score, runner_up
    owners = node_sorted[first]
    best_position[owners] = order[first]
    best_score[owners] = score_sorted[first]
    second = first + 1
    has_second = second < node.size
    has_second[has_second] = node_sorted[second[has_second]] == owners[has_second]
    runner_up[owners[has_second]] = score_sorted[second[has_second]]
    tied = has_second & (runner_up[owners] >= best_score[owners])
    best_position[owners[tied]] = -1
    return best_position, best_score, runner_up


def accepted_links(candidates: pd.DataFrame, n_a: int, n_b: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the (chain of a, chain of b) links the acceptance rule keeps (module docstring).

    Args:
        candidates: Columns a, b, score (from :func:`pair_scores`).
        n_a: Chains of dataset a.
        n_b: Chains of dataset b.
    """
    a = candidates["a"].to_numpy(np.int64)
    b = candidates["b"].to_numpy(np.int64)
    score = candidates["score"].to_numpy(float)
    best_of_a, best_a, runner_a = _best_and_runner_up(a, score, n_a)
    best_of_b, _, runner_b = _best_and_runner_up(b, score, n_b)
    chosen = best_of_a[best_of_a >= 0]
    mutual = best_of_b[b[chosen]] == chosen
    chosen = chosen[mutual]
    margin = best_a[a[chosen]] >= MARGIN * np.maximum(runner_a[a[chosen]], runner_b[b[chosen]])
    chosen = np.sort(chosen[margin])
    return a[chosen], b[chosen]


def link_chains_across(a: ChainPoints, b: ChainPoints) -> tuple[np.ndarray, np.ndarray]:
    """Return the accepted links between the chains of two datasets (score and rule in the module docstring)."""
    return accepted_links(pair_scores(a, b), a.n_chains, b.n_chains)
