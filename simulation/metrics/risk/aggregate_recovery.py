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
2. *Daily trajectories*: chains are cut each day at DAY_START_MINUTES (04:00), when people stay put.
3. *Across days*: the daily trajectories with the same top places, their most frequent unit at night (22:00-06:00)
   and on weekdays 9:00-17:00, are joined into one trajectory (Xu et al. join days by the similarity of the
   places visited). Daily trajectories with the same top places present on the same bin are several people's: the
   adversary cannot tell them apart, so that trajectory is not *single* and is never picked.

**Uniqueness and knowledge** (Xu et al.'s last step: recovered trajectories are unique by their top places): an
adversary that knows a resident's home and work (``adversary.knows_home_work``) picks the one trajectory whose top
places are those of the two that the table counts (home alone, or work alone, when the table holds no cell at the
other); one that knows p points of their week (p = ``adversary.known_points``, drawn from the cells in which the
table's sensors captured them) picks the one trajectory passing through all p. No match, or several, is no pick.

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
those scales it recovered nobody (``docs/aggregate-attack.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.blockwise import dense_ranks
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.aggregate_tables import KindCounts, TrueCells, held_counts, noise_scale, true_cells
from simulation.metrics.risk.count_chains import Chains, recover_chains, slot_counts, split_days
from simulation.metrics.risk.location_attack import NO_POINT, draw_known_points
from simulation.metrics.risk.record_attacks import knowledge_of
from simulation.metrics.risk.resident_attacks import Knowledge, heaviest
from simulation.metrics.risk.traces import NIGHT_HOURS, WORK_HOURS

ATTACKED_KINDS: tuple[str, ...] = ("cctv", "wifi_bt", "anpr", "transit_card")
"""Aggregate tables that count people present in a cell, attacked one by one."""
ACCURACY_THRESHOLD = 0.5
"""Least accuracy for a picked trajectory to count as the resident's (most of both trajectories agree)."""
TRAVEL_KMH = 30.0
"""Fastest movement the adversary allows between consecutive bins (a car or train in town)."""
GAP_MINUTES = 45
"""Longest time a person may go uncounted (missed detections, a trip between sensors) and still be followed."""
MAX_NOISE_SCALE = 2.0
"""Published noise scale (people per cell) from which the adversary leaves a table alone (measured: nobody
recovered from scale 0.5 up, fine-count scenario and unregulated_surveillance; docs/aggregate-attack.md)."""
DAY_START_MINUTES = 4 * 60
"""Time of day at which daily trajectories are cut (04:00)."""
BREAKDOWN_COLUMNS: tuple[str, ...] = (
    "dataset", "slots", "chains", "trajectories", "links_gap", "links_near", "links_far", "residents_counted",
    "picked", "recovered", "accuracy", "skipped",
)


@dataclass(frozen=True, eq=False)
class Trajectories:
    """Recovered trajectories: the chains of one table joined across days by their top places (Xu et al. step 3).

    Attributes:
        chains: The chains (``count_chains``).
        of_chain: Trajectory of every chain (-1 for a chain with neither a home nor a work unit).
        home: Home unit (released id) of every trajectory, -1 if none.
        work: Work unit (released id) of every trajectory, -1 if none.
        single: Whether the trajectory's chains never overlap in time. Chains with the same top places that are
            present at once are several people's: they remain several trajectories with the same places, which
            the uniqueness step cannot tell apart (Xu et al. link day to next day one to one).
    """

    chains: Chains
    of_chain: np.ndarray
    home: np.ndarray
    work: np.ndarray
    single: np.ndarray

    @property
    def n(self) -> int:
        """Number of trajectories."""
        return len(self.home)


def day_of_bin(held: KindCounts) -> np.ndarray:
    """Return the day of every bin, days starting at DAY_START_MINUTES (deep in the night, when people stay)."""
    return (np.arange(held.n_bins) * held.bin_minutes + 1440 - DAY_START_MINUTES) // 1440


def chain_places(chains: Chains, held: KindCounts, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each chain's home and work unit (released ids; -1 where it has no bin in the window).

    Home: the unit where it spends most night bins (22:00-06:00); work: most weekday bins 9:00-17:00 (the hours of
    ``traces``, as the attacks on records use).
    """
    out = []
    for in_window in _windows(held, start_weekday):
        cumulative = np.r_[0, np.cumsum(in_window)]
        weight = cumulative[chains.seg_last + 1] - cumulative[chains.seg_first]
        some = weight > 0
        best = heaviest(chains.seg_chain[some], chains.seg_unit[some], weight[some], chains.n_chains)[0]
        out.append(np.where(best >= 0, held.grid.unit[np.maximum(best, 0)], -1))
    return out[0], out[1]


def join_days(chains: Chains, held: KindCounts, start_weekday: int) -> Trajectories:
    """Return the chains joined into trajectories: chains with the same (home, work) units are one trajectory.

    Xu et al. link each day's trajectories to the next day's by their similarity; the top places are the part of
    that similarity which the counts carry (a day's chain rarely spans midnight to midnight).
    """
    home, work = chain_places(chains, held, start_weekday)
    span = int(max(home.max(initial=0), work.max(initial=0))) + 2
    key = np.where((home >= 0) | (work >= 0), (home + 1) * span + work + 1, -1)
    placed = key >= 0
    distinct, inverse = dense_ranks(key[placed], (span + 1) * span)
    of_chain = np.full(chains.n_chains, -1, dtype=np.int64)
    of_chain[placed] = inverse
    return Trajectories(chains=chains, of_chain=of_chain, home=distinct // span - 1, work=distinct % span - 1,
                        single=~overlapping(chains, of_chain, len(distinct)))


def overlapping(chains: Chains, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Return, per group of chains, whether two of its chains' time spans (first to last bin) overlap."""
    first = np.full(chains.n_chains, np.iinfo(np.int64).max)
    last = np.full(chains.n_chains, -1, dtype=np.int64)
    np.minimum.at(first, chains.seg_chain, chains.seg_first)
    np.maximum.at(last, chains.seg_chain, chains.seg_last)
    grouped = np.flatnonzero(group >= 0)
    order = grouped[np.lexsort((first[grouped], group[grouped]))]
    n_bins = chains.counts.shape[0]
    # ends shifted by group, so one running maximum serves every group (groups come in increasing order)
    reach = np.maximum.accumulate(last[order] + group[order] * (n_bins + 1))
    clash = np.zeros(n_groups, dtype=bool)
    same = group[order][1:] == group[order][:-1]
    clash[group[order][1:][same & (first[order][1:] + group[order][1:] * (n_bins + 1) <= reach[:-1])]] = True
    return clash


def single_only(found: Trajectories, picked: np.ndarray) -> np.ndarray:
    """Return the picks that are single trajectories (-1 for the others)."""
    if found.n == 0:
        return np.full(len(picked), -1, dtype=np.int64)
    return np.where(found.single[np.maximum(picked, 0)], picked, -1)


def unique_match(item_key: np.ndarray, target_key: np.ndarray) -> np.ndarray:
    """Return, per target key, the one item with that key (-1 when none or several; keys < 0 never match)."""
    listed = np.flatnonzero(item_key >= 0)
    if listed.size == 0:
        return np.full(len(target_key), -1, dtype=np.int64)
    order = listed[np.argsort(item_key[listed], kind="stable")]
    sorted_key = item_key[order]
    low = np.searchsorted(sorted_key, target_key, side="left")
    high = np.searchsorted(sorted_key, target_key, side="right")
    single = ((high - low) == 1) & (target_key >= 0)
    return np.where(single, order[np.minimum(low, len(order) - 1)], -1)


def pick_by_home_work(found: Trajectories, units: np.ndarray, knowledge: Knowledge) -> np.ndarray:
    """Return, per resident, the one trajectory at their home and work (-1 if none or several).

    The adversary checks the places the table can show (``units``: those with a released cell): the home unit if
    the table counts people there, the work unit likewise; a resident neither of whose places the table counts
    cannot be picked.
    """
    span = int(max(knowledge.home_unit.max(initial=0), knowledge.work_unit.max(initial=0),
                   units.max(initial=0))) + 2
    counted = np.zeros(span, dtype=bool)
    counted[units] = True
    known_home = np.where(counted[knowledge.home_unit], knowledge.home_unit, -1)
    known_work = np.where((knowledge.work_unit >= 0) & counted[np.maximum(knowledge.work_unit, 0)],
                          knowledge.work_unit, -1)
    picked = np.full(len(known_home), -1, dtype=np.int64)
    both = (known_home >= 0) & (known_work >= 0)
    pair = np.where((found.home >= 0) & (found.work >= 0), found.home * span + found.work, -1)
    picked[both] = unique_match(pair, known_home[both] * span + known_work[both])
    only_home = (known_home >= 0) & (known_work < 0)
    picked[only_home] = unique_match(found.home, known_home[only_home])
    only_work = (known_home < 0) & (known_work >= 0)
    picked[only_work] = unique_match(found.work, known_work[only_work])
    return single_only(found, picked)


def pick_by_points(found: Trajectories, held: KindCounts, truth: TrueCells, p: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Return, per resident, the one trajectory passing through p of their true cells (-1 otherwise).

    The p points are drawn from every cell in which the kind's sensors captured the resident; a point in a unit
    the table does not hold is on no trajectory, so that resident cannot be picked.
    """
    n_residents = len(truth.first) - 1
    picked = np.full(n_residents, -1, dtype=np.int64)
    targets = np.flatnonzero(truth.sizes())
    if targets.size == 0 or found.n == 0:
        return picked
    resident, cell = truth.of(targets)
    known = draw_known_points(resident, cell, targets, p, rng)
    target_row, which = np.nonzero(known != NO_POINT)
    time_bin, unit = compact_cells(held, truth, known[target_row, which])
    held_point = unit >= 0
    at, chain = found.chains.chains_at(time_bin[held_point], unit[held_point])
    at = np.flatnonzero(held_point)[at]
    trajectory = found.of_chain[chain]
    on = trajectory >= 0
    # distinct (known point, trajectory) pairs, then the trajectories holding every known point of a target
    point_pair = np.unique(at[on] * found.n + trajectory[on])
    row = target_row[point_pair // found.n]
    pair, hits = np.unique(row * found.n + point_pair % found.n, return_counts=True)
    needed = np.bincount(target_row, minlength=targets.size)
    full = pair[hits == needed[pair // found.n]]
    owner, count = np.unique(full // found.n, return_counts=True)
    single = np.isin(full // found.n, owner[count == 1])
    picked[targets[full[single] // found.n]] = full[single] % found.n
    return single_only(found, picked)


def compact_cells(held: KindCounts, truth: TrueCells, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the bin and the compact unit (-1 where the table holds no cell of the unit) of true cells."""
    compact = np.full(truth.n_units + 1, -1, dtype=np.int64)
    compact[held.grid.unit] = np.arange(held.grid.n)
    return cell // truth.n_units, compact[cell % truth.n_units]


def daily_accuracy(found: Trajectories, picked: np.ndarray, held: KindCounts, truth: TrueCells,
                   day_of_bin: np.ndarray, release_units: np.ndarray,
                   known_units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, per resident and day, the accuracy of their picked trajectory and what it gets right elsewhere.

    Accuracy (NaN on days the trajectory has no cell): shared cells / max(the trajectory's cells that day, the
    resident's true cells that day), a trajectory's cells being the distinct (bin, unit) cells of its pieces. A
    shared cell of a unit of z zones counts 1/z: it places the resident in one of z zones, where a guess of the zone
    is right one time in z, so coarser units reveal less (at zone resolution every shared cell counts 1).
    Elsewhere: the shared cells (weighted likewise) at units other than the resident's home and work. Both arrays
    have shape (n_residents, n_days).

    Args:
        found: The trajectories.
        picked: Each resident's picked trajectory (-1 for none).
        held: The table attacked.
        truth: Each resident's true cells in it.
        day_of_bin: Day of every bin.
        release_units: Released unit of every zone (``Release.units``).
        known_units: Each resident's home and work units (released ids, -1 for none), shape (n_residents, 2).
    """
    chains = found.chains
    n_units = chains.counts.shape[1]
    n_cells = chains.counts.size
    n_days = int(day_of_bin[-1]) + 1
    n_residents = len(picked)
    accuracy = np.full((n_residents, n_days), np.nan)
    trajectory_of_seg = found.of_chain[chains.seg_chain]
    wanted = np.zeros(found.n + 1, dtype=bool)
    wanted[picked[picked >= 0]] = True
    seg = np.flatnonzero(wanted[trajectory_of_seg])  # -1 reads the last entry, always False
    if seg.size == 0:
        return accuracy, np.zeros((n_residents, n_days))
    length = chains.seg_last[seg] - chains.seg_first[seg] + 1
    at = np.repeat(seg, length)
    time_bin = chains.seg_first[at] + np.arange(at.size) - np.repeat(np.cumsum(length) - length, length)
    key = np.sort(pd.unique(trajectory_of_seg[at] * n_cells + time_bin * n_units + chains.seg_unit[at]))
    size = np.bincount((key // n_cells) * n_days + day_of_bin[(key % n_cells) // n_units],
                       minlength=(found.n + 1) * n_days).reshape(-1, n_days)
    targets = np.flatnonzero(picked >= 0)
    resident, cell = truth.of(targets)
    true_bin, unit = compact_cells(held, truth, cell)
    query = picked[resident] * n_cells + true_bin * n_units + unit
    where = np.minimum(np.searchsorted(key, query), key.size - 1)
    slot = resident * n_days + day_of_bin[true_bin]
    shared = (key[where] == query) & (unit >= 0)
    zones_in = np.bincount(np.asarray(release_units, dtype=np.int64))[held.grid.unit]  # zones per compact unit
    weight = np.where(shared, 1.0 / zones_in[np.maximum(unit, 0)], 0.0)
    hits = np.bincount(slot, weights=weight, minlength=n_residents * n_days).reshape(n_residents, n_days)
    global_unit = cell % truth.n_units
    away = (global_unit != known_units[resident, 0]) & (global_unit != known_units[resident, 1])
    elsewhere = np.bincount(slot[away], weights=weight[away],
                            minlength=n_residents * n_days).reshape(n_residents, n_days)
    true_size = np.bincount(slot, minlength=n_residents * n_days).reshape(n_residents, n_days)
    trajectory_size = size[picked[targets]]
    rows, days = np.nonzero(trajectory_size > 0)
    accuracy[targets[rows], days] = (hits[targets[rows], days]
                                     / np.maximum(true_size[targets[rows], days], trajectory_size[rows, days]))
    return accuracy, elsewhere


def _windows(held: KindCounts, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Return, per bin, whether it is a night bin (22:00-06:00) and whether a weekday bin 9:00-17:00."""
    start = np.arange(held.n_bins) * held.bin_minutes
    hour = (start % 1440) // 60
    weekday = (start // 1440 + start_weekday) % 7
    return np.isin(hour, NIGHT_HOURS), np.isin(hour, WORK_HOURS) & (weekday < 5)


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


def aggregate_recovery(ctx: AssessmentContext) -> tuple[MetricResult, np.ndarray]:
    """Share of all residents whose trajectory the adversary rebuilds from the public counts and picks out.

    Xu et al., WWW 2017 (method and acceptance rule in the module docstring). Also reports the mean accuracy of
    the picked trajectories. Breakdown: per attacked table, slots, chains, trajectories, links made, the shares of
    residents counted, picked and recovered, and the accuracy.

    Returns:
        The result, and per resident whether some table gives their trajectory away.
    """
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
