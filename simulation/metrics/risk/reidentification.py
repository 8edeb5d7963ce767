"""Re-identification of residents from top locations (or known points).

Definition (Golle and Partridge, "On the Anonymity of Home/Work Location Pairs", Pervasive 2009, LNCS 5538):
the attacker knows each target's home and work zone (mapped to the released units). In every record dataset the
adversary's role may read, it infers each trace's home (its most frequent unit at night, 22:00-06:00) and work
(its most frequent unit on weekdays 9:00-17:00), and looks, key epoch by key epoch, for the traces whose
inferred pair equals the target's (home only for residents without a workplace). The target is re-identified if
in some epoch exactly one trace matches and it is truly theirs. The anonymity set of a target is the number of
matching traces (the smallest over epochs); Golle and Partridge report a median of 1 at census-block level.

When the attacker does not know home and work (``adversary.knows_home_work`` false) it knows p true points of
the target's life that the dataset holds (p = ``adversary.known_points``, drawn from the target's records) and
runs the location-time attack: the target is re-identified if exactly one trace contains all p points and it is
theirs (de Montjoye et al. 2013; scikit-mobility's LocationTimeAttack).

risk = share of residents re-identified in at least one readable dataset. At most SAMPLED_TARGETS residents
are attacked (sampled without replacement; the share's sampling error is about +-1 point).
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.location_attack import draw_known_points
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.risk.ranges import expand_ranges
from simulation.metrics.risk.traces import (
    NIGHT_HOURS,
    WORK_HOURS,
    Traces,
    hour_of_day,
    majority,
    readable_traces,
    weekday,
)

SAMPLED_TARGETS = 2000
"""Residents attacked (sampled when there are more)."""


def _hour_mask(hours: tuple[int, ...]) -> np.ndarray:
    """Return a lookup table: whether each hour of the day (0-23) is one of ``hours``."""
    mask = np.zeros(24, dtype=bool)
    mask[list(hours)] = True
    return mask


def top_locations(traces: Traces, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each trace's inferred home and work unit (-1 when it has no record in the window)."""
    hour = hour_of_day(traces.time)
    night = _hour_mask(NIGHT_HOURS)[hour]
    day = _hour_mask(WORK_HOURS)[hour] & (weekday(traces.time, start_weekday) < 5)
    home = majority(traces.trace[night], traces.unit[night], traces.n_traces)
    work = majority(traces.trace[day], traces.unit[day], traces.n_traces)
    return home, work


def _home_work_attack(traces: Traces, targets: np.ndarray, home_unit: np.ndarray, work_unit: np.ndarray,
                      start_weekday: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, per target, the trace re-identified (-1 if none) and the anonymity set size (0 if no match).

    Traces are grouped by (inferred home, inferred work, epoch), or by (home, epoch) for targets without a
    workplace; a target's candidates in an epoch are the group of its own pair. When several epochs single out
    the right trace, the earliest epoch's is reported.
    """
    home, work = top_locations(traces, start_weekday)
    n_units = int(max(home.max(initial=-1), work.max(initial=-1), home_unit.max(initial=-1),
                      work_unit.max(initial=-1))) + 1
    epoch = traces.epoch_steps[1]
    found = np.full(len(targets), -1, dtype=np.int64)
    anonymity = np.zeros(len(targets), dtype=np.int64)
    with_work = work_unit >= 0
    for wanted, trace_place, target_place in (
            (with_work, np.where((home >= 0) & (work >= 0), home * n_units + work, -1),
             home_unit * n_units + work_unit),
            (~with_work, home, home_unit)):
        target, size, first = _same_place_groups(trace_place, epoch, np.flatnonzero(wanted),
                                                 target_place[wanted])
        if target.size == 0:
            continue
        smallest = np.full(len(targets), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(smallest, target, size)
        hit = smallest < np.iinfo(np.int64).max
        anonymity[hit] = smallest[hit]
        right = (size == 1) & (traces.trace_owner[first] == targets[target])
        # hits are ordered by target then epoch: the first right hit of each target is its earliest
        target, first = target[right], first[right]
        earliest = np.concatenate([[True], target[1:] != target[:-1]]) if target.size else target.astype(bool)
        found[target[earliest]] = first[earliest]
    return found, anonymity, home


def _same_place_groups(trace_place: np.ndarray, epoch: np.ndarray, target: np.ndarray,
                       target_place: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the (target, group size, group's first trace) of every epoch's group at each target's place.

    Args:
        trace_place: Place code of every trace (-1: none inferred).
        epoch: Dense epoch index of every trace.
        target: Target indices, ascending.
        target_place: Place code of each target.

    Returns:
        One row per (target, epoch with traces at the target's place), ordered by target then epoch.
    """
    traced = np.flatnonzero(trace_place >= 0)
    n_epochs = int(epoch.max()) + 1 if epoch.size else 1
    key = trace_place[traced] * n_epochs + epoch[traced]
    order = np.argsort(key, kind="stable")
    key, traced = key[order], traced[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if key.size else key
    sizes = np.diff(np.concatenate([starts, [key.size]]))
    group_place, group_first = key[starts] // n_epochs, traced[starts]
    low = np.searchsorted(group_place, target_place, side="left")
    high = np.searchsorted(group_place, target_place, side="right")
    owner, group = expand_ranges(low, high - low)
    return target[owner], sizes[group], group_first[group]


def _known_points_attack(traces: Traces, targets: np.ndarray, p: int,
                         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return, per target, the trace re-identified by p of their true points (-1 if none) and the match count."""
    found = np.full(len(targets), -1, dtype=np.int64)
    owned = traces.resident >= 0
    if not owned.any():
        return found, np.zeros(len(targets), dtype=np.int64)
    span = int(traces.point.max()) + 1
    pairs = sorted_unique(traces.resident[owned] * span + traces.point[owned])
    resident, point = pairs // span, pairs % span
    present = np.isin(targets, resident)
    known = np.full((len(targets), p), -1, dtype=np.int64)
    if present.any():
        known[present] = draw_known_points(resident, point, targets[present], p, rng)
    counts, match = traces.index.containing(known)
    right = (counts == 1) & (match >= 0)
    right[right] = traces.trace_owner[match[right]] == targets[right]
    found[right] = match[right]
    return found, counts


def reidentified_traces(ctx: AssessmentContext) -> dict[str, np.ndarray]:
    """Return, per readable dataset, the traces the attack re-identified correctly (cached per context)."""
    return _attack(ctx)[1]


_CACHE: weakref.WeakKeyDictionary[AssessmentContext, tuple[MetricResult, dict[str, np.ndarray]]] = \
    weakref.WeakKeyDictionary()


def _attack(ctx: AssessmentContext) -> tuple[MetricResult, dict[str, np.ndarray]]:
    if ctx in _CACHE:
        return _CACHE[ctx]
    adversary = ctx.config.adversary
    residents = ctx.world.residents
    n = len(residents)
    rng = ctx.rng("reidentification")
    targets = np.arange(n) if n <= SAMPLED_TARGETS else np.sort(rng.choice(n, SAMPLED_TARGETS, replace=False))
    units = np.asarray(ctx.release.units)
    home_unit = units[residents["home_zone"].to_numpy(np.int64)[targets]]
    work_zone = residents["work_zone"].to_numpy(np.int64)[targets]
    work_unit = np.where(work_zone >= 0, units[np.maximum(work_zone, 0)], -1)
    hit_any = np.zeros(len(targets), dtype=bool)
    rows, traces_found = [], {}
    for kind, traces in readable_traces(ctx.release, adversary.role).items():
        if adversary.knows_home_work:
            found, anonymity, _ = _home_work_attack(traces, targets, home_unit, work_unit, ctx.world.start_weekday)
        else:
            found, anonymity = _known_points_attack(traces, targets, adversary.known_points,
                                                    ctx.rng(f"reidentification_{kind}"))
        hit_any |= found >= 0
        traces_found[kind] = np.unique(found[found >= 0])
        matched = anonymity[anonymity > 0]
        rows.append({"dataset": kind, "targets": len(targets), "reidentified": float(np.mean(found >= 0)),
                     "median_anonymity_set": float(np.median(matched)) if matched.size else float("nan"),
                     "attack": "home_work" if adversary.knows_home_work else f"{adversary.known_points}_points"})
    breakdown = pd.DataFrame(rows, columns=["dataset", "targets", "reidentified", "median_anonymity_set", "attack"])
    value = float(np.mean(hit_any)) if len(targets) else 0.0
    result = MetricResult("risk_reidentification", value, breakdown)
    _CACHE[ctx] = (result, traces_found)
    return _CACHE[ctx]


def risk_reidentification(ctx: AssessmentContext) -> MetricResult:
    """Return the share of residents re-identified (home/work pairs, or p known points), per dataset."""
    return _attack(ctx)[0]
