"""Travel: each trip's mode, duration and the zones it passes through, written into a day's (slot, resident) arrays.

Mode (:func:`choose_modes`): car owners drive on 80% of days; otherwise walk up to 1 km; else transit where it
serves the trip (75% with a card, 45% without); else bike. A leg may impose its mode (a trip out of town leaves by
car for car owners, else by train): transit is then kept only where it serves the trip. A trip takes
``steps * zone_size / speed`` plus access time (walk 80, bike 220, car 400 m/min + 3 min, transit 330 m/min +
5 min), rounded to whole slots (at least one). While travelling the resident is placed along the route: cars on
the road part, transit at the boarding station, along the line, and at the alighting station; walk and bike
along the straight line.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, replace

import numpy as np

from simulation.codes import MODE_BIKE, MODE_CAR, MODE_NONE, MODE_TRANSIT, MODE_WALK, TRAVEL
from simulation.world.city import City
from simulation.world.routing import manhattan

SPLIT_FROM = 10_000
"""Residents per half from which :func:`fill_day` fills the two halves on two threads."""
NEVER = 10**7
"""Departure time of a leg that does not happen."""
SPEED_M_PER_MIN: dict[int, float] = {MODE_WALK: 80.0, MODE_BIKE: 220.0, MODE_CAR: 400.0, MODE_TRANSIT: 330.0}
ACCESS_MIN: dict[int, float] = {MODE_WALK: 0.0, MODE_BIKE: 1.0, MODE_CAR: 3.0, MODE_TRANSIT: 5.0}
CAR_DAY_SHARE = 0.8
WALK_MAX_KM = 1.0
TRANSIT_SHARE_WITH_CARD = 0.75
TRANSIT_SHARE_WITHOUT_CARD = 0.45


def choose_modes(city: City, origin: np.ndarray, destination: np.ndarray, has_car: np.ndarray,
                 has_card: np.ndarray, car_day: np.ndarray, u_mode: np.ndarray) -> np.ndarray:
    """Return each trip's travel mode (see the module docstring)."""
    km = manhattan(origin, destination, city.width) * city.zone_size_m / 1000
    serves = city.transit_serves(origin, destination)
    p_transit = np.where(has_card, TRANSIT_SHARE_WITH_CARD, TRANSIT_SHARE_WITHOUT_CARD)
    mode = np.where(serves & (u_mode < p_transit), MODE_TRANSIT, MODE_BIKE)
    mode = np.where(km <= WALK_MAX_KM, MODE_WALK, mode)
    return np.where(has_car & car_day, MODE_CAR, mode).astype(np.int8)


def imposed_modes(city: City, origin: np.ndarray, destination: np.ndarray, imposed: np.ndarray,
                  chosen: np.ndarray) -> np.ndarray:
    """Return the imposed mode where a leg imposes one (transit only where it serves the trip), else the chosen."""
    keep = (imposed != MODE_NONE) & ((imposed != MODE_TRANSIT) | city.transit_serves(origin, destination))
    return np.where(keep, imposed, chosen).astype(np.int8)


def fill_day(plan: object, city: City, has_car: np.ndarray, has_card: np.ndarray, rng: np.random.Generator,
             slot_minutes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Turn a day's plan into (slot, resident) arrays of zone, activity and mode.

    Args:
        plan: The day's :class:`simulation.world.planning.DayPlan`.
        city: The city.
        has_car: Per resident, owns a car.
        has_card: Per resident, holds a transit card.
        rng: Random generator for mode choice.
        slot_minutes: Slot length.

    Returns:
        (zone int32, activity int8, mode int8) arrays of shape (slots per day, n), and the number of trips.

    Every step is per resident once the day's uniform draws are made, so from 2 x SPLIT_FROM residents the two
    halves of the residents are filled on two threads (numpy releases the GIL): the same arrays, in about 60% of
    the time.
    """
    n = len(plan.start_zone)
    car_day = rng.random(n) < CAR_DAY_SHARE
    u_mode = rng.random(n)
    if n < 2 * SPLIT_FROM:
        return _fill_columns(plan, city, has_car, has_card, car_day, u_mode, slot_minutes)
    halves = (slice(0, n // 2), slice(n // 2, n))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="fill_day") as pool:
        parts = list(pool.map(lambda cols: _fill_columns(_columns(plan, cols), city, has_car[cols], has_card[cols],
                                                         car_day[cols], u_mode[cols], slot_minutes), halves))
    zone, activity, mode = (np.hstack([part[i] for part in parts]) for i in range(3))
    return zone, activity, mode, sum(part[3] for part in parts)


def _columns(plan: object, cols: slice) -> object:
    """Return the plan of some residents (a column slice of every array)."""
    return replace(plan, **{f.name: getattr(plan, f.name)[..., cols] for f in fields(plan)})


def _fill_columns(plan: object, city: City, has_car: np.ndarray, has_card: np.ndarray, car_day: np.ndarray,
                  u_mode: np.ndarray, slot_minutes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Return :func:`fill_day`'s arrays for the plan's residents, given their uniform draws."""
    n = len(plan.start_zone)
    slots = 1440 // slot_minutes
    legs = plan.depart.shape[0]
    current = plan.start_zone.copy()
    free_from = np.zeros(n, np.int64)
    marker = np.zeros((slots, n), np.int8)
    stay_zone = np.vstack([plan.start_zone[None, :], plan.zone]).astype(np.int32)
    stay_activity = np.vstack([plan.start_activity[None, :], plan.activity])
    trips: list[tuple[np.ndarray, ...]] = []
    trip_legs: list[dict[str, np.ndarray]] = []
    for j in range(legs):
        rows = np.flatnonzero(plan.depart[j] < NEVER)
        if len(rows) == 0:
            continue
        origin, destination = current[rows], plan.zone[j, rows]
        mode = choose_modes(city, origin, destination, has_car[rows], has_card[rows], car_day[rows], u_mode[rows])
        imposed = plan.mode[j, rows]
        if (imposed != MODE_NONE).any():
            mode = imposed_modes(city, origin, destination, imposed, mode)
        legs_of = city.trip_legs(origin, destination, mode)
        steps = city.route_length(origin, destination, mode, legs=legs_of)
        speed = np.select([mode == m for m in SPEED_M_PER_MIN], list(SPEED_M_PER_MIN.values()), 80.0)
        access = np.select([mode == m for m in ACCESS_MIN], list(ACCESS_MIN.values()), 0.0)
        minutes = steps * city.zone_size_m / speed + access
        duration = np.where(origin == destination, 0, np.maximum(1, np.rint(minutes / slot_minutes))).astype(np.int64)
        depart = np.maximum(plan.depart[j, rows] // slot_minutes, free_from[rows])
        arrive = depart + duration
        inside = arrive < slots
        marker[arrive[inside], rows[inside]] = j + 1
        moving = duration > 0
        trips.append((rows[moving], depart[moving], duration[moving]))
        trip_legs.append({key: value[moving] for key, value in legs_of.items()})
        current[rows] = destination
        free_from[rows] = arrive + 1
    stay = np.maximum.accumulate(marker, axis=0)
    zone = np.take_along_axis(stay_zone, stay, axis=0)
    activity = np.take_along_axis(stay_activity, stay, axis=0)
    mode_out = np.full((slots, n), MODE_NONE, np.int8)
    n_trips = sum(len(t[0]) for t in trips)
    if n_trips:
        rows, depart, duration = (np.concatenate(p) for p in zip(*trips, strict=True))
        legs_all = {key: np.concatenate([legs[key] for legs in trip_legs]) for key in trip_legs[0]}
        _place_travellers(city, zone, activity, mode_out, rows, depart, duration, legs_all)
    return zone, activity, mode_out, n_trips


def _place_travellers(city: City, zone: np.ndarray, activity: np.ndarray, mode_out: np.ndarray, rows: np.ndarray,
                      depart: np.ndarray, duration: np.ndarray, trip_legs: dict[str, np.ndarray]) -> None:
    """Write TRAVEL, the mode and the zone along the route into every travel slot (in place).

    ``trip_legs`` are the trips' :meth:`simulation.world.city.City.trip_legs`, computed once per trip.
    """
    trip = np.repeat(np.arange(len(rows)), duration)
    first = np.repeat(np.cumsum(duration) - duration, duration)
    i = np.arange(len(trip)) - first
    slot = depart[trip] + i
    keep = slot < zone.shape[0]
    trip, i, slot = trip[keep], i[keep], slot[keep]
    legs = {key: value[trip] for key, value in trip_legs.items()}
    o, d, m, k = legs["o"], legs["d"], legs["mode"], duration[trip]
    start, end = city.network_span(o, d, m, legs=legs)
    span = end - start
    along = start + ((2 * i + 1) * span) // (2 * k)
    transit = m == MODE_TRANSIT
    stations = start + (i * span) // np.maximum(k - 1, 1)
    position = np.where(transit, stations, along)
    zone[slot, rows[trip]] = city.route_zone_at(o, d, m, position, legs=legs)
    activity[slot, rows[trip]] = TRAVEL
    mode_out[slot, rows[trip]] = m
