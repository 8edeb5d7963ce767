"""Tracking: the share of each resident's time an attacker can follow, re-linking pseudonyms across key rotations.

Definition: within a key epoch, a pseudonymous trace follows one device. At every key rotation the attacker
links each old pseudonym to a new one by where the old one disappears and the new one appears, as a
multi-target tracker does (Gruteser and Hoh, SPC 2005; Hoh, Gruteser, Xiong and Alrabady, "Preserving privacy
in GPS traces via uncertainty-aware path cloaking", CCS 2007, time-to-confusion): the prediction is the old
pseudonym's last released unit; a new pseudonym is a candidate only if its first unit is that unit or a
neighbouring one (centroids within LINK_RADIUS_UNITS unit widths) and it appears within MAX_GAP_MINUTES (the
CANDIDATES_PER_TRACE closest are kept, cost = distance + a small gap term; constants and gate in
``link_candidates``). The one-to-one assignment of
largest total weight (weight = largest cost + 1 - cost, so it links as many pseudonyms as it can, closest
first) is found exactly (sparse LAPJV, the sparse counterpart of scipy's ``linear_sum_assignment``) up to
matching.EXACT_LIMIT candidate pairs; beyond, by the greedy matching (closest pairs first, as Hoh et al.'s
tracker links the most probable candidate), computed on the classes of pseudonyms that vanish together
(``class_matching``: equal-cost ties fall pseudo-randomly, never by the order of the simulation's codes).
Linked traces form chains.

Score: a resident's tracked hours are the hours in which the chain holding most of their records holds a
record truly theirs. risk = mean over residents of (best tracked hours over readable datasets) / hours in the
horizon. Breakdown per dataset: rotations, links made, link accuracy (share of links joining the same
resident's traces) overall and at the worst and best rotation, mean chain duration, mean tracked hours;
``link_chains`` returns the per-rotation figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.class_matching import greedy_class_matching
from simulation.metrics.risk.link_candidates import ClassCandidates, class_candidates
from simulation.metrics.risk.matching import EXACT_LIMIT, best_matching
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.risk.traces import Traces, group_min_max, readable_traces


def unit_centroids(zone_x: np.ndarray, zone_y: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Return the (x, y) centroid, in zone widths, of every released unit."""
    n_units = int(units.max()) + 1
    count = np.maximum(np.bincount(units, minlength=n_units), 1)
    return np.stack([np.bincount(units, zone_x, n_units) / count, np.bincount(units, zone_y, n_units) / count], 1)


def _roots(previous: np.ndarray) -> np.ndarray:
    """Return the first trace of every trace's chain, given each trace's linked predecessor (itself if none)."""
    root = previous.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def _matched(candidates: ClassCandidates) -> tuple[np.ndarray, np.ndarray]:
    """Return the linked (old, new) traces: the exact matching up to EXACT_LIMIT pairs, else the greedy one."""
    if candidates.member_pairs() > EXACT_LIMIT:
        return greedy_class_matching(candidates.member, candidates.old, candidates.new, candidates.cost)
    edges = candidates.for_every_member()
    cost = edges["cost"].to_numpy()
    return best_matching(edges["old"].to_numpy(), edges["new"].to_numpy(), float(cost.max(initial=0.0)) + 1.0 - cost)


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
    epochs, step = traces.epoch_steps
    if not link or len(epochs) < 2:
        return chain, []
    old, new = _matched(class_candidates(traces.ends, centroid, unit_width, traces.time_bin_minutes))
    previous = chain.copy()
    previous[new] = old
    owner = traces.trace_owner
    correct = (owner[old] == owner[new]) & (owner[old] >= 0)
    new_step = step[new]
    links = np.bincount(new_step, minlength=len(epochs))
    right = np.bincount(new_step, weights=correct, minlength=len(epochs))
    old_count = np.bincount(step, minlength=len(epochs))
    rotations = [{"epoch": int(epochs[i]), "old": int(old_count[i - 1]), "links": int(links[i]),
                  "correct": int(right[i])} for i in range(1, len(epochs))]
    return _roots(previous), rotations


BITMAP_CELLS = 16_000_000
"""Largest (trace or chain, hour) bitmap used to count distinct hours; beyond it the keys are sorted instead."""


def tracked_hours(traces: Traces, chain: np.ndarray, n_residents: int) -> np.ndarray:
    """Return, per resident, the hours in which their best chain holds a record truly theirs.

    The distinct hours of a (chain, resident) pair are the sum of its traces' distinct hours whenever no hour
    holds records of two key epochs (every epoch's released hours end before the next epoch's begin, as with
    keys rotated on the hour) and every trace holds one resident's records: then each trace's hours are
    counted in a small (trace, hour within the trace) bitmap, and only traces are grouped. Otherwise the
    (chain, resident, hour) keys of the rows are sorted.
    """
    owned = traces.resident >= 0
    best = np.zeros(n_residents, dtype=np.int64)
    if not owned.any():
        return best
    trace, resident, hour = traces.trace[owned], traces.resident[owned], traces.time[owned] // 60
    per_trace = _hours_per_trace(traces, trace, resident, hour)
    if per_trace is None:
        return _hours_by_sorting(chain[trace], resident, hour, n_residents)
    owner, hours = per_trace
    held = owner >= 0
    chain, owner, hours = chain[held], owner[held], hours[held]
    n_chains = int(chain.max(initial=-1)) + 1
    low, high = group_min_max(chain, owner, n_chains)
    single = low[chain] == high[chain]  # chains holding one resident's traces (most): grouped by chain alone
    per_chain = np.bincount(chain[single], weights=hours[single], minlength=n_chains).astype(np.int64)
    whole = np.flatnonzero((low == high) & (high >= 0))
    np.maximum.at(best, low[whole], per_chain[whole])
    mixed = ~single
    if mixed.any():
        pair, pairs = pd.factorize(chain[mixed] * n_residents + owner[mixed])
        np.maximum.at(best, pairs % n_residents, np.bincount(pair, weights=hours[mixed]).astype(np.int64))
    return best


def _hours_per_trace(traces: Traces, trace: np.ndarray, resident: np.ndarray,
                     hour: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Return each trace's resident (-1 if none) and distinct hours, or None if traces cannot be summed.

    Traces cannot be summed when an hour holds records of two key epochs (a chain's traces could then share
    it), when a trace holds records of several residents, or when the bitmap would exceed BITMAP_CELLS.
    """
    ends = traces.ends
    first_hour = ends["first_time"].to_numpy(np.int64) // 60
    last_hour = ends["last_time"].to_numpy(np.int64) // 60
    step = traces.epoch_steps[1]
    n_steps = int(step.max()) + 1
    if (group_min_max(step, last_hour, n_steps)[1][:-1] >= group_min_max(step, first_hour, n_steps)[0][1:]).any():
        return None  # an hour holds records of two epochs: one chain's traces may share it
    low, high = group_min_max(trace, resident, traces.n_traces)
    if (low[trace] != high[trace]).any():
        return None  # a trace holds several residents' records
    width = int((last_hour - first_hour).max()) + 1
    if traces.n_traces * width > BITMAP_CELLS:
        return None
    seen = np.zeros(traces.n_traces * width, dtype=bool)
    seen[trace * width + hour - first_hour[trace]] = True
    return high, seen.reshape(traces.n_traces, width).sum(axis=1)


def _hours_by_sorting(row_chain: np.ndarray, resident: np.ndarray, hour: np.ndarray,
                      n_residents: int) -> np.ndarray:
    """Return, per resident, the most distinct hours of any (chain, resident) pair, from the sorted row keys."""
    best = np.zeros(n_residents, dtype=np.int64)
    hours = int(hour.max()) + 1
    key = sorted_unique((row_chain * n_residents + resident) * hours + hour)
    pair = key // hours  # sorted, so each (chain, resident) pair is one run
    starts = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]]))
    counts = np.diff(np.concatenate([starts, [pair.size]]))
    np.maximum.at(best, pair[starts] % n_residents, counts)
    return best


def chain_hours(traces: Traces, chain: np.ndarray) -> np.ndarray:
    """Return the hours from the first record of every chain to the end of its last record's time bin."""
    ends = traces.ends
    roots = np.flatnonzero(chain == np.arange(chain.size))
    first = np.full(traces.n_traces, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(traces.n_traces, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, chain, ends["first_time"].to_numpy(np.int64))
    np.maximum.at(last, chain, ends["last_time"].to_numpy(np.int64))
    return (last[roots] - first[roots] + traces.time_bin_minutes) / 60.0


@dataclass(frozen=True, eq=False)
class DatasetTracking:
    """The tracking attack on one readable dataset: an independent piece of work, run by calling it.

    Attributes:
        kind: The dataset.
        traces: Its traces.
        centroid: Unit centroids (zone widths).
        unit_width: Typical released-unit width in zone widths.
        n_residents: Residents in the world.
        horizon_hours: Hours in the horizon.
        link: Re-link pseudonyms across rotations.
    """

    kind: str
    traces: Traces
    centroid: np.ndarray
    unit_width: float
    n_residents: int
    horizon_hours: float
    link: bool

    @property
    def rows(self) -> int:
        """Rows of the dataset: how much work the piece is."""
        return len(self.traces.trace)

    def __call__(self) -> tuple[np.ndarray, dict, np.ndarray]:
        """Return the tracked hours of every resident in this dataset, the dataset's breakdown row, the chains."""
        traces = self.traces
        chain, rotations = link_chains(traces, self.centroid, self.unit_width, self.link)
        hours = tracked_hours(traces, chain, self.n_residents)
        links = sum(r["links"] for r in rotations)
        correct = sum(r["correct"] for r in rotations)
        span = chain_hours(traces, chain)
        accuracy = [r["correct"] / r["links"] for r in rotations if r["links"]]
        return hours, {"dataset": self.kind, "traces": traces.n_traces, "rotations": len(rotations), "links": links,
                       "link_accuracy": correct / links if links else float("nan"),
                       "worst_rotation_accuracy": min(accuracy) if accuracy else float("nan"),
                       "best_rotation_accuracy": max(accuracy) if accuracy else float("nan"),
                       "mean_chain_hours": float(span.mean()) if span.size else 0.0,
                       "mean_tracked_hours": float(hours[hours > 0].mean()) if (hours > 0).any() else 0.0,
                       "tracking": float(np.mean(hours) / self.horizon_hours)}, chain


def tracking_parts(ctx: AssessmentContext, link: bool = True) -> list[DatasetTracking]:
    """Return the tracking attack on every readable dataset, one piece each (to run in any order)."""
    world, release = ctx.world, ctx.release
    units = np.asarray(release.units)
    zones = world.city.zones
    centroid = unit_centroids(zones["x"].to_numpy(float), zones["y"].to_numpy(float), units)
    unit_width = float(np.sqrt(len(units) / (int(units.max()) + 1))) if len(units) else 1.0
    horizon_hours = max(release.horizon_minutes / 60.0, 1.0)
    return [DatasetTracking(kind, traces, centroid, unit_width, world.n_residents, horizon_hours, link)
            for kind, traces in readable_traces(release, ctx.config.adversary.role).items()]


def tracking_result(ctx: AssessmentContext, done: list[tuple[np.ndarray, dict, np.ndarray]]) -> MetricResult:
    """Return the tracking risk from what the pieces of :func:`tracking_parts` returned, in their order."""
    n_residents = ctx.world.n_residents
    best = np.zeros(n_residents, dtype=np.int64)
    for hours, _, _ in done:
        best = np.maximum(best, hours)
    columns = ["dataset", "traces", "rotations", "links", "link_accuracy", "worst_rotation_accuracy",
               "best_rotation_accuracy", "mean_chain_hours", "mean_tracked_hours", "tracking"]
    horizon_hours = max(ctx.release.horizon_minutes / 60.0, 1.0)
    value = float(np.clip(np.mean(best) / horizon_hours, 0.0, 1.0)) if n_residents else 0.0
    return MetricResult("risk_tracking", value, pd.DataFrame([row for _, row, _ in done], columns=columns))


def tracking(ctx: AssessmentContext, link: bool = True) -> MetricResult:
    """Return the tracking risk, optionally without re-linking across rotations."""
    return tracking_result(ctx, [piece() for piece in tracking_parts(ctx, link)])
