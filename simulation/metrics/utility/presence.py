"""Public device tables and presence estimates: what a released count says about how many people were there."""

from __future__ import annotations

import threading
import weakref
from typing import Literal

import numpy as np
import pandas as pd

from simulation.controls.pseudonymisation import EPOCH_MINUTES
from simulation.metrics.utility.released import (
    ReleasedCells,
    UnitIndex,
    counted_cells,
    joined,
    n_hours,
    spread_to_hours,
    unit_grid_to_zones,
)
from simulation.release import Release
from simulation.scenario import ScenarioConfig

Counting = Literal["detections", "per_instant", "distinct"]


_DEVICE_TABLES: dict[tuple[int, tuple], tuple[weakref.ref, pd.DataFrame]] = {}
_DEVICE_TABLES_LOCK = threading.Lock()  # dashboard sessions assess on several threads


def device_table(sensors: pd.DataFrame, config: ScenarioConfig) -> pd.DataFrame:
    """Return the public list of devices with their deployment settings.

    Built once per sensor table and deployment settings, then shared by every utility (never modify it): a
    control change does not move either.

    Args:
        sensors: ``ObservationLog.sensors`` (sensor, name, kind, zone): where devices stand is public.
        config: The scenario (detection probability and sampling interval of each deployment).

    Returns:
        One row per device: kind, zone, detection_probability, sampling_interval_minutes.
    """
    settings = {s.name: (s.detection_probability, s.sampling_interval_minutes) for s in config.sensors}
    key = (id(sensors), tuple(sorted(settings.items())))
    with _DEVICE_TABLES_LOCK:
        found = _DEVICE_TABLES.get(key)
    if found is not None and found[0]() is sensors:  # the very table, not a new one at a dead one's address
        return found[1]
    table = _device_table(sensors, settings)
    with _DEVICE_TABLES_LOCK:
        if len(_DEVICE_TABLES) >= 32:
            _DEVICE_TABLES.clear()
        _DEVICE_TABLES[key] = (weakref.ref(sensors), table)
    return table


def _device_table(sensors: pd.DataFrame, settings: dict[str, tuple[float, int]]) -> pd.DataFrame:
    table = sensors[["name", "kind", "zone"]].copy()
    table["kind"] = table["kind"].astype(str)
    table["detection_probability"] = [settings.get(n, (1.0, 15))[0] for n in table["name"]]
    table["sampling_interval_minutes"] = [settings.get(n, (1.0, 15))[1] for n in table["name"]]
    return table


def pseudonym_minutes(config: ScenarioConfig) -> int | None:
    """Return how long one pseudonym lasts (the public key rotation), None if it lasts the whole horizon."""
    settings = config.controls.pseudonymisation
    return EPOCH_MINUTES[settings.rotation] if settings.enabled else None


def distinct_per_bin(p: np.ndarray | float, samples: np.ndarray | float, bin_minutes: int,
                     epoch_minutes: int | None) -> np.ndarray | float:
    """Return the distinct pseudonyms one target present for a whole bin adds to a count of distinct pseudonyms.

    Seen at least once (``1 - (1 - p)^k``) in each key epoch the bin spans: with keys rotating faster than the
    bin (hourly keys, 3-hour bins), one target is counted under a new pseudonym in every epoch.
    """
    if epoch_minutes is None or epoch_minutes >= bin_minutes:
        return 1.0 - (1.0 - p) ** np.maximum(samples, 1.0)
    epochs = bin_minutes / epoch_minutes
    return epochs * (1.0 - (1.0 - p) ** np.maximum(samples / epochs, 1.0))


def detection_rate(devices: pd.DataFrame, kind: str, n_zones: int, bin_minutes: int,
                   counting: Counting = "detections", epoch_minutes: int | None = None) -> np.ndarray:
    """Return, per zone, what one target present for a whole released bin adds to the kind's count.

    Summed over the zone's devices of the kind, with p the detection probability and k = bin / sampling interval
    the samples per bin: ``p x k`` detections ("detections": records, people counters, anonymous cameras),
    ``p`` ("per_instant": edge counts, averaged over the bin's instants), or the distinct pseudonyms it shows
    ("distinct": aggregates counting distinct pseudonyms; :func:`distinct_per_bin`, ``epoch_minutes`` being how
    long a pseudonym lasts).
    """
    own = devices[devices["kind"] == kind]
    p = own["detection_probability"].to_numpy(np.float64)
    samples = bin_minutes / own["sampling_interval_minutes"].to_numpy(np.float64)
    if counting == "per_instant":
        rate = p
    elif counting == "distinct":
        rate = distinct_per_bin(p, samples, bin_minutes, epoch_minutes)
    else:
        rate = p * samples
    return np.bincount(own["zone"].to_numpy(np.int64), weights=rate, minlength=n_zones)[:n_zones]


def aggregate_counting(kind: str, config: ScenarioConfig) -> Counting:
    """Return what an aggregate ``count`` of a kind counts (see ``simulation.release``).

    Edge-aggregated kinds: people per sampling instant, averaged over the bin; people counters and cameras
    (anonymous sightings: face templates that match nobody are deleted at capture) count detections; every
    other kind counts distinct pseudonyms.
    """
    if kind in config.controls.edge_aggregation.kinds:
        return "per_instant"
    if kind in ("people_counter", "cctv"):
        return "detections"
    return "distinct"


def covered_zones(devices: pd.DataFrame, kinds: tuple[str, ...], n_zones: int) -> np.ndarray:
    """Return a boolean mask of the zones where a device of one of the kinds stands (any device table)."""
    mask = np.zeros(n_zones, dtype=bool)
    zones = devices.loc[devices["kind"].astype(str).isin(kinds), "zone"].to_numpy(np.int64)
    mask[zones[(zones >= 0) & (zones < n_zones)]] = True
    return mask


def presence_estimate(release: Release, devices: pd.DataFrame, kind: str, n_zones: int, visibility: float,
                      config: ScenarioConfig) -> tuple[np.ndarray, np.ndarray, str]:
    """Estimate the mean number of targets per zone and hour from one kind's released detections.

    A cell's count (records: rows, or the head counts of people counters; aggregates: their ``count``) is divided
    by what one target present for the whole bin adds to it, summed over the unit's devices of the kind
    (:func:`detection_rate`), and by the public share of targets the kind can see at all (``visibility``, e.g.
    phones with Wi-Fi on). The unit's estimate is shared equally among its zones that hold such a device; bins
    are turned into hours as time-weighted means. Records are read where kept, aggregates before that
    (:func:`released_parts`).

    Args:
        release: The release.
        devices: The public device table (:func:`device_table`).
        kind: Sensor kind.
        n_zones: Zones of the city.
        visibility: Share of targets the kind can detect at all (public constant).
        config: The scenario (edge aggregation and face recognition settings tell what a count counts).

    Returns:
        (estimate (n_zones, hours), covered zones mask, source: "records", "aggregates", "records+aggregates"
        or "none").
    """
    units = UnitIndex.of(release)
    hours = n_hours(release)
    covered = covered_zones(devices, (kind,), n_zones)
    estimate = np.zeros((n_zones, hours))
    parts = counted_cells(release, kind, units, config)
    if not parts or not covered.any() or visibility <= 0:
        return estimate, covered, "none"
    per_unit = np.maximum(np.bincount(units.of_zone[covered], minlength=units.n_units), 1)
    levels = []
    for cells in parts:
        counting = "detections" if cells.source == "records" else aggregate_counting(kind, config)
        rate = detection_rate(devices, kind, n_zones, release.time_bin_minutes, counting, pseudonym_minutes(config))
        # mean rate over the unit's covered zones: the cell's count / it = targets in all those zones together
        unit_rate = np.bincount(units.of_zone, weights=rate, minlength=units.n_units) / per_unit
        denominator = unit_rate[cells.unit] * visibility
        level = np.divide(cells.mass, denominator, out=np.zeros(len(cells.mass)), where=denominator > 0)
        levels.append(ReleasedCells(unit=cells.unit, time=cells.time, mass=level, source=cells.source))
    occupancy = joined(levels)
    grid = spread_to_hours(occupancy, units.n_units, release.time_bin_minutes, hours, "occupancy")
    return unit_grid_to_zones(grid, units, covered, share=True), covered, occupancy.source
