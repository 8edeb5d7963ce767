"""Unicity of the released pseudonymous traces.

Definition (de Montjoye, Hidalgo, Verleysen & Blondel, "Unique in the Crowd: The privacy bounds of human
mobility", Sci. Rep. 3:1376, 2013): a trace is the set of its (released unit, time bin) points. For each sampled
trace draw p of its distinct points at random (p = ``adversary.known_points``); the trace is singled out if no
other trace of the same dataset contains all p. Unicity epsilon_p is the share of sampled traces singled out.
Computed on every record dataset the adversary's role may read, trace by trace: a measure of each dataset, used
to check the model against the published unicity curves. The per-resident risk (``risk_unicity``, a share of
residents) runs on the adversary's linked profiles instead (``resident_attacks``).
At most SAMPLED_TRACES traces are sampled per dataset (the paper sampled 10,000 users); the index is built
over every trace, so sampling only adds sampling error (about +-1 point at 2,000 samples).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.location_attack import unicity_counts
from simulation.metrics.risk.traces import readable_traces

SAMPLED_TRACES = 2000
"""Traces sampled per dataset."""


def trace_unicity(ctx: AssessmentContext) -> MetricResult:
    """Return the largest trace unicity over the datasets the adversary may read, per dataset in the breakdown."""
    p = ctx.config.adversary.known_points
    rows = []
    for kind, traces in readable_traces(ctx.release, ctx.config.adversary.role).items():
        trace, point = traces.distinct
        counts, _ = unicity_counts(trace, point, p, ctx.rng(f"unicity_{kind}"), SAMPLED_TRACES, traces.index)
        rows.append({"dataset": kind, "traces": traces.n_traces, "sampled": len(counts),
                     "known_points": p, "unicity": float(np.mean(counts == 1))})
    breakdown = pd.DataFrame(rows, columns=["dataset", "traces", "sampled", "known_points", "unicity"])
    value = float(breakdown["unicity"].max()) if rows else 0.0
    return MetricResult("trace_unicity", value, breakdown)
