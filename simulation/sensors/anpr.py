"""Number-plate readers on arterial roads: the plate of every car driving through their zone."""

from __future__ import annotations

import numpy as np

from simulation.codes import MODE_CAR
from simulation.sensors.base import Detections, Sensor, slot_device_order
from simulation.world import World


class AnprSensor(Sensor):
    """Plate readers: a car is seen in each sampling slot it is driving (mode CAR) through a covered zone."""

    kind = "anpr"
    eligible_column = "road"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record the plate of each car driving through a covered zone at each sampling slot."""
        lookup = self.device_lookup(world, devices)
        plates = world.residents["plate"].to_numpy(np.int64)
        n = world.n_residents
        slots, residents, found = [], [], []
        for rows, chunk in self.sample_chunks(world):
            flat = np.flatnonzero(world.mode[rows] == MODE_CAR)
            row, resident = np.divmod(flat, n)
            device = lookup[world.zone[rows].ravel()[flat]]
            seen = np.flatnonzero((device >= 0) & (plates[resident] >= 0))
            seen = seen[slot_device_order(row[seen], device[seen], len(devices))]
            slots.append(chunk[row[seen]])
            residents.append(resident[seen])
            found.append(device[seen])
        slot, resident, device = (np.concatenate(a) if a else np.empty(0, np.int64)
                                  for a in (slots, residents, found))
        keep = self.thin(rng, len(slot))
        slot, resident, device = slot[keep], resident[keep], device[keep]
        return Detections.build(slot, device, plates[resident], np.nan, resident)
