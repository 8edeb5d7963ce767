"""Transit planning: origin-destination flows between stations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.codes import MODE_TRANSIT
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.truths import remembered_truth
from simulation.metrics.utility.presence import covered_zones
from simulation.metrics.utility.released import UnitIndex, aggregate_counts, released_dataset
from simulation.metrics.utility.score import utility_score
from simulation.release import Release
from simulation.world import World

JOURNEY_GAP_MINUTES: int = 60
"""Taps of one card closer than this (or than one released time bin, if longer) belong to one chain of taps."""


def station_zones(sensors: pd.DataFrame, n_zones: int) -> np.ndarray:
    """Return the zones holding a card reader, sorted (the public station list of the OD matrix)."""
    return np.flatnonzero(covered_zones(sensors, ("transit_card",), n_zones))


def _spread_unit_flows(pairs: np.ndarray, flows: np.ndarray, units: UnitIndex, stations: np.ndarray) -> np.ndarray:
    """Turn flows between released units into flows between stations, shared evenly among a unit's stations."""
    n = units.n_units
    station_unit = units.of_zone[stations]
    per_unit = np.bincount(station_unit, minlength=n).astype(np.float64)
    order = np.argsort(pairs)
    pairs, flows = pairs[order], flows[order]
    wanted = (station_unit[:, None] * n + station_unit[None, :]).ravel()
    pos = np.searchsorted(pairs, wanted).clip(0, max(len(pairs) - 1, 0))
    hit = (pairs[pos] == wanted) if len(pairs) else np.zeros(len(wanted), bool)
    matrix = np.where(hit, flows[pos] if len(pairs) else 0.0, 0.0).reshape(len(stations), len(stations))
    share = per_unit[station_unit]
    return matrix / share[:, None] / share[None, :]


def _journeys_from_taps(frame: pd.DataFrame, units: UnitIndex, bin_minutes: int) -> tuple[np.ndarray, np.ndarray]:
    """Pair each pseudonym's taps into legs; return (origin unit index, destination unit index) of each leg.

    A pseudonym's taps (in time order, within one key epoch) form a chain while consecutive taps are at most
    ``JOURNEY_GAP_MINUTES`` (or one released bin) apart; within a chain, taps are paired in order (tap in, tap
    out). A tap left without a partner (a missed tap, a leg cut by the horizon) is dropped.
    """
    frame = frame[frame["pseudonym"].to_numpy() >= 0]
    uidx = units.lookup(frame["unit"].to_numpy())
    known = uidx >= 0
    pseudonym = frame["pseudonym"].to_numpy(np.int64)[known]
    epoch = frame["epoch"].to_numpy(np.int64)[known]
    time = frame["time"].to_numpy(np.int64)[known]
    uidx = uidx[known]
    if not len(uidx):
        return uidx, uidx
    order = np.lexsort((time, epoch, pseudonym))
    pseudonym, epoch, time, uidx = pseudonym[order], epoch[order], time[order], uidx[order]
    gap = max(JOURNEY_GAP_MINUTES, bin_minutes)
    new = np.ones(len(uidx), dtype=bool)
    new[1:] = (pseudonym[1:] != pseudonym[:-1]) | (epoch[1:] != epoch[:-1]) | (time[1:] - time[:-1] > gap)
    chain_start = np.maximum.accumulate(np.where(new, np.arange(len(uidx)), 0))
    rank = np.arange(len(uidx)) - chain_start
    follows = np.r_[~new[1:], False]
    tap_in = np.flatnonzero((rank % 2 == 0) & follows)
    return uidx[tap_in], uidx[tap_in + 1]


def estimate_transit(release: Release, sensors: pd.DataFrame, n_zones: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Estimate the origin-destination flows between stations from released card data.

    With records, each pseudonym's taps are paired into legs (:func:`_journeys_from_taps`). With only
    aggregates (boardings per unit: the counts of each unit summed over every bin, noisy ones unclipped, then the
    sum kept at zero or above), flows follow the independence (gravity) model: flow(u, v) proportional to
    boardings(u) x boardings(v). Unit flows are shared evenly among the stations of each unit.

    Args:
        release: The release.
        sensors: Public device list (``ObservationLog.sensors``).
        n_zones: Zones of the city.

    Returns:
        (flows (stations x stations), station zones, source read).
    """
    stations = station_zones(sensors, n_zones)
    units = UnitIndex.of(release)
    found = released_dataset(release, "transit_card")
    if found is None or not len(stations):
        return np.zeros((len(stations), len(stations))), stations, "none"
    source, frame = found
    n = units.n_units
    if source == "records":
        origin, destination = _journeys_from_taps(frame, units, release.time_bin_minutes)
        pairs, flows = np.unique(origin * n + destination, return_counts=True)
        return _spread_unit_flows(pairs, flows.astype(np.float64), units, stations), stations, source
    uidx = units.lookup(frame["unit"].to_numpy())
    counts = aggregate_counts(release, "transit_card", frame)
    # noisy counts summed over the week first, then the sum kept non-negative (the gravity model needs it)
    boardings = np.clip(np.bincount(uidx[uidx >= 0], weights=counts[uidx >= 0], minlength=n), 0.0, None)
    active = np.flatnonzero(boardings > 0)
    pairs = (active[:, None] * n + active[None, :]).ravel()
    flows = (boardings[active][:, None] * boardings[active][None, :]).ravel()
    return _spread_unit_flows(pairs, flows, units, stations), stations, source


def transit_truth(world: World, stations: np.ndarray) -> tuple[np.ndarray, int]:
    """Return the true station-to-station flows of transit legs, and the number of legs.

    A leg is a maximal run of slots a resident travels by transit, from the zone of its first slot to the zone of
    its last (where a card holder taps in and out). Legs with both ends at a reader station fill the matrix.
    """
    riding = world.mode == MODE_TRANSIT
    before = np.zeros_like(riding)
    before[1:] = riding[:-1]
    after = np.zeros_like(riding)
    after[:-1] = riding[1:]
    start_slot, start_res = np.nonzero(riding & ~before)
    end_slot, end_res = np.nonzero(riding & ~after)
    first = np.lexsort((start_slot, start_res))
    last = np.lexsort((end_slot, end_res))
    station_index = np.full(world.city.n_zones, -1, dtype=np.int64)
    station_index[stations] = np.arange(len(stations))
    origin = station_index[world.zone[start_slot[first], start_res[first]]]
    destination = station_index[world.zone[end_slot[last], end_res[last]]]
    both = (origin >= 0) & (destination >= 0)
    flows = np.zeros((len(stations), len(stations)))
    np.add.at(flows, (origin[both], destination[both]), 1.0)
    return flows, len(origin)


def utility_transit(ctx: AssessmentContext) -> MetricResult:
    """Origin-destination flows between stations.

    Definition: truth is the matrix of transit legs between their boarding and alighting stations, for legs
    whose both ends have a card reader (world presence arrays); the estimate comes from released card data only
    (:func:`estimate_transit`). Both are normalised to shares of all flows;
    ``accuracy = 1 - total variation distance = 1 - 0.5 sum|p_est - p_true|`` (one minus the normalised L1
    error, i.e. the share of true flow mass recovered in the right cells); ``coverage`` is the share of all
    transit legs with a reader at both ends; ``utility_transit = accuracy x coverage``.
    Source: OD-matrix similarity and flow mass retained, Kapp et al. (2022).
    """
    estimate, stations, source = estimate_transit(ctx.release, ctx.log.sensors, ctx.world.city.n_zones)
    truth, trips = remembered_truth(ctx.world, ("transit_truth", stations.tobytes()),
                                    lambda: transit_truth(ctx.world, stations))
    coverage = float(truth.sum() / trips) if trips else 0.0
    acc = 0.0
    if truth.sum() > 0 and estimate.sum() > 0:
        acc = float(1.0 - 0.5 * np.abs(estimate / estimate.sum() - truth / truth.sum()).sum())
    breakdown = pd.DataFrame([{"kind": "transit_card", "source": source, "stations": len(stations),
                               "legs": trips, "legs_seen": float(truth.sum()), "accuracy": acc,
                               "coverage": coverage, "value": utility_score(acc, coverage)}])
    return MetricResult(name="utility_transit", value=utility_score(acc, coverage), breakdown=breakdown)
