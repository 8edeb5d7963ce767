"""The output of stage 1: who was where, doing what, in each slot of the horizon (the ground truth).

Per-slot state lives in (slot, resident) numpy arrays, as the Mesa model wrote them. Only stage 2 (sensors, which
see what is really there) and the scoring half of stage 4 read a World; estimators and attacks never do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from simulation.codes import AWAY
from simulation.world.city import City
from simulation.world.region import Region


@dataclass(frozen=True, eq=False)
class World:
    """The simulated week.

    Attributes:
        city: The city the residents live in.
        residents: One row per resident, index 0..n-1 (the resident id). Columns:
            ``archetype`` (str), ``home_zone`` (int), ``work_zone`` (int, -1 if none; school for students),
            ``household`` (int), ``group`` (str, demographic group used for face-recognition error shares),
            ``phone_wifi_on`` (bool), ``randomised_mac`` (bool), ``mac`` (int64 device address, -1 if no phone
            emitting), ``has_car`` (bool), ``plate`` (int64, -1 if no car), ``has_card`` (bool),
            ``card`` (int64, -1 if none), ``card_registered`` (bool), ``face`` (int64 face-template id),
            ``meter`` (int64 meter id of the household).
        zone: int32 array (n_slots, n_residents): the zone each resident is in during each slot.
        activity: int8 array (n_slots, n_residents): codes from :mod:`simulation.codes` (TRAVEL while moving, AWAY
            while out of town: the zone is then the gateway the resident left the city by, and no sensor of the
            city sees them).
        mode: int8 array (n_slots, n_residents): travel mode while moving, MODE_NONE otherwise.
        slot_minutes: Length of one slot in minutes.
        start_weekday: Weekday of slot 0 (0 = Monday).
        trips: Number of trips made over the horizon.
        away_place: int16 array (n_days, n_residents): the region's place of a resident out of town that day, -1
            if not away (None for a world without a region).
        region: The places beyond the city (None for a world without a region).
    """

    city: City
    residents: pd.DataFrame
    zone: np.ndarray
    activity: np.ndarray
    mode: np.ndarray
    slot_minutes: int
    start_weekday: int
    trips: int
    away_place: np.ndarray | None = None
    region: Region | None = None

    @property
    def n_slots(self) -> int:
        """Number of slots in the horizon."""
        return int(self.zone.shape[0])

    @property
    def n_residents(self) -> int:
        """Number of residents."""
        return int(self.zone.shape[1])

    @property
    def slots_per_day(self) -> int:
        """Number of slots in one day."""
        return 1440 // self.slot_minutes

    def slot_hour(self) -> np.ndarray:
        """Return the hour of day (0-23) of every slot."""
        return (np.arange(self.n_slots) % self.slots_per_day) * self.slot_minutes // 60

    def slot_day(self) -> np.ndarray:
        """Return the day index (0-based from the start of the horizon) of every slot."""
        return np.arange(self.n_slots) // self.slots_per_day

    def first_days(self, days: int) -> World:
        """Return the world of the horizon's first ``days`` days (arrays are views; ``trips`` stays the horizon's)."""
        slots = days * self.slots_per_day
        away = None if self.away_place is None else self.away_place[:days]
        return replace(self, zone=self.zone[:slots], activity=self.activity[:slots], mode=self.mode[:slots],
                       away_place=away)

    def in_city(self, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        """Return whether each resident is in the city (not AWAY) in the given slots (all by default)."""
        return self.activity[rows] != AWAY

    def slot_weekday(self) -> np.ndarray:
        """Return the weekday (0 = Monday) of every slot."""
        return (self.slot_day() + self.start_weekday) % 7
