"""The Mesa model of stage 1: residents living through the horizon, one Mesa step per simulated day.

Step order of :meth:`CityModel.step` (one day):

1. plan: every resident's kind of day (sick, on leave, working from home, away:
   :mod:`simulation.world.absence`) and activity chain (times, destinations; discretionary places by exploration
   and preferential return over one memory of places, :mod:`simulation.world.places`), vectorised per archetype
   (:class:`simulation.world.planning.DayPlanner`);
2. travel: each trip's mode, duration and the zones it passes through (:func:`simulation.world.travel.fill_day`),
   from 20,000 residents on a second thread while the next day is planned (planning reads only the planner's
   state);
3. record: the day's rows of the (slot, resident) arrays ``zone``, ``activity``, ``mode``, and the region's place
   of every resident out of town (``away_place``);
4. collect: model-level reporters (trips that day, share at home at 03:00, share travelling at 08:00).

Per-agent Python never runs per slot: residents are real ``mesa.Agent`` objects whose state is the model's arrays.
Every random draw comes from a named stream of :func:`simulation.rng.stream` (Mesa's own ``rng`` too), so the
same scenario and seed give identical arrays in any process.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import mesa
import numpy as np
from tqdm import tqdm

from simulation.codes import HOME, TRAVEL
from simulation.rng import stream
from simulation.scenario import WEEKDAYS, ScenarioConfig
from simulation.world import World, travel
from simulation.world.city import City
from simulation.world.city_source import load_city
from simulation.world.planning import DayPlan, DayPlanner
from simulation.world.region import make_region
from simulation.world.residents import Resident, make_population
from simulation.world.travel import fill_day

PROGRESS_MIN_RESIDENT_DAYS = 200_000
"""Runs at least this large show a progress bar when asked to."""


class CityModel(mesa.Model):
    """Residents of a city over a horizon of days; the presence arrays are the model's state.

    Attributes:
        config: The scenario.
        city: The city.
        residents: The residents table (columns of :class:`simulation.world.World`).
        planner: Plans every resident's day and keeps their visited places.
        zone: int32 (slot, resident) zone ids.
        activity: int8 (slot, resident) activity codes.
        mode: int8 (slot, resident) travel modes.
        away_place: int16 (day, resident) the region's place of a resident out of town that day, -1 if not away.
        region: The places beyond the city.
        day: Days simulated so far.
        trips: Trips made so far.
    """

    def __init__(self, config: ScenarioConfig, city: City | None = None) -> None:
        super().__init__(rng=int(stream(config.seed, "model", "mesa").integers(2**62)))
        self.config = config
        self.city = city if city is not None else load_city(config.world, config.seed)
        self.residents = make_population(config.population, self.city, config.seed)
        n = len(self.residents)
        Resident.create_agents(self, n, index=np.arange(n))
        self.region = make_region(self.city, config.seed)
        self.days = config.world.days
        self.planner = DayPlanner(self.city, self.region, self.residents, config.seed, self.days)
        self.slot_minutes = config.world.slot_minutes
        self.slots_per_day = 1440 // self.slot_minutes
        self.start_weekday = WEEKDAYS.index(config.world.start_weekday)
        shape = (self.days * self.slots_per_day, n)
        self.zone = np.zeros(shape, np.int32)
        self.activity = np.zeros(shape, np.int8)
        self.mode = np.zeros(shape, np.int8)
        self.away_place = np.full((self.days, n), -1, np.int16)
        self.day = 0
        self._planned: dict[int, DayPlan] = {}
        self.trips = 0
        self.trips_today = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            "day": "day",
            "trips": "trips_today",
            "share_home_0300": self._share_home_at_3,
            "share_travelling_0800": self._share_travelling_at_8,
        })

    def _plan(self, day: int) -> DayPlan:
        return self.planner.plan(day, (self.start_weekday + day) % 7)

    def _day_rows(self, day: int) -> slice:
        return slice(day * self.slots_per_day, (day + 1) * self.slots_per_day)

    def _share_home_at_3(self) -> float:
        row = (self.day - 1) * self.slots_per_day + 180 // self.slot_minutes
        return float(np.mean(self.activity[row] == HOME))

    def _share_travelling_at_8(self) -> float:
        row = (self.day - 1) * self.slots_per_day + 480 // self.slot_minutes
        return float(np.mean(self.activity[row] == TRAVEL))

    def step(self) -> None:
        """Simulate one day (see the module docstring for the order)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} day(s) is already simulated")
        plan = self._planned.pop(self.day, None) or self._plan(self.day)
        rng = stream(self.config.seed, "residents", "travel", self.day)
        fill = partial(fill_day, plan, self.city, self.planner.has_car, self.planner.has_card, rng, self.slot_minutes)
        if len(self.residents) < 2 * travel.SPLIT_FROM:  # small worlds: threads would cost more than they save
            zone, activity, mode, trips = fill()
        else:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="travel") as helper:
                filled = helper.submit(fill)
                if self.day + 1 < self.days:  # tomorrow's plan reads only the planner: made while today fills
                    self._planned[self.day + 1] = self._plan(self.day + 1)
                zone, activity, mode, trips = filled.result()
        rows = self._day_rows(self.day)
        self.zone[rows], self.activity[rows], self.mode[rows] = zone, activity, mode
        self.away_place[self.day] = plan.away_place
        self.trips_today = trips
        self.trips += trips
        self.day += 1
        self.datacollector.collect(self)

    def world(self) -> World:
        """Return the simulated horizon as a World (arrays shared, not copied)."""
        return World(city=self.city, residents=self.residents, zone=self.zone, activity=self.activity,
                     mode=self.mode, slot_minutes=self.slot_minutes, start_weekday=self.start_weekday,
                     trips=int(self.trips), away_place=self.away_place, region=self.region)


def build_world(config: ScenarioConfig, progress: bool = False, city: City | None = None) -> World:
    """Run stage 1: simulate the scenario's residents over its horizon.

    Args:
        config: A validated scenario (its world, population and seed sections are used).
        progress: Show a progress bar over days for large runs.
        city: The city, when the caller holds it (a zone table uploaded to the dashboard); by default the one
            ``config.world.city`` names.

    Returns:
        The World (ground truth presence arrays and the residents table).
    """
    model = CityModel(config, city)
    large = config.population.residents * config.world.days >= PROGRESS_MIN_RESIDENT_DAYS
    for _ in tqdm(range(model.days), desc="world", unit="day", disable=not (progress and large)):
        model.step()
    return model.world()
