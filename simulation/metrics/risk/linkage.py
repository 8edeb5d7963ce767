"""Cross-dataset linkage of pseudonymous traces to identified ones by co-occurrence.

Definition (Kondor, Hashemian, de Montjoye and Ratti, "Towards matching user mobility traces in large-scale
datasets", IEEE Trans. Big Data, 2020; Riederer, Kim, Chaintreau, Korula and Lattanzi, "Linking users across
domains with location data", WWW 2016): when the adversary's role may read a pseudonymous record dataset A and
an identified one B (raw plates, named cards, face matches), every pair of traces (a, b) that share (released
unit, time bin) points gets the score w(a, b) = sum over shared points of log(T_A T_B / (n_A(x) n_B(x))), where
n(x) counts the traces at point x and T the traces of the dataset (rare co-occurrences weigh more, as in
Riederer's likelihood ratio). Pairs sharing fewer than MIN_SHARED_POINTS points are not candidates. The
maximum-weight matching of the candidates (exact up to matching.EXACT_LIMIT candidate pairs, greedy beyond)
links each trace of A to at most one of B, and each trace of B to at most one trace of A per key epoch of A (a
person carries one device pseudonym at a time); the link names the person of b.

risk = over the dataset pairs the role can join, the largest share of A's traces linked to a trace of the same
resident. Breakdown per dataset pair: traces, links made, links correct, share linked correctly.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.matching import best_matching
from simulation.metrics.risk.ranges import expand_ranges
from simulation.metrics.risk.traces import Traces, readable_traces

MIN_SHARED_POINTS = 2
"""Co-occurrences a pair of traces needs to be a candidate link."""


def shared_points(a: Traces, b: Traces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every (trace of a, trace of b) pair at a point both hold, with that point's weight.

    Walks the two point indexes together: at each point held in both datasets, every trace of a there meets
    every trace of b there; the weight is log(T_A T_B / (n_A(x) n_B(x))).
    """
    index_a, index_b = a.index, b.index
    n_points = min(index_a.n_points, index_b.n_points)
    common = np.flatnonzero((index_a.sizes[:n_points] > 0) & (index_b.sizes[:n_points] > 0))
    size_a, size_b = index_a.sizes[common], index_b.sizes[common]
    meetings = size_a * size_b
    at, rank = expand_ranges(np.zeros(common.size, dtype=np.int64), meetings)
    trace_a = index_a.posting[index_a.offsets[common][at] + rank // size_b[at]].astype(np.int64)
    trace_b = index_b.posting[index_b.offsets[common][at] + rank % size_b[at]].astype(np.int64)
    weight = np.log(a.n_traces * b.n_traces / meetings.astype(float))[at]
    return trace_a, trace_b, weight


def co_occurrence_links(a: Traces, b: Traces) -> tuple[np.ndarray, np.ndarray]:
    """Return the (trace of a, trace of b) links of the maximum-weight co-occurrence matching.

    Reads only released fields (units, times, pseudonyms), never the truth.
    """
    trace_a, trace_b, weight = shared_points(a, b)
    if trace_a.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pair, pairs = pd.factorize(trace_a * b.n_traces + trace_b, sort=True)
    total = np.bincount(pair, weights=weight, minlength=len(pairs))
    shared = np.bincount(pair, minlength=len(pairs))
    keep = (shared >= MIN_SHARED_POINTS) & (total > 0)
    if not keep.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    trace_a, trace_b, weight = pairs[keep] // b.n_traces, pairs[keep] % b.n_traces, total[keep]
    # one device per trace of a within a key epoch, but one person may hold a trace in every epoch
    per_epoch_b = a.trace_epoch[trace_a] * b.n_traces + trace_b
    left, right = best_matching(trace_a, per_epoch_b, weight)
    return left, right % b.n_traces


_CACHE: weakref.WeakKeyDictionary[AssessmentContext, tuple[MetricResult, dict[str, np.ndarray]]] = \
    weakref.WeakKeyDictionary()


def _attack(ctx: AssessmentContext) -> tuple[MetricResult, dict[str, np.ndarray]]:
    if ctx in _CACHE:
        return _CACHE[ctx]
    traces = readable_traces(ctx.release, ctx.config.adversary.role)
    identified = [kind for kind in traces if kind in ctx.release.identified]
    pseudonymous = [kind for kind in traces if kind not in ctx.release.identified]
    rows, linked = [], {}
    for kind_a in pseudonymous:
        correct_traces = []
        for kind_b in identified:
            a, b = co_occurrence_links(traces[kind_a], traces[kind_b])
            owner_a, owner_b = traces[kind_a].trace_owner[a], traces[kind_b].trace_owner[b]
            right = (owner_a == owner_b) & (owner_a >= 0)
            correct_traces.append(a[right])
            rows.append({"dataset": kind_a, "identified": kind_b, "traces": traces[kind_a].n_traces,
                         "links": len(a), "correct": int(right.sum()),
                         "linkage": float(right.sum() / traces[kind_a].n_traces)})
        linked[kind_a] = np.unique(np.concatenate(correct_traces)) if correct_traces else np.empty(0, np.int64)
    breakdown = pd.DataFrame(rows, columns=["dataset", "identified", "traces", "links", "correct", "linkage"])
    value = float(breakdown["linkage"].max()) if rows else 0.0
    _CACHE[ctx] = (MetricResult("risk_linkage", value, breakdown), linked)
    return _CACHE[ctx]


def linked_traces(ctx: AssessmentContext) -> dict[str, np.ndarray]:
    """Return, per readable pseudonymous dataset, the traces linked correctly to an identified dataset."""
    return _attack(ctx)[1]


def risk_linkage(ctx: AssessmentContext) -> MetricResult:
    """Return the largest share of pseudonymous traces linked correctly to an identified dataset."""
    return _attack(ctx)[0]
