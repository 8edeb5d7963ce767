"""Trajectory recovery from released aggregates: the share of ALL residents whose movements the counts give away.

Xu, Tu, Li, Zhang, Fu and Jin, "Trajectory Recovery From Ash: User Privacy Is NOT Preserved in Aggregated
Mobility Data", WWW 2017 (73-91% of trajectories recovered from per-place, per-slot counts); D'Silva et al.,
"Demystifying trajectory recovery from ash", arXiv 2409.14645 (2024), whose open re-implementation found the
original accuracy optimistic: the figures here are the ones measured on this model, not the paper's.

**Who attacks what.** Aggregates are public (``simulation.controls.access``): every role, the adversary's
included, reads every aggregate table. The attack runs on each table that counts people present in a cell over
time (ATTACKED_KINDS: cameras, Wi-Fi/Bluetooth, plate readers, card gates), one table at a time; smart meters count
households that never move, people counters count crossings with nobody behind them in the log, and environment
sensors count readings, so they are left out. Only released cells are read (``aggregate_tables``): noisy counts
are rounded and negatives clipped to 0 (post-processing, free under differential privacy), cells removed by
k-suppression are missing.

**Method**, Xu et al.'s three steps:
1. *Chains* (``count_chains``): each count is split into slots, and the slots of consecutive bins are linked by a
   minimum-cost transport between units (stay first, then short gaps at the same unit, then nearest moves within
   TRAVEL_KMH), solved for all bins at once at the level of units, never person by person.
2. *Daily trajectories* (``daily_trajectories``): chains are cut each day at 04:00, when people stay put.
3. *Across days*: the daily trajectories with the same top places, their most frequent unit at night (22:00-06:00)
   and on weekdays 9:00-17:00, are joined into one trajectory (Xu et al. join days by the similarity of the
   places visited). Daily trajectories with the same top places present on the same bin are several people's: the
   adversary cannot tell them apart, so that trajectory is not *single* and is never picked.

**Uniqueness and knowledge** (``trajectory_picks``; Xu et al.'s last step: recovered trajectories are unique by
their top places): an adversary that knows a resident's home and work (``adversary.knows_home_work``) picks the one
trajectory whose top places are those of the two that the table counts (home alone, or work alone, when the table
holds no cell at the other); one that knows p points of their week (p = ``adversary.known_points``, drawn from the
cells in which the table's sensors captured them) picks the one trajectory passing through all p. No match, or
several, is no pick.

**Recovered** (per-resident column ``trajectory_recovered`` of ``resident_outcomes``): some table gives a single
picked trajectory which, on at least one day, (a) has accuracy ACCURACY_THRESHOLD or more,
``shared cells / max(cells of the trajectory that day, the resident's true cells that day)``, and (b) places the
resident right at least once at a unit other than their home and work. A resident's true cells are the (bin, unit)
cells in which the table's sensors captured them (from the observation log, opted-out phones removed; before
differential privacy's bounding and noise and before k-suppression, which are what protect them); a trajectory's
cells are the distinct (bin, unit) cells of its chains; a shared cell of a unit of z zones counts 1/z (coarser
units reveal less). The accuracy is Xu et al.'s "fraction of correctly recovered locations" made symmetric, so a
trajectory crowded enough to cover many people's cells is nobody's. Condition (b) is the control: a trajectory that
merely sits at a resident's home or workplace matches them for much of the day, even one made of noise alone (under
differential privacy such trajectories "recovered" more residents than the exact counts did, until (b) was
required); one that also finds them somewhere else followed them. Ground truth is read only to draw the adversary's
knowledge and to score.

Outcomes: ``risk_trajectory_recovery`` (share of all residents recovered) and
``risk_trajectory_recovery_accuracy`` (mean daily accuracy of the picked trajectories, over the residents and
tables where one was picked and the days it covers; 0 if none). Breakdown: per attacked table.

A table whose published noise scale (the release audit's) is MAX_NOISE_SCALE people per cell or more is left
alone (breakdown ``skipped``): the attack's work grows with the phantom people the noise puts in every cell, and at
those scales it recovered almost nobody (``docs/aggregate-attack.md``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import numpy as np
import pandas as pd

from simulation.memo import OutputMemo
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.aggregate_tables import KindCounts, held_counts, noise_scale, true_cells
from simulation.metrics.risk.count_chains import recover_chains, slot_counts, split_days
from simulation.metrics.risk.daily_trajectories import Trajectories, day_of_bin, join_days
from simulation.metrics.risk.record_attacks import knowledge_of
from simulation.metrics.risk.resident_attacks import Knowledge
from simulation.metrics.risk.trajectory_picks import daily_accuracy, pick_by_home_work, pick_by_points
from simulation.scenario import ScenarioConfig

ATTACKED_KINDS: tuple[str, ...] = ("cctv", "wifi_bt", "anpr", "transit_card")
"""Aggregate tables that count people present in a cell, attacked one by one."""
ACCURACY_THRESHOLD = 0.5
"""Least accuracy for a picked trajectory to count as the resident's (most of both trajectories agree)."""
TRAVEL_KMH = 30.0
"""Fastest movement the adversary allows between consecutive bins (a car or train in town)."""
GAP_MINUTES = 45
"""Longest time a person may go uncounted (missed detections, a trip between sensors) and still be followed."""
MAX_NOISE_SCALE = 2.0
"""Published noise scale (people per cell) from which the adversary leaves a table alone. Measured with it
attacked anyway: at scales 0.5-4 nobody recovered in the fine-count scenario, at most one resident in 5,000 on
unregulated_surveillance (docs/aggregate-attack.md)."""
BREAKDOWN_COLUMNS: tuple[str, ...] = (
    "dataset", "slots", "chains", "trajectories", "links_gap", "links_near", "links_far", "residents_counted",
    "picked", "recovered", "accuracy", "skipped",
)


def recovered_trajectories(ctx: AssessmentContext, held: KindCounts, start_weekday: int) -> Trajectories:
    """Return the trajectories the adversary rebuilds from one table (steps 1-3; reads the released counts only)."""
    block_km = ctx.world.city.zone_size_m / 1000.0 * ctx.config.controls.generalisation.spatial_block_zones
    reach = TRAVEL_KMH * held.bin_minutes / 60.0 / block_km
    whole = recover_chains(held.counts, held.grid, reach, GAP_MINUTES // held.bin_minutes)
    return join_days(split_days(whole, day_of_bin(held)), held, start_weekday)


def attack_kind(ctx: AssessmentContext, held: KindCounts,
                knowledge: Knowledge) -> tuple[np.ndarray, np.ndarray, dict]:
    """Return what one table gives away, per resident, and the table's breakdown row.

    Returns:
        Per resident: whether a day of their movements is recovered, the mean daily accuracy of the trajectory
        picked for them (NaN if none); and the breakdown row.
    """
    n = ctx.world.n_residents
    found = recovered_trajectories(ctx, held, knowledge.start_weekday)
    chains = found.chains
    truth = true_cells(ctx, held)
    if knowledge.knows_home_work:
        picked = pick_by_home_work(found, held.grid.unit, knowledge)
    else:
        picked = pick_by_points(found, held, truth, knowledge.known_points,
                                ctx.rng(f"trajectory_recovery.{held.kind}"))
    daily, elsewhere = daily_accuracy(found, picked, held, truth, day_of_bin(held), ctx.release.units,
                                      np.column_stack([knowledge.home_unit, knowledge.work_unit]))
    covered = ~np.isnan(daily)
    recovered = ((np.nan_to_num(daily) >= ACCURACY_THRESHOLD) & (elsewhere > 0)).any(axis=1)
    has_pick = covered.any(axis=1)
    mean = np.full(n, np.nan)
    mean[has_pick] = np.nansum(daily[has_pick], axis=1) / covered[has_pick].sum(axis=1)
    row = {
        "dataset": held.kind, "slots": int(chains.counts.sum()), "chains": chains.n_chains, "trajectories": found.n,
        "links_gap": chains.links["gap"], "links_near": chains.links["near"], "links_far": chains.links["far"],
        "residents_counted": float(np.count_nonzero(truth.sizes()) / max(n, 1)), "picked": float(has_pick.mean()),
        "recovered": float(recovered.mean()), "accuracy": float(mean[has_pick].mean()) if has_pick.any() else 0.0,
        "skipped": "",
    }
    return recovered, mean, row


_REMEMBERED: OutputMemo[tuple[MetricResult, np.ndarray]] = OutputMemo(16)
"""Results per (world, log, every setting the aggregates and the adversary depend on)."""
RECORD_ONLY_CONTROLS: tuple[str, ...] = ("retention", "access", "release")
"""Controls that never change an aggregate table (aggregates are counted as captured, before retention)."""


def aggregates_key(config: ScenarioConfig) -> str:
    """Return a digest of every scenario setting the aggregate tables and the adversary depend on."""
    data = config.model_dump(mode="json", exclude={"name", "description", "utility_weights"})
    for name in RECORD_ONLY_CONTROLS:
        data["controls"].pop(name)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def forget_recoveries() -> None:
    """Forget every remembered result (benchmarks time the attack afresh)."""
    _REMEMBERED.clear()


def aggregate_recovery(ctx: AssessmentContext) -> tuple[MetricResult, np.ndarray]:
    """Share of all residents whose trajectory the adversary rebuilds from the public counts and picks out.

    Xu et al., WWW 2017 (method and acceptance rule in the module docstring). Also reports the mean accuracy of
    the picked trajectories. Breakdown: per attacked table, slots, chains, trajectories, links made, the shares of
    residents counted, picked and recovered, and the accuracy. A control that changes only the record datasets
    (retention, access, release level) leaves the aggregates as they were, so the result of the same world, log
    and other settings is reused; a release made by hand (no ``records_key``) is always attacked afresh.

    Returns:
        The result, and per resident whether some table gives their trajectory away.
    """
    if ctx.release.records_key is None:
        return _attack_tables(ctx)
    result, hits = _REMEMBERED.get(ctx.world, ctx.log, (aggregates_key(ctx.config),), lambda: _attack_tables(ctx))
    return replace(result, breakdown=result.breakdown.copy(), extra=dict(result.extra)), hits.copy()


def _attack_tables(ctx: AssessmentContext) -> tuple[MetricResult, np.ndarray]:
    """Return the attack run on every attacked table (``aggregate_recovery``'s result)."""
    n = ctx.world.n_residents
    recovered = np.zeros(n, dtype=bool)
    accuracies, rows = [], []
    knowledge = knowledge_of(ctx)
    for kind in ATTACKED_KINDS:
        held = held_counts(ctx, kind)
        if held is None:
            continue
        if noise_scale(ctx, kind) >= MAX_NOISE_SCALE:
            rows.append({**dict.fromkeys(BREAKDOWN_COLUMNS, 0), "dataset": kind,
                         "slots": int(slot_counts(held.counts).sum()), "skipped": "noise"})
            continue
        given_away, accuracy, row = attack_kind(ctx, held, knowledge)
        recovered |= given_away
        accuracies.append(accuracy[~np.isnan(accuracy)])
        rows.append(row)
    picked = np.concatenate(accuracies) if accuracies else np.empty(0)
    result = MetricResult(
        "risk_trajectory_recovery", float(recovered.mean()) if n else 0.0,
        pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS)),
        extra={"risk_trajectory_recovery_accuracy": float(picked.mean()) if picked.size else 0.0})
    return result, recovered
