"""Trajectories rebuilt from released counts alone (Xu et al. 2017, "Trajectory recovery from ash").

The adversary holds, for one sensor kind, the number of people counted in every (time bin, unit) cell. It splits
each count into that many anonymous *slots* and links the slots of consecutive bins into chains, the recovered
trajectories. The links are a minimum-cost assignment between consecutive bins, solved at the level of units (a
transport problem), never person by person:

1. **Stay** (cost 0, Xu et al.'s night rule): of the people counted at a unit in two consecutive bins,
   ``min(count before, count after)`` are taken to have stayed. For any distance, some optimal transport keeps
   this mass in place (triangle inequality), so this step is exact.
2. **Short gaps**: a slot that ends at a unit and a slot that starts at the same unit at most
   ``gap_bins`` bins later are the same person missed by the sensor in between (a detection probability below 1).
3. **Moves** (Xu et al.'s day rule, nearest first): the remaining departures of each bin are sent to the remaining
   arrivals of the next bin, nearest first, within ``reach`` (the distance one can travel in a bin): first over
   the unit grid's offsets in order of length up to ``NEAR_BLOCKS`` (each offset is one vectorised pass over all
   bins, since a shift maps units one to one), then over every remaining (departure, arrival) pair of a bin by
   rounds of mutual nearest pairs. This is the greedy transport; Xu et al. solve the same assignment with the
   Hungarian algorithm per bin, which costs O(n^3) in people per step. (Their velocity term is left out: a chain's
   velocity would make the slots of one unit distinguishable and the problem person-level again.)

Departures left over end their chain; arrivals left over start a new one. Which slot of a unit leaves is a
convention (the most recently arrived, last in first out): slots of one unit are indistinguishable in counts.

A chain is stored as *segments*: runs of bins in which one slot stays at one unit. Everything here reads the
counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulation.blockwise import dense_ranks, stable_order

NEAR_BLOCKS = 4.0
"""Longest grid offset (in units) linked by the vectorised nearest-first passes; longer moves by mutual rounds."""


@dataclass(frozen=True, eq=False)
class UnitGrid:
    """Where the released units lie: grid coordinates (in units of one block) of the units that hold counts.

    Attributes:
        unit: Released unit id of each compact unit (sorted).
        gx: Grid column of each compact unit.
        gy: Grid row of each compact unit.
    """

    unit: np.ndarray
    gx: np.ndarray
    gy: np.ndarray

    @property
    def n(self) -> int:
        """Number of units."""
        return len(self.unit)

    def neighbours(self, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        """Return, per offset (dx[k], dy[k]) and unit, the unit at that offset (-1 if none), shape (offsets, n)."""
        lookup = np.full((int(self.gy.max(initial=0)) + 1, int(self.gx.max(initial=0)) + 1), -1, dtype=np.int64)
        lookup[self.gy, self.gx] = np.arange(self.n)
        x, y = self.gx[None, :] + dx[:, None], self.gy[None, :] + dy[:, None]
        inside = (x >= 0) & (y >= 0) & (x < lookup.shape[1]) & (y < lookup.shape[0])
        return np.where(inside, lookup[np.where(inside, y, 0), np.where(inside, x, 0)], -1)

    @cached_property
    def sixteenths(self) -> np.ndarray:
        """Distance between every two units in sixteenths of a block (int16, (n, n))."""
        distance = np.hypot(self.gx[:, None] - self.gx[None, :], self.gy[:, None] - self.gy[None, :])
        return np.minimum(np.rint(distance * 16), np.iinfo(np.int16).max).astype(np.int16)


@dataclass(frozen=True, eq=False)
class Chains:
    """The recovered trajectories of one kind's counts.

    Attributes:
        counts: Slots per (bin, compact unit), int64 (n_bins, n_units).
        seg_unit: Compact unit of every segment.
        seg_level: Slot level of every segment (its position among the unit's slots).
        seg_first: First bin of every segment.
        seg_last: Last bin of every segment (inclusive).
        seg_chain: Chain (recovered trajectory) of every segment, dense from 0.
        n_chains: Number of chains.
        links: Moves and gap links made, by step (for the breakdown).
    """

    counts: np.ndarray
    seg_unit: np.ndarray
    seg_level: np.ndarray
    seg_first: np.ndarray
    seg_last: np.ndarray
    seg_chain: np.ndarray
    n_chains: int
    links: dict[str, int]

    @cached_property
    def chain_bins(self) -> np.ndarray:
        """Bins covered by each chain (one slot per bin)."""
        return np.bincount(self.seg_chain, weights=self.seg_last - self.seg_first + 1,
                           minlength=self.n_chains).astype(np.int64)

    @cached_property
    def by_slot(self) -> tuple[np.ndarray, np.ndarray, int]:
        """Return the segments ordered by (unit, level, first bin), their sort keys and the level span."""
        span = int(self.seg_level.max(initial=0)) + 1
        key = (self.seg_unit * span + self.seg_level) * self.counts.shape[0] + self.seg_first
        order = np.argsort(key)
        return order, key[order], span

    def chains_at(self, time_bin: np.ndarray, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the chains holding a slot of each cell (bin, compact unit), as (cell index, chain) pairs."""
        per_cell = self.counts[time_bin, unit]
        cell = np.repeat(np.arange(len(time_bin)), per_cell)
        level = np.arange(len(cell)) - np.repeat(np.cumsum(per_cell) - per_cell, per_cell)
        order, key, span = self.by_slot
        query = (unit[cell].astype(np.int64) * span + level) * self.counts.shape[0] + time_bin[cell]
        return cell, self.seg_chain[order[np.searchsorted(key, query, side="right") - 1]]


def split_days(chains: Chains, day_of_bin: np.ndarray) -> Chains:
    """Return the chains cut into daily pieces (Xu et al.'s daily trajectories), each piece numbered as a chain.

    Slots of one unit are indistinguishable, so who stays and who leaves a crowded unit (a home at night) is a
    convention; a day's piece starts among the people at a unit and follows one of them through the day.
    Joining the pieces of different days is the next step (``aggregate_recovery.join_days``).

    Args:
        chains: Chains over the whole horizon.
        day_of_bin: Day (non-decreasing, from 0) of every bin.
    """
    first_day, last_day = day_of_bin[chains.seg_first], day_of_bin[chains.seg_last]
    parts = last_day - first_day + 1
    seg = np.repeat(np.arange(len(parts)), parts)
    day = first_day[seg] + np.arange(seg.size) - np.repeat(np.cumsum(parts) - parts, parts)
    day_first = np.searchsorted(day_of_bin, np.arange(int(day_of_bin[-1]) + 2))
    first = np.maximum(chains.seg_first[seg], day_first[day])
    last = np.minimum(chains.seg_last[seg], day_first[day + 1] - 1)
    n_days = int(day_of_bin[-1]) + 1
    piece, piece_of = dense_ranks(chains.seg_chain[seg] * n_days + day, chains.n_chains * n_days)
    return Chains(counts=chains.counts, seg_unit=chains.seg_unit[seg], seg_level=chains.seg_level[seg],
                  seg_first=first, seg_last=last, seg_chain=piece_of, n_chains=len(piece),
                  links=chains.links)


def slot_counts(counts: np.ndarray) -> np.ndarray:
    """Return released counts as whole slots: rounded, negatives (noise) clipped to 0 (post-processing)."""
    return np.clip(np.rint(counts), 0, None).astype(np.int64)


def _events(counts: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the slots present in ``counts`` but not ``other``.

    Returns:
        Their cells and levels, in (cell, level) order, and the index of each cell's first such slot.
    """
    extra = np.clip(counts - other, 0, None).ravel()
    first = np.cumsum(extra) - extra
    cell = np.repeat(np.arange(extra.size), extra)
    level = other.ravel()[cell] + (np.arange(cell.size) - first[cell])
    return cell, level, first


def _segments(n_bins: int, n_units: int, span: int, starts: tuple, ends: tuple) -> tuple[np.ndarray, ...]:
    """Return the segments (unit, level, first bin, last bin) and each end event's segment.

    Start events are ordered by (cell, level), and so are end events; slots of one (unit, level) start and end in
    turn, so sorting both by (unit, level, bin) pairs the k-th start with the k-th end.
    """
    start_cell, start_level, _ = starts
    end_cell, end_level, _ = ends
    # events come in bin order: a stable sort by (unit, level) puts them in (unit, level, bin) order
    start_order = stable_order((start_cell % n_units) * span + start_level, n_units * span)
    end_order = stable_order((end_cell % n_units) * span + end_level, n_units * span)
    seg_of_end = np.empty(end_cell.size, dtype=np.int64)
    seg_of_end[end_order] = start_order  # a segment is numbered as its start event
    seg_last = np.empty(start_cell.size, dtype=np.int64)
    seg_last[start_order] = end_cell[end_order] // n_units
    return start_cell % n_units, start_level, start_cell // n_units, seg_last, seg_of_end


def _near_offsets(reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the grid offsets (dx, dy) other than (0, 0) no longer than min(reach, NEAR_BLOCKS), shortest first."""
    radius = min(reach, NEAR_BLOCKS)
    r = int(np.floor(radius))
    dx, dy = np.meshgrid(np.arange(-r, r + 1), np.arange(-r, r + 1))
    dx, dy = dx.ravel(), dy.ravel()
    length = np.hypot(dx, dy)
    keep = (length > 0) & (length <= radius)
    order = np.lexsort((dx[keep], dy[keep], length[keep]))
    return dx[keep][order], dy[keep][order]


class _Flows:
    """Departures and arrivals still to link, and the unit-level links made: (from cell, to cell, people)."""

    def __init__(self, counts: np.ndarray) -> None:
        zero = np.zeros((1, counts.shape[1]), dtype=counts.dtype)
        self.n_bins, self.n_units = counts.shape
        self.leaving = np.clip(counts - np.vstack([counts[1:], zero]), 0, None).ravel()  # ends at (bin, unit)
        self.arriving = np.clip(counts - np.vstack([zero, counts[:-1]]), 0, None).ravel()  # starts at (bin, unit)
        self.leaving[(self.n_bins - 1) * self.n_units:] = 0  # the horizon's end: nothing to link to
        self.made: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def link(self, source: np.ndarray, target: np.ndarray) -> int:
        """Link as many departures of ``source`` cells to arrivals of ``target`` cells as both hold.

        Each source and each target may occur once (the update is a plain fancy-index assignment).
        """
        moved = np.minimum(self.leaving[source], self.arriving[target])
        done = moved > 0
        if not done.any():
            return 0
        source, target, moved = source[done], target[done], moved[done]
        self.leaving[source] -= moved
        self.arriving[target] -= moved
        self.made.append((source, target, moved))
        return int(moved.sum())

    def bridge_gaps(self, gap_bins: int) -> int:
        """Link departures to arrivals at the same unit 2..gap_bins+1 bins later, shortest gap first."""
        total = 0
        cells = self.n_bins * self.n_units
        for gap in range(2, gap_bins + 2):
            source = np.flatnonzero(self.leaving[:max(cells - gap * self.n_units, 0)])
            total += self.link(source, source + gap * self.n_units)
        return total

    def near_moves(self, grid: UnitGrid, reach: float) -> int:
        """Link departures to arrivals in the next bin over short grid offsets, shortest first."""
        neighbour = grid.neighbours(*_near_offsets(reach))
        active = np.flatnonzero(self.leaving)
        unit = active % self.n_units
        total = 0
        for step, to_unit in enumerate(neighbour):
            if step % 4 == 3:
                keep = self.leaving[active] > 0
                active, unit = active[keep], unit[keep]
            to = to_unit[unit]
            ok = to >= 0
            source = active[ok]
            total += self.link(source, source + (self.n_units - unit[ok] + to[ok]))
        return total

    def far_moves(self, grid: UnitGrid, reach: float) -> int:
        """Link the remaining departures to the remaining arrivals of the next bin by rounds of mutual nearest."""
        source = np.flatnonzero(self.leaving)
        target = np.flatnonzero(self.arriving)
        if source.size == 0 or target.size == 0:
            return 0
        t_first = np.searchsorted(target // self.n_units, np.arange(self.n_bins + 1))
        next_bin = source // self.n_units + 1  # never past the last bin: nothing leaves the last bin
        low = t_first[next_bin]
        per_source = t_first[next_bin + 1] - low
        pair_s = np.repeat(np.arange(source.size), per_source)
        pair_t = np.arange(pair_s.size) - np.repeat(np.cumsum(per_source) - per_source - low, per_source)
        cost = grid.sixteenths[source[pair_s] % self.n_units, target[pair_t] % self.n_units]
        near = np.flatnonzero(cost <= reach * 16)
        order = near[np.argsort(cost[near], kind="stable")]  # a radix sort (16-bit keys)
        pair_s, pair_t = pair_s[order], pair_t[order]
        total = 0
        while pair_s.size:
            rank = np.arange(pair_s.size)
            best_s = np.full(source.size, pair_s.size, dtype=np.int64)
            best_t = np.full(target.size, pair_s.size, dtype=np.int64)
            np.minimum.at(best_s, pair_s, rank)
            np.minimum.at(best_t, pair_t, rank)
            mutual = (best_s[pair_s] == rank) & (best_t[pair_t] == rank)
            total += self.link(source[pair_s[mutual]], target[pair_t[mutual]])
            alive = (self.leaving[source[pair_s]] > 0) & (self.arriving[target[pair_t]] > 0)
            pair_s, pair_t = pair_s[alive], pair_t[alive]
        return total

    def links(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return every link made, in the order made: (from cell, to cell, people)."""
        if not self.made:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        return tuple(np.concatenate(part) for part in zip(*self.made, strict=True))


def _ranks_in_groups(group: np.ndarray, size: np.ndarray, n_groups: int) -> np.ndarray:
    """Return, for each link (grouped by cell in a stable order), its first rank among the cell's slots."""
    order = stable_order(group, n_groups)
    cum = np.cumsum(size[order]) - size[order]
    starts = np.r_[0, np.flatnonzero(group[order][1:] != group[order][:-1]) + 1] if group.size else np.empty(0, int)
    first_of = np.repeat(cum[starts], np.diff(np.r_[starts, group.size]))
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = cum - first_of
    return rank


def _chain_labels(successor: np.ndarray) -> np.ndarray:
    """Return a dense chain number per segment, given each segment's successor (-1 for none)."""
    n = successor.size
    predecessor = np.full(n, -1, dtype=np.int64)
    linked = successor >= 0
    predecessor[successor[linked]] = np.flatnonzero(linked)
    is_root = predecessor < 0
    root = np.where(is_root, np.arange(n), predecessor)
    while True:  # pointer jumping: log2(longest chain) passes
        jumped = root[root]
        if np.array_equal(jumped, root):
            break
        root = jumped
    return (np.cumsum(is_root) - 1)[root]


def recover_chains(counts: np.ndarray, grid: UnitGrid, reach: float, gap_bins: int) -> Chains:
    """Link the slots of a kind's counts into recovered trajectories.

    Args:
        counts: Released counts per (bin, compact unit) (noisy counts allowed; missing cells as 0).
        grid: Grid coordinates of the compact units.
        reach: Longest move between consecutive bins, in grid units.
        gap_bins: Longest run of bins in which a staying person may go unseen.
    """
    slots = slot_counts(counts)
    n_bins, n_units = slots.shape
    zero = np.zeros((1, n_units), dtype=slots.dtype)
    starts = _events(slots, np.vstack([zero, slots[:-1]]))
    ends = _events(slots, np.vstack([slots[1:], zero]))
    seg_unit, seg_level, seg_first, seg_last, seg_of_end = _segments(n_bins, n_units, int(slots.max(initial=0)) + 1,
                                                                     starts, ends)
    flows = _Flows(slots)
    gaps = flows.bridge_gaps(gap_bins)
    near = flows.near_moves(grid, reach)
    far = flows.far_moves(grid, reach)
    source, target, people = flows.links()
    # the ends of a cell are ordered by level (as _events makes them); links take them in the order they were made
    link = np.repeat(np.arange(source.size), people)
    within = np.arange(link.size) - np.repeat(np.cumsum(people) - people, people)
    end_event = ends[2][source][link] + _ranks_in_groups(source, people, slots.size)[link] + within
    start_event = starts[2][target][link] + _ranks_in_groups(target, people, slots.size)[link] + within
    successor = np.full(seg_unit.size, -1, dtype=np.int64)
    successor[seg_of_end[end_event]] = start_event  # a segment is numbered as its start event
    chain = _chain_labels(successor)
    return Chains(counts=slots, seg_unit=seg_unit, seg_level=seg_level, seg_first=seg_first, seg_last=seg_last,
                  seg_chain=chain, n_chains=int(chain.max(initial=-1)) + 1,
                  links={"gap": gaps, "near": near, "far": far})
