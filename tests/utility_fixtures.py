"""Worlds, logs and releases for the utility and assessment tests.

The world is the sensor tests' commuter world on the 8 x 8 grid city (hand-made, seconds to build); the log and
the release come from the real sensors and controls, so the estimators are tested on the data they will meet.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np

from simulation.controls.pipeline import apply_controls
from simulation.metrics.base import AssessmentContext
from simulation.metrics.utility.crowd import estimate_crowd
from simulation.metrics.utility.energy import estimate_energy
from simulation.metrics.utility.environment import estimate_environment
from simulation.metrics.utility.public_safety import locate, persons_of_interest, police_identifiers
from simulation.metrics.utility.traffic import estimate_traffic
from simulation.metrics.utility.transit import estimate_transit
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.scenario import ScenarioConfig
from simulation.sensors import observe
from simulation.world import World
from tests.sensor_fixtures import commuter_world

_WORLDS: dict[tuple[int, int, int], World] = {}


def world(n: int = 200, days: int = 2, seed: int = 3) -> World:
    """Return a commuter world (cached: worlds are never modified)."""
    if (n, days, seed) not in _WORLDS:
        _WORLDS[(n, days, seed)] = commuter_world(n=n, days=days, seed=seed)
    return _WORLDS[(n, days, seed)]


def sensors(zone_share: float = 1.0, face_recognition: bool = True, kinds: tuple[str, ...] | None = None,
            detection_probability: float = 0.8) -> list[dict]:
    """Return one deployment per kind, each in a share of its eligible zones."""
    placement = {"zone_share": zone_share}
    every = [
        {"kind": "people_counter", "name": "counters", "placement": placement,
         "detection_probability": detection_probability},
        {"kind": "wifi_bt", "name": "wifi", "placement": placement, "detection_probability": detection_probability},
        {"kind": "cctv", "name": "cameras", "placement": placement, "face_recognition": face_recognition,
         "watchlist_size": 10, "detection_probability": detection_probability},
        {"kind": "anpr", "name": "plates", "placement": placement, "detection_probability": detection_probability},
        {"kind": "transit_card", "name": "cards", "placement": placement},
        {"kind": "smart_meter", "name": "meters", "placement": placement},
        {"kind": "env_iot", "name": "air", "placement": placement},
    ]
    return [s for s in every if kinds is None or s["kind"] in kinds]


def config_for(the_world: World, sensor_list: list[dict] | None = None, seed: int = 7, **controls: dict
               ) -> ScenarioConfig:
    """Return a scenario over the world's horizon with the given deployments and controls."""
    return ScenarioConfig.model_validate({
        "name": "utility-test", "seed": seed,
        "world": {"days": the_world.n_slots // the_world.slots_per_day, "slot_minutes": the_world.slot_minutes},
        "population": {"residents": the_world.n_residents},
        "sensors": sensors() if sensor_list is None else sensor_list, "controls": controls,
    })


@dataclass(eq=False)
class Run:
    """Stages 1-3 of one test run."""

    world: World
    log: ObservationLog
    release: Release
    config: ScenarioConfig

    def context(self) -> AssessmentContext:
        """Return the stage-4 context."""
        return AssessmentContext(world=self.world, log=self.log, release=self.release, config=self.config)


_RUNS: dict[str, Run] = {}


def run(sensor_list: list[dict] | None = None, n: int = 200, days: int = 2, seed: int = 7, **controls: dict) -> Run:
    """Return the world, log and release of the commuter world under the deployments and controls.

    Runs are cached by their arguments (tests never modify them).
    """
    key = json.dumps([sensor_list, n, days, seed, controls], sort_keys=True)
    if key not in _RUNS:
        the_world = world(n, days)
        config = config_for(the_world, sensor_list, seed=seed, **controls)
        log = observe(the_world, config)
        _RUNS[key] = Run(the_world, log, apply_controls(the_world, log, config), config)
    return _RUNS[key]


def shuffled(ctx: AssessmentContext, seed: int) -> AssessmentContext:
    """Return the context with every record's true resident permuted, in the release and in the log."""
    rng = np.random.default_rng(seed)
    truth = {kind: rng.permutation(owners) for kind, owners in ctx.release.record_truth.items()}
    records = ctx.log.records.copy()
    records["resident"] = rng.permutation(records["resident"].to_numpy())
    log = ObservationLog(records=records, sensors=ctx.log.sensors, slot_minutes=ctx.log.slot_minutes,
                         watchlist=ctx.log.watchlist)
    release = dataclasses.replace(ctx.release, record_truth=truth, records_key=None)
    return AssessmentContext(world=ctx.world, log=log, release=release, config=ctx.config)


def estimates(ctx: AssessmentContext) -> dict[str, np.ndarray]:
    """Return every service's estimate (not its score), computed as the metrics compute them."""
    n_zones, city, config = ctx.world.city.n_zones, ctx.world.city, ctx.config
    persons = persons_of_interest(ctx.world, ctx.log.watchlist, np.random.default_rng(0))
    person = np.repeat(np.arange(len(persons)), 4)
    minute = np.tile([480.0, 600.0, 1050.0, 1500.0], len(persons))
    answer, _ = locate(ctx.release, police_identifiers(ctx.world, persons), person, minute, config)
    return {
        "crowd": estimate_crowd(ctx.release, ctx.log.sensors, n_zones, config).people,
        "traffic": estimate_traffic(ctx.release, ctx.log.sensors, n_zones, config)[0],
        "energy": estimate_energy(ctx.release, city, ctx.log.sensors, config)[0],
        "environment": estimate_environment(ctx.release, ctx.log.sensors, n_zones, config)[0],
        "transit": estimate_transit(ctx.release, ctx.log.sensors, n_zones)[0],
        "public_safety": answer,
    }
