"""A plain Mesa version of stage 1, for comparison: every resident's ``step()`` runs in every slot.

The same city, residents table and route rules as :mod:`simulation.world.model`, but the idiomatic agent-per-slot way:
at midnight each resident draws its day in Python (leave for work or school, or an errand, and come back), and in
every slot ``shuffle_do("step")`` wakes every resident, who checks its plan, starts a trip (a cached
``City.route``), moves one slot along it, and writes its zone, activity and mode into the model's arrays.

Run as part of ``bench/bench_world.py``.
"""

from __future__ import annotations

import mesa
import numpy as np

from simulation.codes import HOME, MODE_BIKE, MODE_CAR, MODE_NONE, MODE_WALK, SHOPPING, TRAVEL, WORK
from simulation.scenario import ScenarioConfig
from simulation.world.city import City
from simulation.world.residents import make_population


class PlainResident(mesa.Agent):
    """A resident stepping every slot."""

    def __init__(self, model: PlainCityModel, index: int, home: int, work: int, has_car: bool) -> None:
        super().__init__(model)
        self.index, self.home, self.work, self.has_car = index, home, work, has_car
        self.zone, self.activity, self.mode = home, HOME, MODE_NONE
        self.plan: list[tuple[int, int, int]] = []
        self.route: list[int] = []

    def plan_day(self) -> None:
        """Draw today's departures: (slot, destination, activity)."""
        rnd, spd = self.model.random, self.model.slots_per_day
        if self.work >= 0:
            out, back = int(rnd.gauss(7.75, 0.6) * spd / 24), int(rnd.gauss(17.25, 0.7) * spd / 24)
            self.plan = [(out, self.work, WORK), (back, self.home, HOME)]
        elif rnd.random() < 0.6:
            shop = rnd.choice(self.model.retail)
            out = int(rnd.gauss(10.0, 0.8) * spd / 24)
            self.plan = [(out, shop, SHOPPING), (out + 6, self.home, HOME)]
        else:
            self.plan = []

    def step(self) -> None:
        """Advance one slot."""
        model = self.model
        t = model.slot
        if t % model.slots_per_day == 0:
            self.plan_day()
        if self.route:
            self.zone = self.route.pop(0)
            if not self.route:
                self.activity, self.mode = self.target_activity, MODE_NONE
        elif self.plan and self.plan[0][0] <= t % model.slots_per_day:
            _, destination, self.target_activity = self.plan.pop(0)
            self.mode = MODE_CAR if self.has_car else (MODE_BIKE if destination != self.zone else MODE_WALK)
            route = list(model.city.route(self.zone, destination, self.mode))
            self.route = route[1:: max(1, len(route) // 3)] + [destination]
            self.activity = TRAVEL
            self.zone = self.route.pop(0)
        model.zone[t, self.index] = self.zone
        model.activity[t, self.index] = self.activity
        model.mode[t, self.index] = self.mode


class PlainCityModel(mesa.Model):
    """Stage 1 as a plain Mesa model: one Mesa step per slot."""

    def __init__(self, config: ScenarioConfig, city: City) -> None:
        super().__init__(rng=config.seed)
        self.city = city
        people = make_population(config.population, city, config.seed)
        self.retail = [int(z) for z in np.flatnonzero(city.zones["land_use"].to_numpy() == "retail")]
        self.slots_per_day = 1440 // config.world.slot_minutes
        n_slots = config.world.days * self.slots_per_day
        n = len(people)
        self.zone = np.zeros((n_slots, n), np.int32)
        self.activity = np.zeros((n_slots, n), np.int8)
        self.mode = np.zeros((n_slots, n), np.int8)
        self.slot = 0
        PlainResident.create_agents(self, n, index=np.arange(n), home=people["home_zone"].to_numpy(),
                                    work=people["work_zone"].to_numpy(), has_car=people["has_car"].to_numpy())

    def step(self) -> None:
        """Wake every resident for one slot."""
        self.agents.shuffle_do("step")
        self.slot += 1
