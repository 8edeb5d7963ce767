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
    """What the adversary holds, labelled with the profiles it put together.

    A row is one distinct (trace, point) pair of a readable dataset: where and when a pseudonym was seen, however
    many records it left there (a meter reading every 30 minutes inside an hour bin is one point).

    Attributes:
        kinds: The datasets, in the order of ``kind`` codes.
        kind: Dataset code of every row (index into ``kinds``).
        profile: Profile of every row (dense codes from 0).
        point: Point code (released unit, time bin) of every row; equal across datasets.
        unit: Released unit of every row.
        time: Released time (minutes, start of the bin) of every row.
        resident: True owner of the row's trace, its most frequent resident (scoring only; -1 if none).
        n_profiles: Number of profiles.
        links: One row per dataset pair: chains on each side, links accepted, links correct, precision.
        time_bin_minutes: Released time bin.
        index: Inverted index from points to the profiles holding them.
        trace_profile: Profile of every trace (traces of all datasets, numbered one dataset after the other).
        trace_resident: True owner of every trace (scoring only; -1 if none).
        trace_named: Whether every trace holds a record that names a person by itself (raw plate, named card, face
            alert).
        trace_points: Rows (distinct points) of every trace.
    """

    kinds: tuple[str, ...]
    kind: np.ndarray
    profile: np.ndarray
    point: np.ndarray
    unit: np.ndarray
    time: np.ndarray
    resident: np.ndarray
    n_profiles: int
    links: pd.DataFrame
    time_bin_minutes: int
    index: PointIndex
    trace_profile: np.ndarray
    trace_resident: np.ndarray
    trace_named: np.ndarray
    trace_points: np.ndarray

    @property
    def links_made(self) -> int:
        """Cross-dataset links accepted."""
        return int(self.links["links"].sum()) if len(self.links) else 0

    @property
    def links_correct(self) -> int:
        """Accepted cross-dataset links joining two chains of the same resident."""
        return int(self.links["correct"].sum()) if len(self.links) else 0


def _named_traces(release: Release, kind: str, traces: Traces) -> np.ndarray:
    """Return whether each trace of a dataset holds a record that names a person by itself."""
    frame = release.records[kind]
    if "named" not in frame:  # a release made without the flag: an identified dataset names everyone in it
        return np.full(traces.n_traces, kind in release.identified)
    named = frame["named"].to_numpy(bool)
    pseudonym = frame["pseudonym"].to_numpy()
    named = named if (pseudonym != -1).all() else named[pseudonym != -1]
    return np.bincount(traces.trace[named], minlength=traces.n_traces) > 0


@dataclass(frozen=True, eq=False)
class LinkableDataset:
    """One dataset ready to be linked: its distinct (trace, point) pairs, their chains, and per-trace facts.

    Built per dataset once its chains are known (``of``); independent of the other datasets, so the assessment
    builds each beside that dataset's tracking, on whichever thread ran it.
    """

    chain: np.ndarray
    point: np.ndarray
    resident: np.ndarray
    n_chains: int
    chain_owner: np.ndarray
    index: ChainPoints
    trace_chain: np.ndarray
    trace_owner: np.ndarray
    trace_named: np.ndarray
    trace_points: np.ndarray

    @classmethod
    def of(cls, release: Release, kind: str, traces: Traces, chain_of_trace: np.ndarray) -> LinkableDataset:
        """Return the dataset of a release, given the chain of each of its traces."""
        pair_trace, point = (a.astype(np.int64) for a in traces.index.traces_and_points())
        distinct, dense = np.unique(chain_of_trace, return_inverse=True)
        trace_chain = dense.astype(np.int64).reshape(-1)
        chain = trace_chain[pair_trace]
        named = _named_traces(release, kind, traces)
        resident = traces.trace_owner[pair_trace]
        n_chains = len(distinct)
        if n_chains == traces.n_traces:  # every trace its own chain (keys never rotate): the trace index serves
            index = ChainPoints(traces.index, n_chains)
        else:
            index = ChainPoints.of(chain, point, n_chains)
        return cls(chain=chain, point=point, resident=resident, n_chains=n_chains,
                   chain_owner=majority(chain, resident, n_chains), index=index, trace_chain=trace_chain,
                   trace_owner=traces.trace_owner, trace_named=named,
                   trace_points=np.bincount(pair_trace, minlength=traces.n_traces))


def build_profiles(release: Release, traces: dict[str, Traces], chains: dict[str, np.ndarray],
                   link_across: bool = True, prepared: dict[str, LinkableDataset] | None = None) -> Profiles:
    """Return the profiles of the readable datasets.

    Args:
        release: The release (for the ``named`` flags).
        traces: The readable datasets' traces, by kind.
        chains: For each kind, the chain of every trace (the first trace of its chain, from ``tracking``).
        link_across: Link chains of different datasets (False: every chain is its own profile).
        prepared: Datasets already made ready with ``LinkableDataset.of`` (the others are made here).
    """
    kinds = tuple(sorted(traces))
    prepared = prepared or {}
    data = {kind: prepared.get(kind) or LinkableDataset.of(release, kind, traces[kind], chains[kind])
            for kind in kinds}
    offset = dict(zip(kinds, np.cumsum([0] + [data[k].n_chains for k in kinds])[:-1].tolist(), strict=True))
    n_nodes = sum(d.n_chains for d in data.values())
    left, right, rows = [np.empty(0, np.int64)], [np.empty(0, np.int64)], []
    if link_across:
        for kind_a, kind_b in combinations(kinds, 2):
            a, b = link_chains_across(data[kind_a].index, data[kind_b].index)
            owner_a, owner_b = data[kind_a].chain_owner[a], data[kind_b].chain_owner[b]
            correct = int(((owner_a == owner_b) & (owner_a >= 0)).sum())
            rows.append({"dataset_a": kind_a, "dataset_b": kind_b, "chains_a": data[kind_a].n_chains,
                         "chains_b": data[kind_b].n_chains, "links": len(a), "correct": correct,
                         "precision": correct / len(a) if len(a) else float("nan")})
            left.append(offset[kind_a] + a)
            right.append(offset[kind_b] + b)
    edges_a, edges_b = np.concatenate(left), np.concatenate(right)
    graph = coo_matrix((np.ones(edges_a.size), (edges_a, edges_b)), shape=(n_nodes, n_nodes))
    n_profiles, component = connected_components(graph, directed=False)
    profile = np.concatenate([component[offset[k] + data[k].chain] for k in kinds]).astype(np.int64)
    point = np.concatenate([data[k].point for k in kinds])
    bin_minutes = max(int(release.time_bin_minutes), 1)
    n_bins = release.horizon_minutes // bin_minutes + 1
    return Profiles(
        kinds=kinds, kind=np.concatenate([np.full(len(data[k].point), i, dtype=np.int8) for i, k in enumerate(kinds)]),
        profile=profile, point=point, unit=point // n_bins, time=(point % n_bins) * bin_minutes,
        resident=np.concatenate([data[k].resident for k in kinds]),
        n_profiles=int(n_profiles), links=pd.DataFrame(rows, columns=LINK_COLUMNS),
        time_bin_minutes=bin_minutes, index=PointIndex(profile, point),
        trace_profile=np.concatenate([component[offset[k] + data[k].trace_chain] for k in kinds]).astype(np.int64),
        trace_resident=np.concatenate([data[k].trace_owner for k in kinds]),
        trace_named=np.concatenate([data[k].trace_named for k in kinds]),
        trace_points=np.concatenate([data[k].trace_points for k in kinds]))
