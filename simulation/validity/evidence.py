"""What the facts are measured on: one run's World, its stays and trips, and transit-card taps at every station.

The card taps come from a reference deployment (a reader at every station, every tap recorded), not from the
scenario's own sensors, so that the facts measure the mobility model (stage 1) whatever a scenario deploys.

The visitation laws (f_k, S(t)) describe long observation: over a single week most places beyond the few habitual
ones are visited once, which floors f_k at one visit whatever the model does. They are measured over the first
VISIT_WINDOW_DAYS of the scenario (run for that long when its horizon is shorter; same city, people and seed).

Unicity depends on how many people could share a point: the fewer residents, the more traces are unique (with
two points, 0.77 among 5,000 residents of the default city, 0.53 among 20,000; Farzanehfar, Houssiau and de
Montjoye 2021 show the same fall with the population in real data). The published figures come from 1.5 million
people, so the unicity of card traces is measured among at least CROWD_RESIDENTS residents: the scenario with its
population scaled up when it is smaller (same city, days, sensors' reference and seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulation.scenario import ScenarioConfig, TransitCardSensor
from simulation.validity.movements import Movements, movements
from simulation.world import World

VISIT_WINDOW_DAYS = 14
"""Days over which the visitation laws are measured."""
CROWD_RESIDENTS = 20_000
"""Fewest residents the unicity of card traces is measured among (module docstring)."""
REFERENCE_CARD_READERS = TransitCardSensor(name="validity_card_readers", placement={"zone_share": 1.0},
                                           detection_probability=1.0,
                                           sampling_interval_minutes=15)
"""A reader at every station recording every tap (its interval is set to the world's slot)."""


@dataclass(eq=False)
class Evidence:
    """One run, as the facts read it.

    Attributes:
        world: Stage 1 output.
        config: The scenario (its seed names the random streams of the measurements).
    """

    world: World
    config: ScenarioConfig

    @cached_property
    def movements(self) -> Movements:
        """The stays and trips of the world."""
        return movements(self.world)

    @cached_property
    def fortnight(self) -> Movements:
        """The stays and trips of the scenario's first VISIT_WINDOW_DAYS days (module docstring)."""
        world = self.world
        days = world.n_slots // world.slots_per_day
        if days < VISIT_WINDOW_DAYS:
            from simulation.world.model import build_world

            longer = self.config.world.model_copy(update={"days": VISIT_WINDOW_DAYS})
            world = build_world(self.config.model_copy(update={"world": longer}))
        elif days > VISIT_WINDOW_DAYS:
            world = world.first_days(VISIT_WINDOW_DAYS)
        return movements(world)

    @cached_property
    def crowd(self) -> Evidence:
        """This evidence, or the scenario's with at least CROWD_RESIDENTS residents (module docstring)."""
        if self.world.n_residents >= CROWD_RESIDENTS:
            return self
        from simulation.world.model import build_world

        population = self.config.population.model_copy(update={"residents": CROWD_RESIDENTS})
        config = self.config.model_copy(update={"population": population})
        return Evidence(build_world(config), config)

    @cached_property
    def card_taps(self) -> dict[str, np.ndarray]:
        """Every tap of a card at a station: ``card`` (dense code), ``zone``, ``slot`` arrays."""
        from simulation.sensors import observe

        readers = REFERENCE_CARD_READERS.model_copy(update={"sampling_interval_minutes": self.world.slot_minutes})
        config = self.config.model_copy(update={"sensors": [readers]})
        records = observe(self.world, config).records
        card = np.unique(records["token"].to_numpy(), return_inverse=True)[1].astype(np.int64)
        return {"card": card, "zone": records["zone"].to_numpy(np.int64), "slot": records["slot"].to_numpy(np.int64)}
