"""Air-quality nodes: per sampling slot and device, a pollutant index driven by the cars in and around the zone.

    index = BACKGROUND + IN_ZONE * cars in the zone + AROUND * cars in the 8 neighbouring zones + Normal(0, NOISE)

clipped at 0, where a car is a resident driving (mode CAR) in that slot, and each car's emissions reach the node
with the detection probability (a binomial thinning of the car counts: the node's sensitivity). One row per
sampling slot per device; no token, no resident.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import MODE_CAR, NO_RESIDENT, NO_TOKEN
from simulation.sensors.base import Detections, Sensor
from simulation.world import World

BACKGROUND = 10.0
"""Index with no traffic nearby (regional background)."""
IN_ZONE = 2.0
"""Index added by each car driving in the node's zone."""
AROUND = 0.5
"""Index added by each car driving in a neighbouring zone."""
NOISE = 1.5
"""Standard deviation of the measurement noise."""


def cars_per_zone(world: World, sensor: Sensor) -> np.ndarray:
    """Return the number of cars driving in each zone at each sampling slot, (n_samples, n_zones)."""
    n, n_zones = world.n_residents, world.city.n_zones
    parts = []
    for rows, chunk in sensor.sample_chunks(world):
        flat = np.flatnonzero(world.mode[rows] == MODE_CAR)
        row = flat // n
        zone = world.zone[rows].ravel()[flat]
        parts.append(np.bincount(row * n_zones + zone, minlength=len(chunk) * n_zones).reshape(len(chunk), n_zones))
    return np.concatenate(parts) if parts else np.zeros((0, n_zones), dtype=np.int64)


def neighbour_sum(grid: np.ndarray) -> np.ndarray:
    """Return, for each cell of (n, height, width) grids, the sum over its 8 neighbours."""
    padded = np.pad(grid, ((0, 0), (1, 1), (1, 1)))
    height, width = grid.shape[1:]
    total = sum(padded[:, 1 + dy: 1 + dy + height, 1 + dx: 1 + dx + width]
                for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    return total - grid


class EnvIotSensor(Sensor):
    """Air-quality nodes publishing a pollutant index per sampling slot."""

    kind = "env_iot"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record one pollutant reading per sampling slot per device."""
        city = world.city
        slots = self.sampling_slots(world)
        cars = cars_per_zone(world, self)
        grid = cars.reshape(len(slots), city.height, city.width)
        around = neighbour_sum(grid).reshape(len(slots), -1)
        p = self.config.detection_probability
        index = (BACKGROUND + IN_ZONE * rng.binomial(cars[:, devices], p)
                 + AROUND * rng.binomial(around[:, devices], p))
        index = np.maximum(index + rng.normal(0.0, NOISE, size=index.shape), 0.0)
        return Detections.build(np.repeat(slots, len(devices)), np.tile(np.arange(len(devices)), len(slots)),
                                NO_TOKEN, index.ravel(), NO_RESIDENT)
