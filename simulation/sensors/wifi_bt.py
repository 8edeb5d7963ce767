"""Wi-Fi/Bluetooth probe counters: the device address of every phone with Wi-Fi or Bluetooth on.

A phone with a fixed address is recorded under its ``mac`` everywhere, every day. A phone that randomises its
address (modern OS default for probes) shows a fresh random address each day, the same to every deployment on that
day (it is the phone's address, not the sensor's). Phones with Wi-Fi and Bluetooth off are never seen.
"""

from __future__ import annotations

import numpy as np

from simulation.rng import stream
from simulation.sensors.base import Detections, Sensor, present_in_covered
from simulation.world import World

LOCALLY_ADMINISTERED = 1 << 41
"""Bit of a 48-bit address marking it as locally administered (set on every randomised address)."""
MULTICAST = 1 << 40
"""Bit of a 48-bit address marking a group address (cleared: a phone's address is unicast)."""


def daily_addresses(world: World, seed: int) -> np.ndarray:
    """Return the address each resident's phone shows on each day, as int64 (n_days, n_residents).

    Fixed-address phones show their ``mac`` every day; randomising phones a random locally administered unicast
    address per day, drawn from the stream ``("wifi_bt", "randomised_mac")``; residents without an emitting phone
    show -1.
    """
    residents = world.residents
    n_days = -(-world.n_slots // world.slots_per_day)
    mac = residents["mac"].to_numpy(np.int64)
    addresses = np.broadcast_to(mac, (n_days, world.n_residents)).copy()
    randomised = np.flatnonzero(residents["randomised_mac"].to_numpy(bool) & carries_phone(world))
    drawn = stream(seed, "wifi_bt", "randomised_mac").integers(0, 1 << 48, size=(n_days, len(randomised)),
                                                               dtype=np.int64)
    addresses[:, randomised] = (drawn | LOCALLY_ADMINISTERED) & ~MULTICAST
    return addresses


def carries_phone(world: World) -> np.ndarray:
    """Return a boolean mask over residents: a phone with Wi-Fi or Bluetooth on that emits probes."""
    residents = world.residents
    return residents["phone_wifi_on"].to_numpy(bool) & (residents["mac"].to_numpy(np.int64) >= 0)


class WifiBtSensor(Sensor):
    """Probe counters recording the address of every emitting phone in their zone."""

    kind = "wifi_bt"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record the address of each emitting phone present in a covered zone at each sampling slot."""
        slot, resident, device = present_in_covered(world, self, self.device_lookup(world, devices),
                                                    carriers=carries_phone(world), rng=rng)
        token = daily_addresses(world, self.seed)[slot // world.slots_per_day, resident]
        return Detections.build(slot, device, token, np.nan, resident)
