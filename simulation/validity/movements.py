"""Stays and trips of every resident, cut from the presence arrays of a World (the ground truth).

Definitions (those of the review the validity targets come from, kept here so every fact reads them alike):

- a **trip** is a maximal run of travel slots of one resident;
- a **stay** is a maximal run of non-travel slots with the same zone and activity; each stay is one *visit* to
  its place;
- a **place** is a zone of the city, or a place of the region beyond it while the resident is away;
- a stay's **position** (km) is its zone's centre on the city's raster, or the regional place's position.

Everything is computed with array operations on the (resident, slot) transposes of the arrays: no loop over
residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.codes import AWAY, TRAVEL
from simulation.world import World


@dataclass(frozen=True, eq=False)
class Movements:
    """The stays and trips of a World.

    Attributes:
        n_residents: Residents.
        n_days: Days of the horizon.
        slots_per_day: Slots in one day.
        slot_minutes: Length of a slot.
        start_weekday: Weekday of day 0 (0 = Monday).
        stay_resident: Resident of each stay (stays sorted by resident, then start).
        stay_start: First slot of each stay.
        stay_slots: Length of each stay in slots.
        stay_activity: Activity code of each stay.
        stay_place: Place id of each stay: the zone id, or ``n_zones + regional place`` while away.
        stay_x_km: East position of each stay in km.
        stay_y_km: South position of each stay in km.
        trip_resident: Resident of each trip.
        trip_start: First slot of each trip.
        trip_slots: Length of each trip in slots.
    """

    n_residents: int
    n_days: int
    slots_per_day: int
    slot_minutes: int
    start_weekday: int
    stay_resident: np.ndarray
    stay_start: np.ndarray
    stay_slots: np.ndarray
    stay_activity: np.ndarray
    stay_place: np.ndarray
    stay_x_km: np.ndarray
    stay_y_km: np.ndarray
    trip_resident: np.ndarray
    trip_start: np.ndarray
    trip_slots: np.ndarray

    def weekday_of_slot(self, slot: np.ndarray) -> np.ndarray:
        """Return the weekday (0 = Monday) of each slot."""
        return (np.asarray(slot) // self.slots_per_day + self.start_weekday) % 7


def zone_centres_km(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Return the east and south position (km) of every zone's centre."""
    size_km = world.city.zone_size_m / 1000
    zone = np.arange(world.city.n_zones)
    return (zone % world.city.width + 0.5) * size_km, (zone // world.city.width + 0.5) * size_km


def movements(world: World) -> Movements:
    """Cut a World into stays and trips (definitions in the module docstring).

    Args:
        world: Stage 1 output.

    Returns:
        The Movements.
    """
    n, slots = world.n_residents, world.n_slots
    zone = np.ascontiguousarray(world.zone.T).astype(np.int64)
    activity = np.ascontiguousarray(world.activity.T)
    travel = activity == TRAVEL
    key = np.where(travel, -1, zone * 64 + activity)
    new = np.ones((n, slots), bool)
    new[:, 1:] = key[:, 1:] != key[:, :-1]
    flat = np.flatnonzero(new.ravel())
    end = np.r_[flat[1:], n * slots]
    end = np.minimum(end, (flat // slots + 1) * slots)  # a run never crosses into the next resident's row
    resident, start = np.divmod(flat, slots)
    length = end - flat
    is_trip = travel.ravel()[flat]
    stay = ~is_trip
    s_res, s_start, s_len = resident[stay], start[stay], length[stay]
    s_zone = zone.ravel()[flat[stay]]
    s_activity = activity.ravel()[flat[stay]]
    x_zone, y_zone = zone_centres_km(world)
    place, x_km, y_km = s_zone.copy(), x_zone[s_zone], y_zone[s_zone]
    if world.away_place is not None and world.region is not None:
        away = (s_activity == AWAY) & (world.away_place[s_start // world.slots_per_day, s_res] >= 0)
        region_place = world.away_place[s_start[away] // world.slots_per_day, s_res[away]].astype(np.int64)
        place[away] = world.city.n_zones + region_place
        x_km[away], y_km[away] = world.region.x_km[region_place], world.region.y_km[region_place]
    return Movements(
        n_residents=n, n_days=world.n_slots // world.slots_per_day, slots_per_day=world.slots_per_day,
        slot_minutes=world.slot_minutes, start_weekday=world.start_weekday,
        stay_resident=s_res, stay_start=s_start, stay_slots=s_len, stay_activity=s_activity, stay_place=place,
        stay_x_km=x_km, stay_y_km=y_km,
        trip_resident=resident[is_trip], trip_start=start[is_trip], trip_slots=length[is_trip])


def presence_places(world: World) -> np.ndarray:
    """Return the place of every (slot, resident): the zone, or ``n_zones + regional place`` while away."""
    place = world.zone.astype(np.int64)
    if world.away_place is not None:
        slot, resident = np.nonzero(world.activity == AWAY)
        region_place = world.away_place[slot // world.slots_per_day, resident].astype(np.int64)
        known = region_place >= 0
        place[slot[known], resident[known]] = world.city.n_zones + region_place[known]
    return place
