"""Tracking: the share of each resident's time an attacker can follow, re-linking pseudonyms across key rotations.

Definition: within a key epoch, a pseudonymous trace follows one device. At every key rotation the attacker
links each old pseudonym to a new one by where the old one disappears and the new one appears, as a
multi-target tracker does (Gruteser and Hoh, SPC 2005; Hoh, Gruteser, Xiong and Alrabady, "Preserving privacy
in GPS traces via uncertainty-aware path cloaking", CCS 2007, time-to-confusion): the prediction is the old
pseudonym's last released unit; a new pseudonym is a candidate only if its first unit is that unit or a
neighbouring one (centroids within LINK_RADIUS_UNITS unit widths) and it appears within MAX_GAP_MINUTES (the
CANDIDATES_PER_TRACE closest are kept, cost = distance + a small gap term). The one-to-one assignment of
largest total weight (weight = largest cost + 1 - cost, so it links as many pseudonyms as it can, closest
first) is found exactly (sparse LAPJV, the sparse counterpart of scipy's ``linear_sum_assignment``) up to
matching.EXACT_LIMIT candidate pairs; beyond, by the greedy matching (closest pairs first, as Hoh et al.'s
tracker links the most probable candidate). Linked traces form chains.

Score: a resident's tracked hours are the hours in which the chain holding most of their records holds a
record truly theirs. risk = mean over residents of (best tracked hours over readable datasets) / hours in the
horizon. Breakdown per dataset: rotations, links made, link accuracy (share of links joining the same
resident's traces) overall and at the worst and best rotation, mean chain duration, mean tracked hours;
``link_chains`` returns the per-rotation figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.matching import best_matching
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.risk.traces import Traces, readable_traces

MAX_GAP_MINUTES = 720
"""Longest gap between an old pseudonym's last record and a new one's first for a link."""
LINK_RADIUS_UNITS = 1.0
"""Largest centroid distance (in released-unit widths) between the disappearance and the appearance."""
CANDIDATES_PER_TRACE = 4
"""Gated candidates kept per disappearing pseudonym (the closest ones), as a multi-hypothesis tracker prunes."""
GAP_COST_PER_MINUTE = 0.001
"""Cost (in unit widths) of each minute between disappearance and appearance, breaking distance ties."""


def unit_centroids(zone_x: np.ndarray, zone_y: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Return the (x, y) centroid, in zone widths, of every released unit."""
    n_units = int(units.max()) + 1
    count = np.maximum(np.bincount(units, minlength=n_units), 1)
    return np.stack([np.bincount(units, zone_x, n_units) / count, np.bincount(units, zone_y, n_units) / count], 1)


def rank_in_runs(values: np.ndarray) -> np.ndarray:
    """Return each element's position within its run of equal values (values sorted)."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    lengths = np.diff(np.concatenate([starts, [values.size]]))
    return np.arange(values.size) - np.repeat(starts, lengths)


_NEAR_CACHE: dict[tuple[bytes, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _near_units(centroid: np.ndarray, unit_width: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the (a, b, distance in unit widths) pairs of units within LINK_RADIUS_UNITS, sorted by a."""
    key = (centroid.tobytes(), unit_width)
    if key not in _NEAR_CACHE:
        d = np.hypot(*(centroid[:, None, :] - centroid[None, :, :]).transpose(2, 0, 1)) / unit_width
        a, b = np.nonzero(d <= LINK_RADIUS_UNITS)
        _NEAR_CACHE.clear()  # one city layout at a time
        _NEAR_CACHE[key] = (a, b, d[a, b])
    return _NEAR_CACHE[key]


def _candidate_links(ends: pd.DataFrame, centroid: np.ndarray, unit_width: float,
                     bin_minutes: int) -> pd.DataFrame:
    """Return the gated (old, new, cost) candidates of every rotation at once (new is in the next epoch).

    For each disappearing pseudonym and each unit near its last one, only the CANDIDATES_PER_TRACE earliest
    appearances there (from one bin before the disappearance on) are considered, then the closest
    CANDIDATES_PER_TRACE over all nearby units are kept: never a full cross product.
    """
    epochs = np.unique(ends["epoch"].to_numpy())
    step = np.searchsorted(epochs, ends["epoch"].to_numpy()).astype(np.int64)
    first_time = ends["first_time"].to_numpy(np.int64) + bin_minutes
    last_time = ends["last_time"].to_numpy(np.int64) + bin_minutes
    span = int(max(first_time.max(), last_time.max())) + 1
    n_units = len(centroid)
    new_key = (step * n_units + ends["first_unit"].to_numpy(np.int64)) * span + first_time
    new_order = np.argsort(new_key, kind="stable")
    new_key = new_key[new_order]
    near_a, near_b, near_d = _near_units(centroid, unit_width)
    near_start = np.searchsorted(near_a, np.arange(n_units + 1))
    last_unit = ends["last_unit"].to_numpy(np.int64)
    fan = near_start[last_unit + 1] - near_start[last_unit]
    old = np.repeat(np.arange(len(ends)), fan)
    pair = np.repeat(near_start[last_unit], fan) + rank_in_runs(old)
    group = (step[old] + 1) * n_units + near_b[pair]
    lo = np.searchsorted(new_key, group * span + np.maximum(last_time[old] - bin_minutes, 0))
    hi = np.searchsorted(new_key, (group + 1) * span)
    take = np.minimum(hi - lo, CANDIDATES_PER_TRACE)
    pick = np.repeat(np.arange(old.size), take)
    position = np.repeat(lo, take) + rank_in_runs(pick)
    old_trace, new_trace = old[pick], new_order[position]
    gap = first_time[new_trace] - last_time[old_trace]
    keep = gap <= MAX_GAP_MINUTES
    old_trace, new_trace, gap, pick = old_trace[keep], new_trace[keep], gap[keep], pick[keep]
    cost = 1.0 + near_d[pair[pick]] + GAP_COST_PER_MINUTE * np.maximum(gap, 0)
    order = np.argsort(old_trace * 2**24 + np.minimum(cost * 1000, 2**24 - 1).astype(np.int64), kind="stable")
    best = order[rank_in_runs(old_trace[order]) < CANDIDATES_PER_TRACE]
    return pd.DataFrame({"old": old_trace[best], "new": new_trace[best], "cost": cost[best]})


def _roots(previous: np.ndarray) -> np.ndarray:
    """Return the first trace of every trace's chain, given each trace's linked predecessor (itself if none)."""
    root = previous.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def link_chains(traces: Traces, centroid: np.ndarray, unit_width: float,
                link: bool = True) -> tuple[np.ndarray, list[dict]]:
    """Return the chain of every trace and one summary per rotation (links made, links correct).

    Every rotation's assignment is independent; they are solved in one sparse matching (the candidate graph
    falls apart into one component per rotation).

    Args:
        traces: One dataset's traces.
        centroid: Unit centroids (zone widths).
        unit_width: Typical released-unit width in zone widths.
        link: Re-link pseudonyms across rotations (False: every trace is its own chain).
    """
    chain = np.arange(traces.n_traces)
    epochs = np.unique(traces.trace_epoch)
    if not link or len(epochs) < 2:
        return chain, []
    ends = traces.ends
    edges = _candidate_links(ends, centroid, unit_width, traces.time_bin_minutes)
    cost = edges["cost"].to_numpy()
    old, new = best_matching(edges["old"].to_numpy(), edges["new"].to_numpy(),
                             float(cost.max(initial=0.0)) + 1.0 - cost)
    previous = chain.copy()
    previous[new] = old
    owner = traces.trace_owner
    per_epoch = pd.DataFrame({"epoch": traces.trace_epoch[new],
                              "correct": (owner[old] == owner[new]) & (owner[old] >= 0)})
    made = per_epoch.groupby("epoch")["correct"].agg(["size", "sum"])
    old_count = np.bincount(np.searchsorted(epochs, traces.trace_epoch), minlength=len(epochs))
    rotations = [{"epoch": int(e), "old": int(old_count[i]),
                  "links": int(made["size"].get(e, 0)), "correct": int(made["sum"].get(e, 0))}
                 for i, e in enumerate(epochs[1:])]
    return _roots(previous), rotations


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
        ends = traces.ends.groupby(chain)[["first_time", "last_time"]].agg({"first_time": "min",
                                                                             "last_time": "max"})
        span = (ends["last_time"] - ends["first_time"] + traces.time_bin_minutes) / 60.0
        accuracy = [r["correct"] / r["links"] for r in rotations if r["links"]]
        rows.append({"dataset": kind, "traces": traces.n_traces, "rotations": len(rotations), "links": links,
                     "link_accuracy": correct / links if links else float("nan"),
                     "worst_rotation_accuracy": min(accuracy) if accuracy else float("nan"),
                     "best_rotation_accuracy": max(accuracy) if accuracy else float("nan"),
                     "mean_chain_hours": float(span.mean()),
                     "mean_tracked_hours": float(hours[hours > 0].mean()) if (hours > 0).any() else 0.0,
                     "tracking": float(np.mean(hours) / horizon_hours)})
    columns = ["dataset", "traces", "rotations", "links", "link_accuracy", "worst_rotation_accuracy",
               "best_rotation_accuracy", "mean_chain_hours", "mean_tracked_hours", "tracking"]
    value = float(np.clip(np.mean(best) / horizon_hours, 0.0, 1.0)) if world.n_residents else 0.0
    return MetricResult("risk_tracking", value, pd.DataFrame(rows, columns=columns))


def risk_tracking(ctx: AssessmentContext) -> MetricResult:
    """Return the mean share of residents' time attributable to them through (re-linked) pseudonymous chains."""
    return tracking(ctx, link=True)
