"""Hand-made observation logs for the control tests, on the sensor tests' small commuter world.

``random_log`` draws records of every kind at random (uniform slots, devices and residents holding the right
device), so property tests can vary the data freely; ``real_log`` runs the real sensors over the commuter world.
Tokens are the residents' real registers (MAC, plate, card, face, meter), so opt-out and named cards line up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.controls.pipeline import apply_controls
from simulation.observations import KIND_DTYPE, RECORD_COLUMNS, ObservationLog
from simulation.release import Release
from simulation.scenario import SENSOR_KINDS, ScenarioConfig
from simulation.world import World
from tests.conftest import TINY_SENSORS
from tests.sensor_fixtures import commuter_world

TOKEN_COLUMN = {"cctv": "face", "wifi_bt": "mac", "anpr": "plate", "transit_card": "card", "smart_meter": "meter"}
SENSOR_NAMES = {kind: f"{kind.replace('_', '-')}-net" for kind in SENSOR_KINDS}
_WORLDS: dict[tuple[int, int], World] = {}


def small_world(n: int = 80, days: int = 2) -> World:
    """Return the sensor tests' commuter world (cached: worlds are never modified)."""
    if (n, days) not in _WORLDS:
        _WORLDS[(n, days)] = commuter_world(n=n, days=days, seed=1)
    return _WORLDS[(n, days)]


def scenario(world: World, seed: int = 5, sensors: list[dict] | None = None, **controls: dict) -> ScenarioConfig:
    """Return a scenario matching the world's horizon, with one deployment per kind and the given controls."""
    if sensors is None:
        sensors = [{"kind": kind, "name": SENSOR_NAMES[kind], **({"face_recognition": True} if kind == "cctv"
                                                                 else {})} for kind in SENSOR_KINDS]
    return ScenarioConfig.model_validate({
        "seed": seed, "world": {"days": world.n_slots // world.slots_per_day, "slot_minutes": world.slot_minutes},
        "population": {"residents": max(world.n_residents, 10)}, "sensors": sensors, "controls": controls,
    })


def random_log(world: World, seed: int, per_kind: int = 300, devices_per_kind: int = 4,
               kinds: tuple[str, ...] = SENSOR_KINDS) -> ObservationLog:
    """Return an observation log of ``per_kind`` random records of each kind.

    Args:
        world: The world whose residents and zones the records use.
        seed: Seed of this log's own generator.
        per_kind: Records per kind.
        devices_per_kind: Devices of each kind, in random zones.
        kinds: The kinds deployed.
    """
    rng = np.random.default_rng([seed, 99])
    people = world.residents
    sensor_rows, frames = [], []
    for kind in kinds:
        first = len(sensor_rows)
        for _ in range(devices_per_kind):
            sensor_rows.append({"sensor": len(sensor_rows), "name": SENSOR_NAMES[kind], "kind": kind,
                                "zone": int(rng.integers(world.city.n_zones))})
        device = first + rng.integers(0, devices_per_kind, per_kind)
        if kind in TOKEN_COLUMN:
            tokens = people[TOKEN_COLUMN[kind]].to_numpy(np.int64)
            holders = np.flatnonzero(tokens >= 0)
            resident = rng.choice(holders, per_kind)
            token = tokens[resident]
        else:
            resident = np.full(per_kind, -1)
            token = np.full(per_kind, -1, np.int64)
        value = {"cctv": rng.random(per_kind), "smart_meter": rng.gamma(2.0, 0.2, per_kind),
                 "people_counter": rng.integers(0, 20, per_kind).astype(float),
                 "env_iot": rng.normal(20, 5, per_kind)}.get(kind, np.full(per_kind, np.nan))
        frames.append(pd.DataFrame({"slot": rng.integers(0, world.n_slots, per_kind), "sensor": device,
                                    "kind": kind, "token": token, "value": value, "resident": resident}))
    sensors = pd.DataFrame(sensor_rows)
    sensors["kind"] = sensors["kind"].astype(KIND_DTYPE)
    records = pd.concat(frames, ignore_index=True)
    records["zone"] = sensors["zone"].to_numpy()[records["sensor"].to_numpy()]
    records = records.sort_values(["slot", "sensor"], kind="stable", ignore_index=True)
    records = records.astype({"slot": np.int32, "sensor": np.int32, "zone": np.int32, "token": np.int64,
                              "value": np.float32, "resident": np.int32, "kind": KIND_DTYPE})
    return ObservationLog(records=records[list(RECORD_COLUMNS)], sensors=sensors, slot_minutes=world.slot_minutes,
                          watchlist=np.arange(5, dtype=np.int32))


def real_log(world: World, seed: int = 5) -> tuple[ObservationLog, ScenarioConfig]:
    """Return the real sensors' log over the world (the shared tiny deployments) and its scenario."""
    from simulation.sensors import observe

    config = scenario(world, seed=seed, sensors=TINY_SENSORS)
    return observe(world, config), config


def config_for(world: World, log: ObservationLog, seed: int = 5, **controls: dict) -> ScenarioConfig:
    """Return the scenario of a log (its deployments) with the given controls."""
    names = log.sensors.drop_duplicates("name")
    sensors = [{"kind": str(kind), "name": str(name), **({"face_recognition": True} if kind == "cctv" else {})}
               for name, kind in zip(names["name"], names["kind"], strict=True)]
    return scenario(world, seed=seed, sensors=sensors, **controls)


def release(world: World, log: ObservationLog, seed: int = 5, **controls: dict) -> Release:
    """Return the release of a log under the given controls (the log's deployments as the scenario's)."""
    return apply_controls(world, log, config_for(world, log, seed, **controls))
