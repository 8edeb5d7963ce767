"""Xu et al.'s steps 2 and 3 on one table's chains: daily trajectories, joined across days by their top places.

Chains (``count_chains``) are cut each day at DAY_START_MINUTES, when people stay put; the daily pieces with the
same top places (most frequent unit at night 22:00-06:00 and on weekdays 9:00-17:00, the hours of ``traces``) are
one trajectory. Pieces with the same top places present at the same time are several people's: such a trajectory
is not *single*, and the adversary cannot tell its people apart. Reads the released counts only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.blockwise import dense_ranks
from simulation.metrics.risk.aggregate_tables import KindCounts
from simulation.metrics.risk.count_chains import Chains
from simulation.metrics.risk.resident_attacks import heaviest
from simulation.metrics.risk.traces import NIGHT_HOURS, WORK_HOURS

DAY_START_MINUTES = 4 * 60
"""Time of day at which daily trajectories are cut (04:00)."""


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


def _windows(held: KindCounts, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Return, per bin, whether it is a night bin (22:00-06:00) and whether a weekday bin 9:00-17:00."""
    start = np.arange(held.n_bins) * held.bin_minutes
    hour = (start % 1440) // 60
    weekday = (start // 1440 + start_weekday) % 7
    return np.isin(hour, NIGHT_HOURS), np.isin(hour, WORK_HOURS) & (weekday < 5)
