"""Card readers at stations: a tap when a card holder boards transit and another when they alight.

A transit leg is a run of consecutive slots in mode TRANSIT. The holder taps in at the zone of its first slot and
taps out at the zone of its last slot, where a reader stands there; a leg still running at the end of the horizon
has no tap out. Readers upload in batches: a tap's slot is rounded down to the deployment's sampling interval.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import MODE_TRANSIT
from simulation.sensors.base import CHUNK_CELLS, Detections, Sensor, slot_device_order
from simulation.world import World


def leg_ends(world: World, first: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (slot, resident) of every boarding and every alighting in slots first..stop-1.

    Args:
        world: The simulated week.
        first: First slot examined.
        stop: One past the last slot examined.

    Returns:
        int arrays of slots and residents, boardings first, then alightings.
    """
    lo, hi = max(first - 1, 0), min(stop + 1, world.n_slots)
    riding = world.mode[lo:hi] == MODE_TRANSIT
    padded = np.zeros((stop - first + 2, world.n_residents), dtype=bool)
    padded[lo - first + 1: hi - first + 1] = riding
    now, before, after = padded[1:-1], padded[:-2], padded[2:]
    if stop == world.n_slots:
        after = after.copy()
        after[-1] = True  # still riding at the end of the horizon: no tap out
    boarding = np.flatnonzero(now & ~before)
    alighting = np.flatnonzero(now & ~after)
    row, resident = np.divmod(np.concatenate([boarding, alighting]), world.n_residents)
    return row + first, resident


class TransitCardSensor(Sensor):
    """Readers at stations recording the card number of each tap in and tap out."""

    kind = "transit_card"
    eligible_column = "station"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record every tap of a card holder at a covered station."""
        lookup = self.device_lookup(world, devices)
        cards = world.residents["card"].to_numpy(np.int64)
        step = self.sampling_step(world)
        rows = max(1, CHUNK_CELLS // max(1, world.n_residents))
        parts = []
        for first in range(0, world.n_slots, rows):
            slot, resident = leg_ends(world, first, min(first + rows, world.n_slots))
            device = lookup[world.zone[slot, resident]]
            tapped = (device >= 0) & (cards[resident] >= 0)
            slot, resident, device = slot[tapped], resident[tapped], device[tapped]
            order = np.lexsort((resident, slot))
            slot, resident, device = slot[order] // step * step, resident[order], device[order]
            order = slot_device_order(slot - slot[0] if len(slot) else slot, device, len(devices))
            parts.append(Detections.build(slot[order], device[order], cards[resident[order]], np.nan,
                                          resident[order]))
        taps = Detections.concat(parts)
        return self.thin_records(rng, taps)
