"""Person profiles: what an adversary holding several datasets puts together before it attacks.

A real data holder (an operator, a police force) does not attack each dataset alone. It
1. re-links each dataset's pseudonyms across key rotations into chains (``tracking``: one chain per device, as far
   as its tracker can follow it);
2. links the chains of every two datasets it may read by co-occurrence (``co_occurrence``: a phone and a transit
   card that keep meeting at the same station and hour are one person's);
3. treats every connected group of linked chains as one person's profile.
Identified datasets (raw plates, named cards, face alerts) take part like the others; a profile holding a named
record carries that name. The attacks of ``resident_attacks`` run on these profiles. Only released fields build
them; the truth (who really made each record) rides along for scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from simulation.metrics.risk.co_occurrence import ChainPoints, link_chains_across
from simulation.metrics.risk.point_index import PointIndex
from simulation.metrics.risk.traces import Traces, majority
from simulation.release import Release

LINK_COLUMNS = ["dataset_a", "dataset_b", "chains_a", "chains_b", "links", "correct", "precision"]


@dataclass(frozen=True, eq=False)
class Profiles:
    """Every readable record with a pseudonym, labelled with the profile the adversary put it in.

    Attributes:
        kinds: The datasets, in the order of ``kind`` codes.
        kind: Dataset code of every row (index into ``kinds``).
        profile: Profile of every row (dense codes from 0).
        point: Point code (released unit, time bin) of every row; equal across datasets.
        unit: Released unit of every row.
        time: Released time (minutes) of every row.
        resident: True resident of every row (scoring only; -1 if none).
        named: Whether the row names a person by itself (raw plate, named card, face alert).
        n_profiles: Number of profiles.
        links: One row per dataset pair: chains on each side, links accepted, links correct, precision.
        time_bin_minutes: Released time bin.
        index: Inverted index from points to the profiles holding them.
    """

    kinds: tuple[str, ...]
    kind: np.ndarray
    profile: np.ndarray
    point: np.ndarray
    unit: np.ndarray
    time: np.ndarray
    resident: np.ndarray
    named: np.ndarray
    n_profiles: int
    links: pd.DataFrame
    time_bin_minutes: int
    index: PointIndex

    @property
    def links_made(self) -> int:
        """Cross-dataset links accepted."""
        return int(self.links["links"].sum()) if len(self.links) else 0

    @property
    def links_correct(self) -> int:
        """Accepted cross-dataset links joining two chains of the same resident."""
        return int(self.links["correct"].sum()) if len(self.links) else 0


def _named_rows(release: Release, kind: str) -> np.ndarray:
    """Return the ``named`` flag of every row of a dataset that carries a pseudonym (the rows of its traces)."""
    frame = release.records[kind]
    if "named" not in frame:  # a release made without the flag: an identified dataset names everyone in it
        named = np.full(len(frame), kind in release.identified)
    else:
        named = frame["named"].to_numpy(bool)
    pseudonym = frame["pseudonym"].to_numpy()
    return named if (pseudonym != -1).all() else named[pseudonym != -1]


def build_profiles(release: Release, traces: dict[str, Traces], chains: dict[str, np.ndarray],
                   link_across: bool = True) -> Profiles:
    """Return the profiles of the readable datasets.

    Args:
        release: The release (for the ``named`` flags).
        traces: The readable datasets' traces, by kind.
        chains: For each kind, the chain of every trace (the first trace of its chain, from ``tracking``).
        link_across: Link chains of different datasets (False: every chain is its own profile).
    """
    kinds = tuple(sorted(traces))
    row_chain, n_chains, owners, indexes = {}, {}, {}, {}
    for kind in kinds:
        distinct, dense = np.unique(chains[kind], return_inverse=True)
        row_chain[kind] = dense.astype(np.int64)[traces[kind].trace]
        n_chains[kind] = len(distinct)
        owners[kind] = majority(row_chain[kind], traces[kind].resident, len(distinct))
    offset = dict(zip(kinds, np.cumsum([0] + [n_chains[k] for k in kinds])[:-1].tolist(), strict=True))
    n_nodes = sum(n_chains.values())
    left, right, rows = [np.empty(0, np.int64)], [np.empty(0, np.int64)], []
    for kind in kinds:
        indexes[kind] = ChainPoints.of(row_chain[kind], traces[kind].point, n_chains[kind])
    if link_across:
        for kind_a, kind_b in combinations(kinds, 2):
            a, b = link_chains_across(indexes[kind_a], indexes[kind_b])
            owner_a, owner_b = owners[kind_a][a], owners[kind_b][b]
            correct = int(((owner_a == owner_b) & (owner_a >= 0)).sum())
            rows.append({"dataset_a": kind_a, "dataset_b": kind_b, "chains_a": n_chains[kind_a],
                         "chains_b": n_chains[kind_b], "links": len(a), "correct": correct,
                         "precision": correct / len(a) if len(a) else float("nan")})
            left.append(offset[kind_a] + a)
            right.append(offset[kind_b] + b)
    edges_a, edges_b = np.concatenate(left), np.concatenate(right)
    graph = coo_matrix((np.ones(edges_a.size), (edges_a, edges_b)), shape=(n_nodes, n_nodes))
    n_profiles, component = connected_components(graph, directed=False)
    chain_pairs = [indexes[k].index.traces_and_points() for k in kinds]
    index = PointIndex(np.concatenate([component[offset[k] + chain] for k, (chain, _) in zip(kinds, chain_pairs,
                                                                                                 strict=True)]),
                       np.concatenate([point for _, point in chain_pairs]))
    kind_code = np.concatenate([np.full(len(traces[k].trace), i, dtype=np.int8) for i, k in enumerate(kinds)])
    return Profiles(
        kinds=kinds, kind=kind_code,
        profile=np.concatenate([component[offset[k] + row_chain[k]] for k in kinds]).astype(np.int64),
        point=np.concatenate([traces[k].point for k in kinds]),
        unit=np.concatenate([traces[k].unit.astype(np.int64) for k in kinds]),
        time=np.concatenate([traces[k].time.astype(np.int64) for k in kinds]),
        resident=np.concatenate([traces[k].resident for k in kinds]),
        named=np.concatenate([_named_rows(release, k) for k in kinds]),
        n_profiles=int(n_profiles), links=pd.DataFrame(rows, columns=LINK_COLUMNS),
        time_bin_minutes=min((traces[k].time_bin_minutes for k in kinds), default=60), index=index)
