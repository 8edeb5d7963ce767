"""Greedy matching of interchangeable old traces, one class at a time: the tracker's matching at scale.

Old traces that vanish from the same unit at the same time in the same epoch form a class: they have the same
gated candidates at the same costs (``link_candidates``), so to an attacker they are interchangeable. The greedy
matching (closest pairs first, as Hoh et al.'s tracker links the most probable candidate) is computed on the
class's candidates, not on every member's copy of them: a class takes candidates until it has handed one to each
of its members, a candidate goes once. Smart meters and phones at hourly keys make 4-6 times fewer class pairs than
member pairs.

The order, fixed and free of the truth: lower cost first; among equal costs, a pseudo-random mix of (class, new
trace); then the input order. A class hands the candidates it takes, in that order, to its members in the order
of ``mix64`` of their trace codes (never the codes' own order, which follows the raw identifiers). That is exactly
the sequential greedy matching of the member pairs ordered by (cost, mix of class and new trace, mix of the old
trace): every member of a class meets a candidate at the same place in that order, and the first free one takes
it. Computed in vectorised rounds of locally dominant class pairs (first at their new trace, and within the
class's remaining capacity among its pairs still open; Preis, STACS 1999, with capacities), which choose only
pairs the sequential greedy chooses.
"""

from __future__ import annotations

import numpy as np

from simulation.metrics.risk.link_candidates import rank_in_runs
from simulation.metrics.risk.matching import first_at_node, mix64


def greedy_class_matching(member: np.ndarray, pair_class: np.ndarray, pair_new: np.ndarray,
                          pair_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the greedy matching of old traces to new ones, computed on their classes' candidates.

    Args:
        member: Class of every old trace (dense codes from 0).
        pair_class: Class of every candidate pair; each class's pairs together (any order within the class).
        pair_new: New trace of every candidate pair (non-negative).
        pair_cost: Cost of every candidate pair (lower is better).

    Returns:
        The matched (old trace, new trace) pairs.
    """
    member = np.asarray(member, dtype=np.int64)
    pair_class = np.asarray(pair_class, dtype=np.int64)
    pair_new = np.asarray(pair_new, dtype=np.int64)
    pair_cost = np.asarray(pair_cost, dtype=float)
    if pair_class.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    mix = mix64(mix64(pair_class) ^ pair_new.astype(np.uint64))
    order = _ordered_within_classes(pair_class, pair_cost, mix)
    pair_class, pair_new, pair_cost, mix = pair_class[order], pair_new[order], pair_cost[order], mix[order]
    n_classes = int(max(member.max(initial=-1), pair_class.max())) + 1
    room = np.bincount(member, minlength=n_classes)
    taken = np.zeros(int(pair_new.max()) + 1, dtype=bool)
    alive = np.flatnonzero(room[pair_class] > 0)
    was_chosen = np.zeros(pair_class.size, dtype=bool)
    while alive.size:
        cls, new = pair_class[alive], pair_new[alive]
        first = first_at_node(new, -pair_cost[alive], mix[alive], alive, taken.size)  # least cost first
        fits = rank_in_runs(cls) < room[cls]  # a class's open pairs stay together, in order
        picked = alive[first & fits]
        was_chosen[picked] = True
        taken[pair_new[picked]] = True
        room -= np.bincount(pair_class[picked], minlength=n_classes)
        alive = alive[~taken[new] & (room[cls] > 0)]
    picked = np.flatnonzero(was_chosen)  # each class's chosen pairs together, in the order they were taken
    return _hand_to_members(member, pair_class[picked], pair_new[picked])


def _ordered_within_classes(pair_class: np.ndarray, cost: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Return the order of the pairs by (class, cost, mix, position), given pairs already grouped by class.

    Each class holds few pairs, so they are laid out as one short row per class (one array per column) and put in
    order by an odd-even transposition sort of the rows (as many compare-exchange rounds as the widest row has
    pairs) instead of sorting all pairs.
    """
    rank_in_class = rank_in_runs(pair_class)
    width = int(rank_in_class.max()) + 1
    start = np.flatnonzero(rank_in_class == 0)
    count = np.diff(np.append(start, pair_class.size))
    columns = []
    for column in range(width):
        has = count > column
        at = start[has] + column
        column_cost = np.full(start.size, np.inf)
        column_mix = np.full(start.size, np.iinfo(np.uint64).max, dtype=np.uint64)
        column_pair = np.full(start.size, pair_class.size, dtype=np.int64)  # padding sorts last
        column_cost[has], column_mix[has], column_pair[has] = cost[at], mix[at], at
        columns.append((column_cost, column_mix, column_pair))
    for round_ in range(width):
        for left in range(round_ % 2, width - 1, 2):
            first, second = columns[left], columns[left + 1]
            (cost_a, mix_a, pair_a), (cost_b, mix_b, pair_b) = first, second
            swap = (cost_b < cost_a) | ((cost_b == cost_a) & ((mix_b < mix_a) | ((mix_b == mix_a) & (pair_b < pair_a))))
            columns[left] = tuple(np.where(swap, b, a) for a, b in zip(first, second, strict=True))
            columns[left + 1] = tuple(np.where(swap, a, b) for a, b in zip(first, second, strict=True))
    ordered = np.stack([pair for _, _, pair in columns], axis=1).ravel()
    return ordered[ordered < pair_class.size]


def _hand_to_members(member: np.ndarray, pair_class: np.ndarray,
                     pair_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give each class's taken candidates (grouped by class, in order) to its members in their mixed order.

    The r-th candidate a class took goes to its member with the r-th least ``mix64(trace)`` (a bijection, so no
    two members tie), found by one min-scatter per rank over the members still waiting.
    """
    n_classes = int(max(member.max(initial=-1), pair_class.max(initial=-1))) + 1
    wanted = np.bincount(pair_class, minlength=n_classes)
    rank = rank_in_runs(pair_class)
    key = mix64(np.arange(member.size))
    receiver = np.empty(pair_class.size, dtype=np.int64)
    waiting = np.flatnonzero(wanted[member] > 0)
    waiting_class, waiting_key = member[waiting], key[waiting]
    winner = np.full(n_classes, -1, dtype=np.int64)
    for r in range(int(wanted.max(initial=0))):
        least = np.full(n_classes, np.iinfo(np.uint64).max, dtype=np.uint64)
        np.minimum.at(least, waiting_class, waiting_key)
        won = waiting_key == least[waiting_class]
        winner[waiting_class[won]] = waiting[won]
        now = rank == r
        receiver[now] = winner[pair_class[now]]
        still = ~won & (wanted[waiting_class] > r + 1)
        waiting, waiting_class, waiting_key = waiting[still], waiting_class[still], waiting_key[still]
    return receiver, pair_new
