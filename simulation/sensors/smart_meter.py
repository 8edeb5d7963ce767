"""Household electricity meters: consumption per reading interval, driven by who is at home and the hour.

One meter per household, standing in the household's home zone; a deployment covers the households whose home
zone has one of its devices. Each reading (one per sampling interval, default 30 minutes as UK meters store) is

    kWh = (BASE_KW + PERSON_KW * occupants * HOUR_FACTOR[hour]) * hours * LogNormal(0, NOISE_SIGMA)

where ``occupants`` is the mean number of household members at home (activity HOME) over the interval. The
token is the meter id; the resident column holds the household's lowest resident id.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import HOME, RESIDENTIAL_USES
from simulation.sensors.base import CHUNK_CELLS, Detections, Sensor
from simulation.world import World
from simulation.world.city import City

BASE_KW = 0.15
"""Always-on load of a dwelling (fridge, standby), kW."""
PERSON_KW = 0.35
"""Load added by one awake occupant at an hour of factor 1, kW."""
HOUR_FACTOR = np.array([0.3, 0.25, 0.2, 0.2, 0.2, 0.3, 0.8, 1.3, 1.1, 0.8, 0.8, 0.9,
                        1.0, 0.9, 0.8, 0.8, 1.0, 1.4, 1.7, 1.6, 1.4, 1.2, 0.9, 0.5])
"""Occupant activity by hour of day (sleeping at night, morning and evening peaks)."""
NOISE_SIGMA = 0.15
"""Standard deviation of the log of the multiplicative noise of a reading."""
READING_BOUND_KW = 3.0
"""Public reading range: the mean power (kW) of one reading that a privacy curator counts in full; readings above
``READING_BOUND_KW x interval hours`` are clipped before their sums are noised. [design] about a household's
evening peak with four people at home (0.15 + 4 x 0.35 x 1.7 = 2.5 kW) plus the readings' spread."""


class SmartMeterSensor(Sensor):
    """Meters of every household living in a covered residential zone."""

    kind = "smart_meter"

    def eligible_zones(self, city: City) -> np.ndarray:
        """Return the residential zones."""
        return np.flatnonzero(city.zones["land_use"].isin(RESIDENTIAL_USES).to_numpy()).astype(np.int32)

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record one reading per interval for every covered household meter."""
        residents = world.residents
        household = residents["household"].to_numpy(np.int64)
        # residents sorted by household, then id: the first of each run is the household's lowest resident id
        members = np.lexsort((np.arange(world.n_residents), household))
        starts = np.flatnonzero(np.r_[True, household[members][1:] != household[members][:-1]])
        head = members[starts].astype(np.int32)
        device = self.device_lookup(world, devices)[residents["home_zone"].to_numpy(np.int64)[head]]
        covered = np.flatnonzero(device >= 0)
        if len(covered) == 0:
            return Detections.concat([])
        covered = covered[np.lexsort((head[covered], device[covered]))]  # readings of a slot in device order
        size = np.diff(np.r_[starts, len(members)])
        covered_members = members[np.repeat(starts[covered], size[covered]) + _ranges(size[covered])]
        first_member = np.r_[0, np.cumsum(size[covered])[:-1]]
        occupants = self.occupancy(world, covered_members, first_member)
        step = self.sampling_step(world)
        slots = self.sampling_slots(world)
        hours = (np.minimum(step, world.n_slots - slots) * world.slot_minutes / 60.0).astype(np.float32)
        hour = world.slot_hour()[slots]
        kw = BASE_KW + PERSON_KW * occupants * HOUR_FACTOR.astype(np.float32)[hour][:, None]
        kwh = kw * hours[:, None] * np.exp(NOISE_SIGMA * rng.standard_normal(kw.shape, dtype=np.float32))
        n_households = len(covered)
        slot = np.repeat(slots, n_households)
        which = np.tile(np.arange(n_households, dtype=np.int32), len(slots))
        meter = residents["meter"].to_numpy(np.int64)[head[covered]]
        readings = Detections.build(slot, device[covered][which], meter[which], kwh.ravel(), head[covered][which])
        return self.thin_records(rng, readings)

    def occupancy(self, world: World, members: np.ndarray, first_member: np.ndarray) -> np.ndarray:
        """Return the mean number of members at home per sampling interval, (n_samples, n_households).

        Args:
            world: The simulated week.
            members: Residents of the covered households, grouped by household.
            first_member: Position in ``members`` of each household's first member.
        """
        step = self.sampling_step(world)
        rows = max(step, CHUNK_CELLS // max(1, len(members)) // step * step)
        parts = []
        for first in range(0, world.n_slots, rows):
            at_home = world.activity[first: first + rows] == HOME
            starts = np.arange(0, len(at_home), step)
            lengths = np.minimum(step, len(at_home) - starts)
            per_interval = interval_sums(at_home, step)[:, members]
            per_household = np.add.reduceat(per_interval, first_member, axis=1, dtype=np.int32)
            parts.append(per_household.astype(np.float32) / lengths[:, None].astype(np.float32))
        return np.concatenate(parts)


def interval_sums(flags: np.ndarray, step: int) -> np.ndarray:
    """Return the sums of consecutive runs of ``step`` rows of a (rows, n) boolean array (the last run may be short)."""
    full = len(flags) // step * step
    sums = flags[:full].reshape(-1, step, flags.shape[1]).sum(axis=1, dtype=np.int16)
    if full < len(flags):
        sums = np.vstack([sums, flags[full:].sum(axis=0, dtype=np.int16)[None, :]])
    return sums


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """Return 0..size-1 for every size, concatenated."""
    ends = np.cumsum(sizes)
    return np.arange(ends[-1]) - np.repeat(ends - sizes, sizes)
