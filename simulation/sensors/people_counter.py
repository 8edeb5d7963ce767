"""Anonymous people counters: per sampling slot and device, the number of people detected outdoors in the zone.

Each person outdoors in a covered zone (not at home) is counted with the detection probability, so a count is
Binomial(people present, detection probability). One row per sampling slot per device, zero counts included;
no token, no resident.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import NO_RESIDENT, NO_TOKEN
from simulation.sensors.base import Detections, Sensor, present_in_covered
from simulation.world import World


class PeopleCounterSensor(Sensor):
    """Line counters that release counts only."""

    kind = "people_counter"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record one count per sampling slot per device."""
        slots = self.sampling_slots(world)
        slot, _, device = present_in_covered(world, self, self.device_lookup(world, devices), outdoors=True,
                                              ordered=False)
        sample = slot // self.sampling_step(world)
        present = np.bincount(sample.astype(np.int64) * len(devices) + device,
                              minlength=len(slots) * len(devices))
        counts = rng.binomial(present, self.config.detection_probability)
        return Detections.build(np.repeat(slots, len(devices)), np.tile(np.arange(len(devices)), len(slots)),
                                NO_TOKEN, counts, NO_RESIDENT)
