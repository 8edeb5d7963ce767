"""Daily activity chains for every resident at once: times, destinations and, for trips out of town, modes.

A day's plan is, per resident, where they are at midnight (where the previous day ended) and a sequence of legs:
leave at a time for a place and an activity. Plans follow each archetype's template for the kind of day
(:mod:`simulation.world.absence`: a normal day, sick, on leave, working from home, or a trip away), with trip chains
(tours of one or two stops). Discretionary places come from the residents' memory of places
(:mod:`simulation.world.places`: exploration and preferential return).

Templates (times are means; each resident-day draws its own, normally distributed, around the resident's habitual
time for leaving for work or school and leaving work; shares are per day):

- office worker, weekday: work 07:45-17:30; a lunch break out (25%); after work a tour of errands (40%, a second
  stop for 35% of them); an evening out (22%). Working from home: a midday tour (50%) and the evening out.
- shift worker: night shifts starting Sunday to Thursday at 22:00 and ending 06:00; home to sleep, an afternoon
  tour (45%); on weekdays without a night shift an evening out (20%); weekends follow the weekend template.
- student, weekday: school 07:40-15:30; then a tour (35%, a second stop for 25%); an evening out (15%).
- carer, weekday: school run 08:05, shopping after it (60%, a second stop for 30%), a care visit (20%), school
  pick-up 14:55 and a stop on the way home (35%), an evening out (10%).
- retiree / unemployed, weekday: a morning tour (65% / 50%, a second stop for 35%), an afternoon outing (45%),
  an evening out (5% / 15%), a day out of town (2%).
- weekend, and any day on leave: worship on the resident's worship day (30% of residents, Saturday or Sunday),
  Saturday-morning shopping (45%), a day out of town (8%) or else a long midday outing (65%, a second stop for
  30%), an evening out (30% on Saturday, 15% on Sunday, 20% on leave).
- a regular activity: 45% of residents have one (a sport, a class, a visit) at one place on two days of the week,
  at 18:45 for 90 minutes, instead of that evening's outing.
- sick: at home, a doctor's visit (20%).
- trip away: leave home at about 10:00 for the region (by car for car owners, else by train), out of town until the
  spell's last day, back home at about 15:00. A day out of town: leave at 09:30, back at 18:00.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.codes import (
    AWAY,
    CARE,
    HOME,
    LAND_USE_CODE,
    LEISURE,
    MODE_CAR,
    MODE_NONE,
    MODE_TRANSIT,
    NIGHTLIFE,
    SCHOOL,
    SHOPPING,
    WORK,
    WORSHIP,
)
from simulation.rng import stream
from simulation.scenario import ARCHETYPES
from simulation.world.absence import DayStatus, Spells, day_status, draw_spells
from simulation.world.city import City
from simulation.world.places import OUTING, WARM_UP_VISITS, PlaceMemory
from simulation.world.region import Region
from simulation.world.routing import manhattan
from simulation.world.travel import NEVER

KIND_ACTIVITY: dict[str, int] = {"shopping": SHOPPING, "leisure": LEISURE, "care": CARE, "worship": WORSHIP,
                                 "nightlife": NIGHTLIFE, OUTING: AWAY}
LAST_MINUTE = 23 * 60 + 30
WORSHIP_SHARE = 0.30
NIGHT_SHIFT_STARTS = (6, 0, 1, 2, 3)
"""Weekdays (0 = Monday) on whose evening a night shift starts: Sunday to Thursday."""
WORKING = ("office_worker", "shift_worker", "student")
ROUTINE_SHARE = 0.45
"""Share of residents with a regular activity (a sport, a class, a visit) at one place on ROUTINE_DAYS a week."""
ROUTINE_DAYS = 2
ROUTINE_HOUR = 18.75
ROUTINE_MIN = 90
HABIT_SPREAD_MIN = 35
"""Spread (sd, minutes) of office workers' habitual times of leaving home and leaving work, across residents."""
HABIT_JITTER_MIN = 12
"""Day-to-day spread (sd, minutes) around a resident's habitual time."""
"""Archetypes with a workplace or school (who take leave)."""

ERRANDS = {"shopping": 0.6, "leisure": 0.3, "care": 0.1}
SHOP = {"shopping": 1.0}
LUNCH = {"shopping": 0.5, "leisure": 0.3, "nightlife": 0.2}
EVENING = {"nightlife": 0.45, "leisure": 0.55}
MIDDAY = {"leisure": 0.55, "shopping": 0.35, "nightlife": 0.1}
AFTERNOON = {"leisure": 0.65, "care": 0.25, "shopping": 0.1}
AFTER_SCHOOL = {"leisure": 0.8, "shopping": 0.2}
DAY_OUT_WEEKEND = 0.10
DAY_OUT_WEEKDAY = 0.02
STAY_IN = 0.2
"""Share of weekdays a retiree or an unemployed resident does not go out at all."""
Stop = tuple[float, dict[str, float], float]
"""One stop of a tour: (share of those still touring who make it, kinds and their shares, mean stay in minutes)."""


@dataclass
class DayPlan:
    """Every resident's plan for one day.

    Attributes:
        start_zone: (n,) zone at midnight.
        start_activity: (n,) activity at midnight.
        depart: (legs, n) departure minute of each leg, NEVER if the leg does not happen.
        zone: (legs, n) destination zone of each leg.
        activity: (legs, n) activity at the destination.
        mode: (legs, n) imposed travel mode of each leg, MODE_NONE to let the traveller choose.
        away_place: (n,) the region's place where the resident is while out of town today, -1 if not away.
    """

    start_zone: np.ndarray
    start_activity: np.ndarray
    depart: np.ndarray
    zone: np.ndarray
    activity: np.ndarray
    mode: np.ndarray
    away_place: np.ndarray


class _Chain:
    """Legs of one group of residents, appended in time order."""

    def __init__(self, rows: np.ndarray, start_zone: np.ndarray, start_activity: np.ndarray) -> None:
        self.rows = rows
        self.start_zone = start_zone
        self.start_activity = start_activity
        self.legs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def go(self, depart: np.ndarray, zone: np.ndarray, activity: int | np.ndarray, on: np.ndarray | bool = True,
           mode: np.ndarray | int = MODE_NONE) -> None:
        """Append a leg; residents with ``on`` False (or no zone) skip it."""
        shape = self.rows.shape
        zone = np.broadcast_to(np.asarray(zone, np.int64), shape)
        on = np.broadcast_to(np.asarray(on, bool), shape) & (zone >= 0)
        self.legs.append((np.where(on, depart, NEVER), zone, np.broadcast_to(np.asarray(activity, np.int8), shape),
                          np.broadcast_to(np.asarray(mode, np.int8), shape)))


class DayPlanner:
    """Plans every resident's day from the templates in the module docstring.

    Attributes:
        memory: Every resident's visited places (one memory across kinds).
        spells: Every resident's spells of leave and trips away over the horizon.
    """

    def __init__(self, city: City, region: Region, residents: pd.DataFrame, seed: int, days: int) -> None:
        self.city = city
        self.region = region
        self.seed = seed
        self.n = len(residents)
        self.home = residents["home_zone"].to_numpy(np.int64)
        self.work = residents["work_zone"].to_numpy(np.int64)
        self.has_car = residents["has_car"].to_numpy(bool)
        self.has_card = residents["has_card"].to_numpy(bool)
        archetype = residents["archetype"].to_numpy()
        self.archetype = archetype
        rng = stream(seed, "residents", "habits")
        self.worship_day = np.where(rng.random(self.n) < WORSHIP_SHARE,
                                    np.where(rng.random(self.n) < 0.3, 5, 6), -1)
        schools = np.flatnonzero(city.land_use_codes == LAND_USE_CODE["school"])
        near = manhattan(self.home[:, None], schools[None, :], city.width).argmin(axis=1) if len(schools) else None
        self.nearest_school = schools[near] if near is not None else np.full(self.n, -1, np.int64)
        self.habit_leave_home = rng.normal(7.75 * 60, HABIT_SPREAD_MIN, self.n)
        self.habit_leave_work = rng.normal(17.5 * 60, HABIT_SPREAD_MIN, self.n)
        self.habit_school = rng.normal(7.67 * 60, 8, self.n)
        self.memory = PlaceMemory(city, region, self.home)
        warm = stream(seed, "residents", "epr", "warm_up")
        everyone = np.arange(self.n)
        for kind, visits in WARM_UP_VISITS.items():
            rows = np.flatnonzero(self.worship_day >= 0) if kind == "worship" else everyone
            for _ in range(visits):
                self.memory.choose(rows, warm, kind)
        self.spells: Spells = draw_spells(seed, np.isin(archetype, WORKING), days)
        routine = stream(seed, "residents", "routine")
        has_routine = routine.random(self.n) < ROUTINE_SHARE
        self.routine_place = np.full(self.n, -1, np.int64)
        self.routine_place[has_routine] = self.memory.choose(np.flatnonzero(has_routine), routine, "leisure")
        days_of_week = np.argsort(routine.random((self.n, 7)), axis=1)[:, :ROUTINE_DAYS]
        self.routine_day = np.zeros((self.n, 7), bool)
        np.put_along_axis(self.routine_day, days_of_week, True, axis=1)
        self.routine_day &= (self.routine_place >= 0)[:, None]
        self.away_mode = np.where(self.has_car | ~city.station_mask.any(), MODE_CAR, MODE_TRANSIT).astype(np.int8)
        self.trip_place = np.full(self.n, -1, np.int64)
        self.night_zone = self.home.copy()
        self.night_activity = np.full(self.n, HOME, np.int8)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _time(rng: np.random.Generator, hour: float, sd_min: float, n: int) -> np.ndarray:
        """Draw departure minutes around ``hour`` (normal, sd in minutes), within the day."""
        return np.clip(np.rint(rng.normal(hour * 60, sd_min, n)), 0, LAST_MINUTE).astype(np.int64)

    def _habit(self, rng: np.random.Generator, habit: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Draw departure minutes around each resident's habitual time (day-to-day sd HABIT_JITTER_MIN)."""
        minutes = habit[rows] + rng.normal(0, HABIT_JITTER_MIN, len(rows))
        return np.clip(np.rint(minutes), 0, LAST_MINUTE).astype(np.int64)

    @staticmethod
    def _stay(rng: np.random.Generator, minutes: float, n: int) -> np.ndarray:
        """Draw stays around ``minutes`` (normal, sd a third of it, at least 15 minutes)."""
        return np.maximum(rng.normal(minutes, minutes / 3, n), 15).astype(np.int64)

    def _gateway(self, place: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Return the zone each resident leaves the city by for a regional place (by their trip-away mode)."""
        index = np.maximum(place - self.city.n_zones, 0)
        by_train = (self.away_mode[rows] == MODE_TRANSIT) & (self.region.gateway_station[index] >= 0)
        gate = np.where(by_train, self.region.gateway_station[index], self.region.gateway_road[index])
        return np.where(place >= 0, gate, -1)

    def _place(self, rng: np.random.Generator, rows: np.ndarray, on: np.ndarray, mix: dict[str, float],
               origins: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Choose a kind from ``mix`` and a place of that kind for residents with ``on``; -1 elsewhere."""
        kinds = list(mix)
        p = np.array([mix[k] for k in kinds])
        pick = np.minimum((np.cumsum(p / p.sum())[None, :] < rng.random(len(rows))[:, None]).sum(axis=1),
                          len(kinds) - 1)
        zone = np.full(len(rows), -1, np.int64)
        activity = np.full(len(rows), HOME, np.int8)
        sel = np.flatnonzero(on)
        if len(sel):
            zone[sel] = self.memory.choose(rows[sel], rng, kinds, None if origins is None else origins[sel],
                                           pick[sel])
            activity[sel] = np.array([KIND_ACTIVITY[k] for k in kinds], np.int8)[pick[sel]]
        return zone, activity

    def _tour(self, chain: _Chain, rng: np.random.Generator, on: np.ndarray, leave: np.ndarray,
              stops: tuple[Stop, ...], back_zone: np.ndarray, back_activity: int, always_back: bool = False,
              origins: np.ndarray | None = None) -> np.ndarray:
        """Append a tour: up to len(stops) stops from ``leave``, then back (module docstring).

        Residents with ``on`` start the tour; each stop is made by a share of those who made the previous one.
        The leg back is taken by everyone with ``on`` when ``always_back`` (e.g. home from work), else only by
        those who made a stop. Returns who made at least one stop.
        """
        n = len(chain.rows)
        going = on.copy()
        went = np.zeros(n, bool)
        t = leave
        for share, mix, stay in stops:
            going &= rng.random(n) < share
            zone, activity = self._place(rng, chain.rows, going, mix, origins)
            chain.go(t, zone, activity, going)
            going &= zone >= 0
            went |= going
            t = np.where(going, t + self._stay(rng, stay, n), t)
        chain.go(np.minimum(t, LAST_MINUTE), back_zone, back_activity, on if always_back else went)
        return went

    def _outing(self, chain: _Chain, rng: np.random.Generator, share: float, hour: float, sd: float,
                stops: tuple[Stop, ...]) -> np.ndarray:
        """Append a tour from home and back home by ``share`` of the residents; return who went."""
        on = rng.random(len(chain.rows)) < share
        return self._tour(chain, rng, on, self._time(rng, hour, sd, len(chain.rows)), stops,
                          self.home[chain.rows], HOME)

    def _evening(self, chain: _Chain, rng: np.random.Generator, weekday: int, share: float, hour: float,
                 sd: float, stops: tuple[Stop, ...], allowed: np.ndarray | None = None) -> None:
        """Append the evening: the resident's regular activity on its days, else an evening out by ``share``."""
        rows, n = chain.rows, len(chain.rows)
        allowed = np.ones(n, bool) if allowed is None else allowed
        routine = allowed & self.routine_day[rows, weekday]
        leave = self._time(rng, ROUTINE_HOUR, 15, n)
        chain.go(leave, self.routine_place[rows], LEISURE, routine)
        chain.go(leave + self._stay(rng, ROUTINE_MIN, n), self.home[rows], HOME, routine)
        out = allowed & ~routine & (rng.random(n) < share)
        self._tour(chain, rng, out, self._time(rng, hour, sd, n), stops, self.home[rows], HOME)

    def _day_out(self, chain: _Chain, rng: np.random.Generator, on: np.ndarray, away_place: np.ndarray) -> None:
        """Append a day out of town (leave 09:30, back 18:00) for residents with ``on``; note where they went."""
        rows, n = chain.rows, len(chain.rows)
        place, _ = self._place(rng, rows, on, {OUTING: 1.0})
        gate = self._gateway(place, rows)
        mode = self.away_mode[rows]
        chain.go(self._time(rng, 9.5, 60, n), gate, AWAY, on, mode)
        chain.go(self._time(rng, 18.0, 90, n), self.home[rows], HOME, on & (gate >= 0), mode)
        away_place[rows[on & (place >= 0)]] = place[on & (place >= 0)] - self.city.n_zones

    # ------------------------------------------------------------ templates

    def _weekend(self, chain: _Chain, rng: np.random.Generator, weekday: int, away_place: np.ndarray,
                 on_leave: bool = False, evening_work: np.ndarray | None = None) -> None:
        rows, n = chain.rows, len(chain.rows)
        worship = self.worship_day[rows] == weekday
        zone, activity = self._place(rng, rows, worship, {"worship": 1.0})
        chain.go(self._time(rng, 9.75, 20, n), zone, activity, worship)
        chain.go(self._time(rng, 11.5, 15, n), self.home[rows], HOME, worship & (zone >= 0))
        day_out = rng.random(n) < DAY_OUT_WEEKEND
        shopping = ~worship & ~day_out & (rng.random(n) < (0.5 if weekday == 5 or on_leave else 0.0))
        self._tour(chain, rng, shopping, self._time(rng, 10.25, 40, n), ((1.0, SHOP, 50), (0.35, SHOP, 30)),
                   self.home[rows], HOME)
        self._day_out(chain, rng, day_out, away_place)
        midday = ~day_out & (rng.random(n) < 0.75)
        self._tour(chain, rng, midday, self._time(rng, 12.75, 75, n), ((1.0, MIDDAY, 200), (0.35, MIDDAY, 50)),
                   self.home[rows], HOME)
        visit = ~day_out & (rng.random(n) < 0.4)
        self._tour(chain, rng, visit, self._time(rng, 16.75, 45, n), ((1.0, AFTERNOON, 120),), self.home[rows], HOME)
        if evening_work is not None and evening_work.any():
            chain.go(self._time(rng, 21.4, 10, n), self.work[rows], WORK, evening_work)
        evening = 0.3 if on_leave else 0.4 if weekday == 5 else 0.25
        mix = {"nightlife": 0.7, "leisure": 0.3} if weekday == 5 else {"leisure": 0.7, "nightlife": 0.3}
        free = np.ones(n, bool) if evening_work is None else ~evening_work
        self._evening(chain, rng, weekday, evening, 20.25, 40, ((1.0, mix, 200),), free)

    def _office_worker(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
                       away_place: np.ndarray) -> None:
        rows, n = chain.rows, len(chain.rows)
        remote = status.home_working[rows]
        office = ~remote
        chain.go(self._habit(rng, self.habit_leave_home, rows), self.work[rows], WORK, office)
        lunch = office & (rng.random(n) < 0.3)
        self._tour(chain, rng, lunch, self._time(rng, 12.25, 20, n), ((1.0, LUNCH, 40),), self.work[rows], WORK,
                   origins=self.work[rows])
        self._tour(chain, rng, office, self._habit(rng, self.habit_leave_work, rows),
                   ((0.45, ERRANDS, 35), (0.35, SHOP, 25)), self.home[rows], HOME, always_back=True)
        midday = remote & (rng.random(n) < 0.45)
        self._tour(chain, rng, midday, self._time(rng, 12.0, 40, n), ((1.0, ERRANDS, 45), (0.3, SHOP, 25)),
                   self.home[rows], HOME)
        walk = remote & (rng.random(n) < 0.25)
        self._tour(chain, rng, walk, self._time(rng, 16.0, 40, n), ((1.0, AFTERNOON, 60),), self.home[rows], HOME)
        self._evening(chain, rng, weekday, 0.25, 19.75, 40, ((1.0, EVENING, 165),))

    def _shift_worker(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
                      away_place: np.ndarray) -> None:
        rows, n = chain.rows, len(chain.rows)
        night = (weekday in NIGHT_SHIFT_STARTS) & (self.work[rows] >= 0)
        if weekday >= 5:
            self._weekend(chain, rng, weekday, away_place, evening_work=night)
            return
        self._outing(chain, rng, 0.55, 14.5, 45, ((1.0, ERRANDS, 60), (0.3, SHOP, 25)))
        chain.go(self._time(rng, 21.4, 10, n), self.work[rows], WORK, night)
        self._evening(chain, rng, weekday, 0.2, 19.75, 40, ((1.0, EVENING, 150),), ~night)

    def _student(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
                 away_place: np.ndarray) -> None:
        rows, n = chain.rows, len(chain.rows)
        chain.go(self._habit(rng, self.habit_school, rows), self.work[rows], SCHOOL)
        self._tour(chain, rng, np.ones(n, bool), self._time(rng, 15.5, 30, n),
                   ((0.5, AFTER_SCHOOL, 75), (0.3, AFTER_SCHOOL, 40)), self.home[rows], HOME, always_back=True)
        self._evening(chain, rng, weekday, 0.2, 19.5, 30, ((1.0, {"leisure": 0.6, "nightlife": 0.4}, 120),))

    def _carer(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
               away_place: np.ndarray) -> None:
        rows, n = chain.rows, len(chain.rows)
        school = self.nearest_school[rows]
        everyone = np.ones(n, bool)
        chain.go(self._time(rng, 8.08, 10, n), school, SCHOOL)
        self._tour(chain, rng, everyone, self._time(rng, 8.5, 10, n), ((0.6, SHOP, 75), (0.3, SHOP, 30)),
                   self.home[rows], HOME, always_back=True)
        self._outing(chain, rng, 0.35, 11.75, 30, ((1.0, {"care": 0.4, "leisure": 0.6}, 90),))
        chain.go(self._time(rng, 14.9, 8, n), school, SCHOOL)
        self._tour(chain, rng, everyone, self._time(rng, 15.3, 8, n), ((0.45, AFTER_SCHOOL, 75),),
                   self.home[rows], HOME, always_back=True)
        self._evening(chain, rng, weekday, 0.10, 19.5, 30, ((1.0, {"leisure": 1.0}, 90),))

    def _at_leisure(self, chain: _Chain, rng: np.random.Generator, weekday: int, morning: float, evening: float,
                    away_place: np.ndarray) -> None:
        n = len(chain.rows)
        day_out = rng.random(n) < DAY_OUT_WEEKDAY
        self._day_out(chain, rng, day_out, away_place)
        stay = ~day_out & (rng.random(n) >= STAY_IN)
        self._tour(chain, rng, stay & (rng.random(n) < morning), self._time(rng, 9.75, 50, n),
                   ((1.0, SHOP, 90), (0.35, ERRANDS, 40)), self.home[chain.rows], HOME)
        self._tour(chain, rng, stay & (rng.random(n) < 0.3), self._time(rng, 12.25, 30, n),
                   ((1.0, LUNCH, 75),), self.home[chain.rows], HOME)
        self._tour(chain, rng, stay & (rng.random(n) < 0.6), self._time(rng, 14.5, 50, n),
                   ((1.0, AFTERNOON, 150), (0.3, AFTERNOON, 45)), self.home[chain.rows], HOME)
        self._evening(chain, rng, weekday, evening, 19.5, 30, ((1.0, EVENING, 120),), stay)

    def _retiree(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
                 away_place: np.ndarray) -> None:
        self._at_leisure(chain, rng, weekday, 0.7, 0.08, away_place)

    def _unemployed(self, chain: _Chain, rng: np.random.Generator, weekday: int, status: DayStatus,
                    away_place: np.ndarray) -> None:
        self._at_leisure(chain, rng, weekday, 0.55, 0.18, away_place)

    def _sick(self, chain: _Chain, rng: np.random.Generator) -> None:
        self._outing(chain, rng, 0.2, 10.5, 60, ((1.0, {"care": 1.0}, 60),))

    def _trip_away(self, chain: _Chain, rng: np.random.Generator, status: DayStatus, away_place: np.ndarray) -> None:
        """Leave for a trip away (first day), stay out of town, or come back (last day)."""
        rows, n = chain.rows, len(chain.rows)
        leaving = status.leaving[rows]
        place, _ = self._place(rng, rows, leaving, {OUTING: 1.0})
        self.trip_place[rows[leaving]] = place[leaving]
        gate = self._gateway(self.trip_place[rows], rows)
        mode = self.away_mode[rows]
        chain.go(self._time(rng, 10.0, 120, n), gate, AWAY, leaving, mode)
        returning = status.returning[rows]
        chain.go(self._time(rng, 15.0, 150, n), self.home[rows], HOME, returning & (gate >= 0), mode)
        there = self.trip_place[rows] >= 0
        away_place[rows[there]] = self.trip_place[rows[there]] - self.city.n_zones

    # ------------------------------------------------------------ the day

    def _start(self, status: DayStatus, rng: np.random.Generator) -> None:
        """Put residents whose trip away began before the horizon at their gateway (day 0 only)."""
        already = (status.away | status.returning) & (self.trip_place < 0)
        rows = np.flatnonzero(already)
        if len(rows):
            place, _ = self._place(rng, rows, np.ones(len(rows), bool), {OUTING: 1.0})
            self.trip_place[rows] = place
            self.night_zone[rows] = np.where(place >= 0, self._gateway(place, rows), self.home[rows])
            self.night_activity[rows] = np.where(place >= 0, AWAY, HOME)

    def plan(self, day: int, weekday: int) -> DayPlan:
        """Plan every resident's day.

        Args:
            day: Day index from the start of the horizon (names the random streams).
            weekday: 0 = Monday.

        Returns:
            The plan, legs in time order.
        """
        rng = stream(self.seed, "residents", "plan", day)
        status = day_status(self.seed, self.spells, day, weekday, self.archetype == "office_worker")
        if day == 0:
            self._start(status, rng)
        away_place = np.full(self.n, -1, np.int64)
        trip = status.leaving | status.away | status.returning
        home_day = status.sick | status.on_leave | trip
        chains: list[_Chain] = []

        def chain_of(rows: np.ndarray) -> _Chain:
            chain = _Chain(rows, self.night_zone[rows], self.night_activity[rows])
            after_night = chain.start_activity == WORK
            chain.go(self._time(rng, 6.1, 10, len(rows)), self.home[rows], HOME, after_night)
            chains.append(chain)
            return chain

        self._trip_away(chain_of(np.flatnonzero(trip)), rng, status, away_place)
        self._sick(chain_of(np.flatnonzero(status.sick)), rng)
        leave_rows = np.flatnonzero(status.on_leave)
        self._weekend(chain_of(leave_rows), rng, weekday, away_place, on_leave=weekday < 5)
        for archetype in ARCHETYPES:
            rows = np.flatnonzero((self.archetype == archetype) & ~home_day)
            if not len(rows):
                continue
            chain = chain_of(rows)
            if weekday >= 5 and archetype != "shift_worker":
                self._weekend(chain, rng, weekday, away_place)
            else:
                getattr(self, f"_{archetype}")(chain, rng, weekday, status, away_place)
        self.trip_place[status.returning] = -1
        return self._assemble(chains, away_place)

    def _assemble(self, chains: list[_Chain], away_place: np.ndarray) -> DayPlan:
        """Stack the chains' legs into a DayPlan and remember where each resident ends the day."""
        legs = max((len(c.legs) for c in chains), default=0)
        plan = DayPlan(start_zone=self.night_zone.copy(), start_activity=self.night_activity.copy(),
                       depart=np.full((legs, self.n), NEVER, np.int64), zone=np.zeros((legs, self.n), np.int64),
                       activity=np.zeros((legs, self.n), np.int8), mode=np.zeros((legs, self.n), np.int8),
                       away_place=away_place)
        for chain in chains:
            for j, (depart, zone, activity, mode) in enumerate(chain.legs):
                plan.depart[j, chain.rows] = depart
                plan.zone[j, chain.rows] = zone
                plan.activity[j, chain.rows] = activity
                plan.mode[j, chain.rows] = mode
        plan = _compact(plan)
        taken = (plan.depart < NEVER).sum(axis=0)
        columns = np.flatnonzero(taken)
        self.night_zone[columns] = plan.zone[taken[columns] - 1, columns]
        self.night_activity[columns] = plan.activity[taken[columns] - 1, columns]
        return plan


def _compact(plan: DayPlan) -> DayPlan:
    """Move each resident's legs that happen to the front, in order, and drop the rows no one uses.

    Travel is computed leg row by leg row, so fewer, fuller rows are faster; the plan is the same.
    """
    happens = plan.depart < NEVER
    order = np.argsort(~happens, axis=0, kind="stable")
    rows = int(happens.sum(axis=0).max(initial=0))
    pick = order[:rows]
    return DayPlan(start_zone=plan.start_zone, start_activity=plan.start_activity,
                   depart=np.take_along_axis(plan.depart, pick, axis=0),
                   zone=np.take_along_axis(plan.zone, pick, axis=0),
                   activity=np.take_along_axis(plan.activity, pick, axis=0),
                   mode=np.take_along_axis(plan.mode, pick, axis=0), away_place=plan.away_place)
