"""Tracking: the share of each resident's time an attacker can follow, re-linking pseudonyms across key rotations.

Definition: within a key epoch, a pseudonymous trace follows one device. At every key rotation the attacker
links each old pseudonym to a new one by where the old one disappears and the new one appears, as a
multi-target tracker does (Gruteser and Hoh, SPC 2005; Hoh, Gruteser, Xiong and Alrabady, "Preserving privacy
in GPS traces via uncertainty-aware path cloaking", CCS 2007, time-to-confusion): the prediction is the old
pseudonym's last released unit; a new pseudonym is a candidate only if its first unit is that unit or a
neighbouring one (centroids within LINK_RADIUS_UNITS unit widths) and it appears within MAX_GAP_MINUTES; the
assignment minimising total distance (plus a small time-gap term) is found exactly (minimum-weight bipartite
matching, the sparse counterpart of scipy's ``linear_sum_assignment``). Linked traces form chains.

Score: a resident's tracked hours are the hours in which the chain holding most of their records holds a
record truly theirs. risk = mean over residents of (best tracked hours over readable datasets) / hours in the
horizon. Breakdown per dataset: rotations, links made, link accuracy (share of links joining the same
resident's traces), mean chain duration, mean tracked hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.matching import partial_matching
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.risk.traces import Traces, readable_traces

MAX_GAP_MINUTES = 720
"""Longest gap between an old pseudonym's last record and a new one's first for a link."""
LINK_RADIUS_UNITS = 1.5
"""Largest centroid distance (in released-unit widths) between the disappearance and the appearance."""
GAP_COST_PER_MINUTE = 0.001
"""Cost (in unit widths) of each minute between disappearance and appearance, breaking distance ties."""


def unit_centroids(zone_x: np.ndarray, zone_y: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Return the (x, y) centroid, in zone widths, of every released unit."""
    n_units = int(units.max()) + 1
    count = np.maximum(np.bincount(units, minlength=n_units), 1)
    return np.stack([np.bincount(units, zone_x, n_units) / count, np.bincount(units, zone_y, n_units) / count], 1)


def _ends(traces: Traces) -> pd.DataFrame:
    """Return each trace's epoch, first and last time, first and last unit."""
    order = np.lexsort((traces.time, traces.trace))
    trace = traces.trace[order]
    first = np.concatenate([[True], trace[1:] != trace[:-1]])
    last = np.concatenate([trace[1:] != trace[:-1], [True]])
    return pd.DataFrame({"epoch": traces.trace_epoch, "first_time": traces.time[order][first],
                         "last_time": traces.time[order][last], "first_unit": traces.unit[order][first],
                         "last_unit": traces.unit[order][last]})


def _link_boundary(old: pd.DataFrame, new: pd.DataFrame, centroid: np.ndarray, unit_width: float,
                   bin_minutes: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (old trace, new trace) pairs linked across one rotation."""
    near = _near_units(centroid, unit_width)
    edges = old.reset_index(names="old").merge(near, left_on="last_unit", right_on="a")
    edges = edges.merge(new.reset_index(names="new"), left_on="b", right_on="first_unit", suffixes=("", "_new"))
    gap = edges["first_time_new"].to_numpy() - edges["last_time"].to_numpy()
    edges = edges[(gap >= -bin_minutes) & (gap <= MAX_GAP_MINUTES)]
    if edges.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    cost = 1.0 + edges["distance"].to_numpy() + GAP_COST_PER_MINUTE * np.abs(
        edges["first_time_new"].to_numpy() - edges["last_time"].to_numpy())
    return partial_matching(edges["old"].to_numpy(), edges["new"].to_numpy(), cost)


_NEAR: dict[tuple[bytes, float], pd.DataFrame] = {}


def _near_units(centroid: np.ndarray, unit_width: float) -> pd.DataFrame:
    """Return the (a, b, distance in unit widths) pairs of units within LINK_RADIUS_UNITS of each other."""
    key = (centroid.tobytes(), unit_width)
    if key not in _NEAR:
        d = np.hypot(*(centroid[:, None, :] - centroid[None, :, :]).transpose(2, 0, 1)) / unit_width
        a, b = np.nonzero(d <= LINK_RADIUS_UNITS)
        _NEAR.clear()
        _NEAR[key] = pd.DataFrame({"a": a, "b": b, "distance": d[a, b]})
    return _NEAR[key]


def link_chains(traces: Traces, centroid: np.ndarray, unit_width: float,
                link: bool = True) -> tuple[np.ndarray, list[dict]]:
    """Return the chain of every trace and one summary per rotation (links made, links correct).

    Args:
        traces: One dataset's traces.
        centroid: Unit centroids (zone widths).
        unit_width: Typical released-unit width in zone widths.
        link: Re-link pseudonyms across rotations (False: every trace is its own chain).
    """
    chain = np.arange(traces.n_traces)
    epochs = np.unique(traces.trace_epoch)
    rotations = []
    if not link or len(epochs) < 2:
        return chain, rotations
    ends = _ends(traces)
    for before, after in zip(epochs[:-1], epochs[1:], strict=True):
        old = ends[ends["epoch"] == before]
        new = ends[ends["epoch"] == after]
        a, b = _link_boundary(old, new, centroid, unit_width, traces.time_bin_minutes)
        chain[b] = chain[a]
        owner = traces.trace_owner
        rotations.append({"epoch": int(after), "old": len(old), "links": len(a),
                          "correct": int(np.sum((owner[a] == owner[b]) & (owner[a] >= 0)))})
    return chain, rotations


def tracked_hours(traces: Traces, chain: np.ndarray, n_residents: int) -> np.ndarray:
    """Return, per resident, the hours in which their best chain holds a record truly theirs."""
    owned = traces.resident >= 0
    hours = int(traces.time.max()) // 60 + 1 if traces.time.size else 1
    resident = traces.resident[owned]
    key = sorted_unique((chain[traces.trace[owned]] * n_residents + resident) * hours + traces.time[owned] // 60)
    pair = key // hours
    distinct, counts = np.unique(pair, return_counts=True)
    best = np.zeros(n_residents, dtype=np.int64)
    np.maximum.at(best, distinct % n_residents, counts)
    return best


def tracking(ctx: AssessmentContext, link: bool = True) -> MetricResult:
    """Return the tracking risk, optionally without re-linking across rotations."""
    world, release = ctx.world, ctx.release
    units = np.asarray(release.units)
    zones = world.city.zones
    centroid = unit_centroids(zones["x"].to_numpy(float), zones["y"].to_numpy(float), units)
    unit_width = float(np.sqrt(len(units) / (int(units.max()) + 1))) if len(units) else 1.0
    horizon_hours = max(release.horizon_minutes / 60.0, 1.0)
    best = np.zeros(world.n_residents, dtype=np.int64)
    rows = []
    for kind, traces in readable_traces(release, ctx.config.adversary.role).items():
        chain, rotations = link_chains(traces, centroid, unit_width, link)
        hours = tracked_hours(traces, chain, world.n_residents)
        best = np.maximum(best, hours)
        links = sum(r["links"] for r in rotations)
        correct = sum(r["correct"] for r in rotations)
        ends = _ends(traces).groupby(chain)[["first_time", "last_time"]].agg({"first_time": "min",
                                                                             "last_time": "max"})
        span = (ends["last_time"] - ends["first_time"] + traces.time_bin_minutes) / 60.0
        rows.append({"dataset": kind, "traces": traces.n_traces, "rotations": len(rotations), "links": links,
                     "link_accuracy": correct / links if links else float("nan"),
                     "mean_chain_hours": float(span.mean()),
                     "mean_tracked_hours": float(hours[hours > 0].mean()) if (hours > 0).any() else 0.0,
                     "tracking": float(np.mean(hours) / horizon_hours)})
    columns = ["dataset", "traces", "rotations", "links", "link_accuracy", "mean_chain_hours",
               "mean_tracked_hours", "tracking"]
    value = float(np.clip(np.mean(best) / horizon_hours, 0.0, 1.0)) if world.n_residents else 0.0
    return MetricResult("risk_tracking", value, pd.DataFrame(rows, columns=columns))


def risk_tracking(ctx: AssessmentContext) -> MetricResult:
    """Return the mean share of residents' time attributable to them through (re-linked) pseudonymous chains."""
    return tracking(ctx, link=True)
