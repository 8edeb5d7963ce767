"""Daily activity chains for every resident at once: times, destinations and travel modes.

A day's plan is, per resident, where they are at midnight and a sequence of legs: leave at a time for a zone and
an activity. Plans follow each archetype's weekday or weekend template (below); discretionary destinations come
from each resident's :class:`simulation.residents.PlaceMemory` (exploration and preferential return).

Templates (times are means; each resident-day draws its own, normally distributed):

- office worker, weekday: work 07:45-17:15; then an errand (35%); an evening out (15%).
- shift worker: night shifts starting Sunday to Thursday at 22:00 and ending 06:00; home to sleep, an afternoon
  errand (35%); days off follow the weekend template.
- student, weekday: school 08:00-15:30; then leisure (30%); an evening out (10%).
- carer, weekday: school run 08:15 and 15:00, shopping in the morning (60%), a care visit (20%).
- retiree / unemployed, weekday: morning shopping (65% / 50%), afternoon leisure or care (35% / 40%),
  evening out (3% / 12%).
- weekend, everyone: worship on their worship day (30% of residents, Saturday or Sunday), a midday outing (60%),
  an evening out (25% on Saturday, 12% on Sunday), nightlife favoured on Saturday night.

Travel (:func:`fill_day`): each trip's mode depends on car ownership (car owners drive on 80% of days), the
distance (walk up to 1 km), whether transit serves the trip and card ownership (75% take transit with a card,
45% without); otherwise bike. A trip takes ``steps * zone_size / speed`` plus access time (walk 80, bike 220,
car 400 m/min + 3 min, transit 330 m/min + 5 min), rounded to whole slots (at least one). While travelling the
resident is placed along the route: cars on the road part, transit at the boarding station, along the line,
and at the alighting station; walk and bike along the straight line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.city import City
from simulation.codes import (
    CARE,
    HOME,
    LAND_USE_CODE,
    LEISURE,
    MODE_BIKE,
    MODE_CAR,
    MODE_NONE,
    MODE_TRANSIT,
    MODE_WALK,
    NIGHTLIFE,
    SCHOOL,
    SHOPPING,
    TRAVEL,
    WORK,
    WORSHIP,
)
from simulation.residents import DISCRETIONARY, WARM_UP_VISITS, PlaceMemory
from simulation.rng import stream
from simulation.routing import manhattan
from simulation.scenario import ARCHETYPES

NEVER = 10**7
"""Departure time of a leg that does not happen."""
KIND_ACTIVITY: dict[str, int] = {"shopping": SHOPPING, "leisure": LEISURE, "care": CARE, "worship": WORSHIP,
                                 "nightlife": NIGHTLIFE}
SPEED_M_PER_MIN: dict[int, float] = {MODE_WALK: 80.0, MODE_BIKE: 220.0, MODE_CAR: 400.0, MODE_TRANSIT: 330.0}
ACCESS_MIN: dict[int, float] = {MODE_WALK: 0.0, MODE_BIKE: 1.0, MODE_CAR: 3.0, MODE_TRANSIT: 5.0}
CAR_DAY_SHARE = 0.8
WALK_MAX_KM = 1.0
TRANSIT_SHARE_WITH_CARD = 0.75
TRANSIT_SHARE_WITHOUT_CARD = 0.45
WORSHIP_SHARE = 0.30
NIGHT_SHIFT_STARTS = (6, 0, 1, 2, 3)
"""Weekdays (0 = Monday) on whose evening a night shift starts: Sunday to Thursday."""


@dataclass
class DayPlan:
    """Every resident's plan for one day.

    Attributes:
        start_zone: (n,) zone at midnight.
        start_activity: (n,) activity at midnight.
        depart: (legs, n) departure minute of each leg, NEVER if the leg does not happen.
        zone: (legs, n) destination zone of each leg.
        activity: (legs, n) activity at the destination.
    """

    start_zone: np.ndarray
    start_activity: np.ndarray
    depart: np.ndarray
    zone: np.ndarray
    activity: np.ndarray


class _Chain:
    """Legs of one group of residents, appended in time order."""

    def __init__(self, rows: np.ndarray, start_zone: np.ndarray, start_activity: int | np.ndarray) -> None:
        self.rows = rows
        self.start_zone = np.asarray(start_zone, np.int64)
        self.start_activity = np.broadcast_to(np.asarray(start_activity, np.int8), rows.shape)
        self.legs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def go(self, depart: np.ndarray, zone: np.ndarray, activity: int | np.ndarray, on: np.ndarray | bool = True,
           ) -> None:
        """Append a leg; residents with ``on`` False (or no zone) skip it."""
        zone = np.broadcast_to(np.asarray(zone, np.int64), self.rows.shape)
        on = np.broadcast_to(np.asarray(on, bool), self.rows.shape) & (zone >= 0)
        self.legs.append((np.where(on, depart, NEVER), zone, np.broadcast_to(np.asarray(activity, np.int8),
                                                                               self.rows.shape)))


class DayPlanner:
    """Plans every resident's day from the templates in the module docstring.

    Attributes:
        memory: Per discretionary kind, every resident's visited places.
    """

    def __init__(self, city: City, residents: pd.DataFrame, seed: int) -> None:
        self.city = city
        self.seed = seed
        self.n = len(residents)
        self.home = residents["home_zone"].to_numpy(np.int64)
        self.work = residents["work_zone"].to_numpy(np.int64)
        self.has_car = residents["has_car"].to_numpy(bool)
        self.has_card = residents["has_card"].to_numpy(bool)
        archetype = residents["archetype"].to_numpy()
        self.rows = {a: np.flatnonzero(archetype == a) for a in ARCHETYPES}
        rng = stream(seed, "residents", "habits")
        self.worship_day = np.where(rng.random(self.n) < WORSHIP_SHARE,
                                    np.where(rng.random(self.n) < 0.3, 5, 6), -1)
        schools = np.flatnonzero(city.land_use_codes == LAND_USE_CODE["school"])
        near = manhattan(self.home[:, None], schools[None, :], city.width).argmin(axis=1) if len(schools) else None
        self.nearest_school = schools[near] if near is not None else np.full(self.n, -1, np.int64)
        self.memory = {kind: PlaceMemory(kind, city, self.home) for kind in DISCRETIONARY}
        warm = stream(seed, "residents", "epr", "warm_up")
        everyone = np.arange(self.n)
        for kind, visits in WARM_UP_VISITS.items():
            rows = np.flatnonzero(self.worship_day >= 0) if kind == "worship" else everyone
            for _ in range(visits):
                self.memory[kind].choose(rows, warm)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _time(rng: np.random.Generator, hour: float, sd_min: float, n: int) -> np.ndarray:
        """Draw departure minutes around ``hour`` (normal, sd in minutes), within the day."""
        return np.clip(np.rint(rng.normal(hour * 60, sd_min, n)), 0, 23 * 60 + 30).astype(np.int64)

    def _place(self, rng: np.random.Generator, rows: np.ndarray, on: np.ndarray, mix: dict[str, float],
               ) -> tuple[np.ndarray, np.ndarray]:
        """Choose a kind from ``mix`` and a place of that kind for residents with ``on``; -1 elsewhere."""
        kinds = list(mix)
        p = np.array([mix[k] for k in kinds])
        pick = np.minimum((np.cumsum(p / p.sum())[None, :] < rng.random(len(rows))[:, None]).sum(axis=1),
                          len(kinds) - 1)
        zone = np.full(len(rows), -1, np.int64)
        activity = np.full(len(rows), HOME, np.int8)
        for i, kind in enumerate(kinds):
            sel = on & (pick == i)
            if sel.any():
                zone[sel] = self.memory[kind].choose(rows[sel], rng)
                activity[sel] = KIND_ACTIVITY[kind]
        return zone, activity

    def _outing(self, chain: _Chain, rng: np.random.Generator, share: float, hour: float, sd: float,
                stay_min: float, mix: dict[str, float]) -> None:
        """Append an outing from home to a discretionary place and back."""
        n = len(chain.rows)
        on = rng.random(n) < share
        zone, activity = self._place(rng, chain.rows, on, mix)
        leave = self._time(rng, hour, sd, n)
        chain.go(leave, zone, activity, on)
        back = np.minimum(leave + np.maximum(rng.normal(stay_min, stay_min / 3, n), 30).astype(np.int64), 23 * 60 + 30)
        chain.go(back, self.home[chain.rows], HOME, on & (zone >= 0))

    # ------------------------------------------------------------ templates

    def _weekend(self, chain: _Chain, rng: np.random.Generator, weekday: int, evening_work: bool = False) -> None:
        rows, n = chain.rows, len(chain.rows)
        worship = self.worship_day[rows] == weekday
        zone, activity = self._place(rng, rows, worship, {"worship": 1.0})
        chain.go(self._time(rng, 9.75, 20, n), zone, activity, worship)
        chain.go(self._time(rng, 11.5, 15, n), self.home[rows], HOME, worship & (zone >= 0))
        self._outing(chain, rng, 0.6, 13.5, 80, 120, {"shopping": 0.45, "leisure": 0.5, "care": 0.05})
        if evening_work:
            chain.go(self._time(rng, 21.4, 10, n), self.work[rows], WORK)
            return
        saturday = weekday == 5
        self._outing(chain, rng, 0.25 if saturday else 0.12, 20.5, 40, 150,
                     {"nightlife": 0.7, "leisure": 0.3} if saturday else {"leisure": 0.7, "nightlife": 0.3})

    def _office_worker(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        chain = _Chain(rows, self.home[rows], HOME)
        if weekday >= 5:
            self._weekend(chain, rng, weekday)
            return chain
        n = len(rows)
        chain.go(self._time(rng, 7.75, 40, n), self.work[rows], WORK)
        leave = self._time(rng, 17.25, 40, n)
        errand = rng.random(n) < 0.35
        zone, activity = self._place(rng, rows, errand, {"shopping": 0.6, "leisure": 0.3, "care": 0.1})
        chain.go(leave, zone, activity, errand)
        chain.go(np.where(errand, leave + 60, leave), self.home[rows], HOME)
        self._outing(chain, rng, 0.15, 20.0, 30, 150, {"nightlife": 0.5, "leisure": 0.5})
        return chain

    def _shift_worker(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        n = len(rows)
        after_night = (weekday - 1) % 7 in NIGHT_SHIFT_STARTS
        night = weekday in NIGHT_SHIFT_STARTS
        has_work = self.work[rows] >= 0
        start = np.where(has_work & after_night, self.work[rows], self.home[rows])
        chain = _Chain(rows, start, np.where(has_work & after_night, WORK, HOME).astype(np.int8))
        if after_night:
            chain.go(self._time(rng, 6.1, 10, n), self.home[rows], HOME, has_work)
        if not after_night and not night or weekday == 6:
            self._weekend(chain, rng, weekday, evening_work=night)
            return chain
        self._outing(chain, rng, 0.35, 14.5, 45, 60, {"shopping": 0.6, "leisure": 0.25, "care": 0.15})
        if night:
            chain.go(self._time(rng, 21.4, 10, n), self.work[rows], WORK)
        return chain

    def _student(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        chain = _Chain(rows, self.home[rows], HOME)
        if weekday >= 5:
            self._weekend(chain, rng, weekday)
            return chain
        n = len(rows)
        chain.go(self._time(rng, 7.7, 15, n), self.work[rows], SCHOOL)
        leave = self._time(rng, 15.5, 30, n)
        after = rng.random(n) < 0.3
        zone, activity = self._place(rng, rows, after, {"leisure": 0.8, "shopping": 0.2})
        chain.go(leave, zone, activity, after)
        chain.go(np.where(after, leave + 90, leave), self.home[rows], HOME)
        self._outing(chain, rng, 0.10, 19.5, 30, 120, {"leisure": 0.6, "nightlife": 0.4})
        return chain

    def _carer(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        chain = _Chain(rows, self.home[rows], HOME)
        if weekday >= 5:
            self._weekend(chain, rng, weekday)
            return chain
        n = len(rows)
        school = self.nearest_school[rows]
        chain.go(self._time(rng, 8.1, 10, n), school, SCHOOL)
        shop = rng.random(n) < 0.6
        zone, activity = self._place(rng, rows, shop, {"shopping": 1.0})
        chain.go(self._time(rng, 8.75, 10, n), zone, activity, shop)
        chain.go(np.where(shop & (zone >= 0), self._time(rng, 10.5, 30, n), self._time(rng, 8.75, 10, n)),
                 self.home[rows], HOME)
        self._outing(chain, rng, 0.2, 12.5, 30, 60, {"care": 1.0})
        chain.go(self._time(rng, 14.9, 8, n), school, SCHOOL)
        chain.go(self._time(rng, 15.4, 8, n), self.home[rows], HOME)
        self._outing(chain, rng, 0.08, 19.5, 30, 90, {"leisure": 1.0})
        return chain

    def _at_leisure(self, rows: np.ndarray, rng: np.random.Generator, weekday: int, morning: float,
                    afternoon: float, evening: float) -> _Chain:
        chain = _Chain(rows, self.home[rows], HOME)
        if weekday >= 5:
            self._weekend(chain, rng, weekday)
            return chain
        self._outing(chain, rng, morning, 10.0, 50, 75, {"shopping": 1.0})
        self._outing(chain, rng, afternoon, 14.5, 50, 90, {"leisure": 0.65, "care": 0.25, "shopping": 0.1})
        self._outing(chain, rng, evening, 19.75, 30, 120, {"leisure": 0.5, "nightlife": 0.5})
        return chain

    def _retiree(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        return self._at_leisure(rows, rng, weekday, 0.65, 0.35, 0.03)

    def _unemployed(self, rows: np.ndarray, rng: np.random.Generator, weekday: int) -> _Chain:
        return self._at_leisure(rows, rng, weekday, 0.5, 0.4, 0.12)

    # ------------------------------------------------------------ the day

    def plan(self, day: int, weekday: int) -> DayPlan:
        """Plan every resident's day.

        Args:
            day: Day index from the start of the horizon (names the random stream).
            weekday: 0 = Monday.

        Returns:
            The plan, legs in time order.
        """
        rng = stream(self.seed, "residents", "plan", day)
        chains = [getattr(self, f"_{a}")(self.rows[a], rng, weekday) for a in ARCHETYPES if len(self.rows[a])]
        legs = max((len(c.legs) for c in chains), default=0)
        plan = DayPlan(start_zone=self.home.copy(), start_activity=np.full(self.n, HOME, np.int8),
                       depart=np.full((legs, self.n), NEVER, np.int64), zone=np.zeros((legs, self.n), np.int64),
                       activity=np.zeros((legs, self.n), np.int8))
        for chain in chains:
            plan.start_zone[chain.rows] = chain.start_zone
            plan.start_activity[chain.rows] = chain.start_activity
            for j, (depart, zone, activity) in enumerate(chain.legs):
                plan.depart[j, chain.rows] = depart
                plan.zone[j, chain.rows] = zone
                plan.activity[j, chain.rows] = activity
        return plan


def choose_modes(city: City, origin: np.ndarray, destination: np.ndarray, has_car: np.ndarray,
                 has_card: np.ndarray, car_day: np.ndarray, u_mode: np.ndarray) -> np.ndarray:
    """Return each trip's travel mode (see the module docstring)."""
    km = manhattan(origin, destination, city.width) * city.zone_size_m / 1000
    serves = city.transit_serves(origin, destination)
    p_transit = np.where(has_card, TRANSIT_SHARE_WITH_CARD, TRANSIT_SHARE_WITHOUT_CARD)
    mode = np.where(serves & (u_mode < p_transit), MODE_TRANSIT, MODE_BIKE)
    mode = np.where(km <= WALK_MAX_KM, MODE_WALK, mode)
    return np.where(has_car & car_day, MODE_CAR, mode).astype(np.int8)


def fill_day(plan: DayPlan, planner: DayPlanner, rng: np.random.Generator, slot_minutes: int,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Turn a day's plan into (slot, resident) arrays of zone, activity and mode.

    Args:
        plan: The day's plan.
        planner: The planner (city and residents' cars and cards).
        rng: Random generator for mode choice.
        slot_minutes: Slot length.

    Returns:
        (zone int32, activity int8, mode int8) arrays of shape (slots per day, n), and the number of trips.
    """
    city, n = planner.city, planner.n
    slots = 1440 // slot_minutes
    car_day = rng.random(n) < CAR_DAY_SHARE
    u_mode = rng.random(n)
    legs = plan.depart.shape[0]
    current = plan.start_zone.copy()
    free_from = np.zeros(n, np.int64)
    marker = np.zeros((slots, n), np.int8)
    stay_zone = np.vstack([plan.start_zone[None, :], plan.zone]).astype(np.int32)
    stay_activity = np.vstack([plan.start_activity[None, :], plan.activity])
    trips: list[tuple[np.ndarray, ...]] = []
    for j in range(legs):
        rows = np.flatnonzero(plan.depart[j] < NEVER)
        if len(rows) == 0:
            continue
        origin, destination = current[rows], plan.zone[j, rows]
        mode = choose_modes(city, origin, destination, planner.has_car[rows], planner.has_card[rows],
                            car_day[rows], u_mode[rows])
        steps = city.route_length(origin, destination, mode, legs=city.trip_legs(origin, destination, mode))
        speed = np.select([mode == m for m in SPEED_M_PER_MIN], list(SPEED_M_PER_MIN.values()), 80.0)
        access = np.select([mode == m for m in ACCESS_MIN], list(ACCESS_MIN.values()), 0.0)
        minutes = steps * city.zone_size_m / speed + access
        duration = np.where(origin == destination, 0, np.maximum(1, np.rint(minutes / slot_minutes))).astype(np.int64)
        depart = np.maximum(plan.depart[j, rows] // slot_minutes, free_from[rows])
        arrive = depart + duration
        inside = arrive < slots
        marker[arrive[inside], rows[inside]] = j + 1
        moving = duration > 0
        trips.append((rows[moving], depart[moving], duration[moving], origin[moving], destination[moving],
                      mode[moving]))
        current[rows] = destination
        free_from[rows] = arrive + 1
    stay = np.maximum.accumulate(marker, axis=0)
    zone = np.take_along_axis(stay_zone, stay, axis=0)
    activity = np.take_along_axis(stay_activity, stay, axis=0)
    mode_out = np.full((slots, n), MODE_NONE, np.int8)
    n_trips = sum(len(t[0]) for t in trips)
    if n_trips:
        rows, depart, duration, origin, destination, mode = (np.concatenate(p) for p in zip(*trips, strict=True))
        _place_travellers(city, zone, activity, mode_out, rows, depart, duration, origin, destination, mode)
    return zone, activity, mode_out, n_trips


def _place_travellers(city: City, zone: np.ndarray, activity: np.ndarray, mode_out: np.ndarray, rows: np.ndarray,
                      depart: np.ndarray, duration: np.ndarray, origin: np.ndarray, destination: np.ndarray,
                      mode: np.ndarray) -> None:
    """Write TRAVEL, the mode and the zone along the route into every travel slot (in place)."""
    trip = np.repeat(np.arange(len(rows)), duration)
    first = np.repeat(np.cumsum(duration) - duration, duration)
    i = np.arange(len(trip)) - first
    slot = depart[trip] + i
    keep = slot < zone.shape[0]
    trip, i, slot = trip[keep], i[keep], slot[keep]
    o, d, m, k = origin[trip], destination[trip], mode[trip].astype(np.int64), duration[trip]
    legs = city.trip_legs(o, d, m)
    start, end = city.network_span(o, d, m, legs=legs)
    span = end - start
    along = start + ((2 * i + 1) * span) // (2 * k)
    transit = m == MODE_TRANSIT
    stations = start + (i * span) // np.maximum(k - 1, 1)
    position = np.where(transit, stations, along)
    zone[slot, rows[trip]] = city.route_zone_at(o, d, m, position, legs=legs)
    activity[slot, rows[trip]] = TRAVEL
    mode_out[slot, rows[trip]] = m
