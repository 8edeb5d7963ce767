"""What every sensor kind shares: placement in zones, sampling slots and the bulk presence scan.

Sensors are plain classes, not Mesa agents. Stage 2 is a pure function of a finished World (see DESIGN.md): a
device never moves, never acts on the model and never needs the scheduler, so a ``mesa.discrete_space.FixedAgent``
would only add a model reference and a cell per device. Detection runs in bulk over the (slot, resident) arrays
through a zone -> device lookup, drawing random numbers only for the residents present in covered zones
(the architecture that reached the speed targets; bench/README.md has the figures).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np
import pandas as pd

from simulation.codes import AWAY, HOME
from simulation.rng import stream
from simulation.scenario import Placement, SensorBase
from simulation.sensors.records import Detections, assemble
from simulation.world import World
from simulation.world.city import City
from simulation.world.city_io import listing

CHUNK_CELLS = 4_000_000
"""Upper bound on the (slot, resident) cells scanned at once, so 100,000 residents stay within modest memory."""


def placement_problems(placement: Placement, city: City) -> list[str]:
    """Return what in a placement the city does not have: unknown districts, zone ids outside the grid.

    Long lists are shortened to their first few items and a count, so a message stays short.
    """
    problems = []
    known = city.districts()
    unknown = sorted(set(placement.districts) - set(known))
    if unknown:
        problems.append(f"unknown district(s) {listing(unknown)}; this city's districts are: {listing(known)}")
    outside = sorted({zone for zone in placement.zones if not 0 <= zone < city.n_zones})
    if outside:
        problems.append(f"zone(s) {listing(outside)} out of range; this city has zones 0..{city.n_zones - 1}")
    return problems


class Sensor:
    """A deployment of one sensor kind: its placement, its sampling and what it records.

    Subclasses set ``kind``, may narrow ``eligible_zones`` and implement ``detect``.

    Args:
        config: The deployment as written in the scenario.
        seed: The scenario seed, for state shared by every deployment (the watchlist, randomised addresses).
    """

    kind: ClassVar[str] = ""
    eligible_column: ClassVar[str | None] = None
    """A boolean column of ``city.zones`` that marks the eligible zones (None: every zone)."""

    def __init__(self, config: SensorBase, seed: int = 0) -> None:
        self.config = config
        self.seed = int(seed)

    @property
    def name(self) -> str:
        """The deployment's unique name."""
        return self.config.name

    def eligible_zones(self, city: City) -> np.ndarray:
        """Return the zones this kind can stand in: those marked by ``eligible_column``, or every zone."""
        if self.eligible_column is None:
            return np.arange(city.n_zones, dtype=np.int32)
        return np.flatnonzero(city.zones[self.eligible_column].to_numpy(bool)).astype(np.int32)

    def place(self, city: City, seed: int) -> np.ndarray:
        """Return the sorted zones of this deployment's devices (one device per zone).

        The union of a random ``zone_share`` of the eligible zones (drawn from the stream
        ``("placement", name)``; a larger share keeps every zone of a smaller one), every eligible zone of the named
        districts, and the explicit zones.

        Args:
            city: The city.
            seed: The scenario seed.

        Returns:
            int32 array of distinct zone ids, ascending.

        Raises:
            ValueError: A district the city does not have, or a zone id outside the city.
        """
        placement = self.config.placement
        eligible = self.eligible_zones(city)
        order = stream(seed, "placement", self.name).permutation(eligible)
        chosen = [order[: int(round(placement.zone_share * len(eligible)))]]
        problems = placement_problems(placement, city)
        if problems:
            raise ValueError(f"sensor {self.name!r}: " + "; ".join(problems))
        if placement.districts:
            in_districts = city.zones["district"].isin(placement.districts).to_numpy()
            chosen.append(eligible[in_districts[eligible]])
        if placement.zones:
            chosen.append(np.asarray(placement.zones, dtype=np.int64))
        return np.unique(np.concatenate(chosen)).astype(np.int32)

    def sampling_step(self, world: World) -> int:
        """Return the number of slots between two samples.

        Raises:
            ValueError: The sampling interval is not a multiple of the world's slot.
        """
        interval = self.config.sampling_interval_minutes
        if interval % world.slot_minutes:
            raise ValueError(
                f"sensor {self.name!r}: sampling_interval_minutes={interval} is not a multiple of the "
                f"slot length ({world.slot_minutes} minutes)")
        return interval // world.slot_minutes

    def sampling_slots(self, world: World) -> np.ndarray:
        """Return the slots in which this deployment records (every ``step``-th slot from slot 0)."""
        return np.arange(0, world.n_slots, self.sampling_step(world), dtype=np.int32)

    def observe(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        """Return this deployment's records in the observation-log schema (``sensor`` = device position).

        Args:
            world: The simulated week.
            devices: Zones of the deployment's devices, as returned by ``place``.
            rng: The deployment's own random stream.
        """
        return assemble([self.detect(world, devices, rng)], [self.kind], np.zeros(1, dtype=np.int64),
                        np.asarray(devices, dtype=np.int32), world.n_slots)

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Return this deployment's records as columns (implemented by each kind)."""
        raise NotImplementedError(f"{type(self).__name__} must implement detect()")

    # ------------------------------------------------------------ helpers shared by the kinds

    def device_lookup(self, world: World, devices: np.ndarray) -> np.ndarray:
        """Return an int32 array over zones: the device index standing in each zone, -1 where none."""
        lookup = np.full(world.city.n_zones, -1, dtype=np.int32)
        lookup[devices] = np.arange(len(devices), dtype=np.int32)
        return lookup

    def sample_chunks(self, world: World) -> Iterator[tuple[slice, np.ndarray]]:
        """Yield (row slice of the (slot, resident) arrays, slot numbers) over the sampling slots, in bounded chunks."""
        step = self.sampling_step(world)
        rows = max(1, CHUNK_CELLS // max(1, world.n_residents))
        slots = self.sampling_slots(world)
        for first in range(0, len(slots), rows):
            chunk = slots[first: first + rows]
            yield slice(int(chunk[0]), int(chunk[-1]) + 1, step), chunk

    def thin(self, rng: np.random.Generator, n: int) -> np.ndarray | slice:
        """Return which of ``n`` candidates are detected, each with the detection probability."""
        p = self.config.detection_probability
        if p >= 1.0:
            return slice(None)
        return rng.random(n, dtype=np.float32) < np.float32(p)

    def thin_records(self, rng: np.random.Generator, records: Detections) -> Detections:
        """Return the records that are detected, each with the detection probability."""
        keep = self.thin(rng, len(records))
        return records if isinstance(keep, slice) else records.select(keep)


def slot_device_order(row: np.ndarray, device: np.ndarray, n_devices: int) -> np.ndarray:
    """Return the stable permutation ordering records by (row, device); ties keep their order.

    Two stable 16-bit radix passes (device, then row) when both fit 16 bits, as they do for any city and horizon
    the schema allows; otherwise one stable sort of a combined key.

    Args:
        row: Non-negative slot (or slot-row) of each record.
        device: Device of each record, 0..n_devices-1.
        n_devices: Number of devices.
    """
    if len(row) == 0:
        return np.empty(0, dtype=np.intp)
    if n_devices <= (1 << 16) and int(row.max()) < (1 << 16):
        by_device = np.argsort(device.astype(np.uint16), kind="stable")
        return by_device[np.argsort(row[by_device].astype(np.uint16), kind="stable")]
    return np.argsort(row.astype(np.int64) * max(1, n_devices) + device, kind="stable")


def present_in_covered(world: World, sensor: Sensor, lookup: np.ndarray, carriers: np.ndarray | None = None,
                       outdoors: bool = False, ordered: bool = True, rng: np.random.Generator | None = None,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (slot, resident, device) of everyone in a covered zone at the sensor's sampling slots.

    Args:
        world: The simulated week.
        sensor: The deployment (gives the sampling slots).
        lookup: Zone -> device index, -1 where no device stands.
        carriers: Optional boolean mask over residents: only these can be seen (e.g. phones with Wi-Fi on).
        outdoors: Leave out residents at home (inside a dwelling, out of a street sensor's view).
            Residents out of town (AWAY, standing at their gateway zone) are never seen.
        ordered: Order each slot's records by device (False: by resident, for callers that only count).
        rng: If given, keep each presence with the sensor's detection probability (drawn chunk by chunk, so the
            full-length candidate arrays are never built).

    Returns:
        int32 slot, resident and device arrays, ordered by slot, device (if ``ordered``), then resident.
    """
    n, n_devices = world.n_residents, int(lookup.max()) + 1
    slots, residents, devices = [], [], []
    for rows, chunk in sensor.sample_chunks(world):
        device = lookup[world.zone[rows]]
        hit = device >= 0
        if carriers is not None:
            hit &= carriers[None, :]
        if outdoors:
            hit &= world.activity[rows] != HOME
        flat = np.flatnonzero(hit)
        flat = flat[world.activity[rows].ravel()[flat] != AWAY]
        row, resident = np.divmod(flat, n)
        device = device.ravel()[flat]
        if rng is not None:
            kept = sensor.thin(rng, len(flat))
            row, resident, device = row[kept], resident[kept], device[kept]
        order = slot_device_order(row, device, n_devices) if ordered else slice(None)
        slots.append(chunk[row[order]])
        residents.append(resident[order].astype(np.int32))
        devices.append(device[order])
    if not slots:
        empty = np.empty(0, np.int32)
        return empty, empty, empty
    return np.concatenate(slots), np.concatenate(residents), np.concatenate(devices)
