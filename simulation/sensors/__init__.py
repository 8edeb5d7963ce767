"""Stage 2: the sensors deployed in the city and what they record.

``observe(world, config)`` places every deployment, runs each with its own random stream
``("sensor", name)`` (placement uses ``("placement", name)``), and assembles one columnar observation log sorted by
(slot, sensor). Deployments never share a stream, so adding one leaves every other deployment's records (and,
since stage 1 is already done, everyone's movements) unchanged. A new kind is one file and one line below.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from simulation.observations import KIND_DTYPE, ObservationLog
from simulation.rng import stream
from simulation.scenario import ScenarioConfig, SensorBase
from simulation.sensors.anpr import AnprSensor
from simulation.sensors.base import Sensor
from simulation.sensors.cctv import CctvSensor, watchlist
from simulation.sensors.env_iot import EnvIotSensor
from simulation.sensors.people_counter import PeopleCounterSensor
from simulation.sensors.records import assemble
from simulation.sensors.smart_meter import SmartMeterSensor
from simulation.sensors.transit_card import TransitCardSensor
from simulation.sensors.wifi_bt import WifiBtSensor
from simulation.world import World

__all__ = ["SENSOR_TYPES", "Sensor", "make_sensor", "observe", "watchlist_size"]

DETECT_THREADS = 2
"""Deployments detected at once (the cores the tool is sized for): each reads the world and draws from its own
stream, so the records are the same in any order; numpy's passes release the GIL, so both cores work."""

SENSOR_TYPES: dict[str, type[Sensor]] = {
    "cctv": CctvSensor,
    "wifi_bt": WifiBtSensor,
    "anpr": AnprSensor,
    "transit_card": TransitCardSensor,
    "smart_meter": SmartMeterSensor,
    "people_counter": PeopleCounterSensor,
    "env_iot": EnvIotSensor,
}


def make_sensor(config: SensorBase, seed: int) -> Sensor:
    """Return the sensor object of one deployment.

    Raises:
        ValueError: The kind is not registered.
    """
    kind = getattr(config, "kind", None)
    if kind not in SENSOR_TYPES:
        raise ValueError(f"sensor {config.name!r}: unknown kind {kind!r}; known kinds: {', '.join(SENSOR_TYPES)}")
    return SENSOR_TYPES[kind](config, seed)


def watchlist_size(config: ScenarioConfig) -> int:
    """Return the size of the city watchlist: the largest of the face-recognition deployments (0 if none)."""
    return max((s.watchlist_size for s in config.sensors if s.kind == "cctv" and s.face_recognition), default=0)


def observe(world: World, config: ScenarioConfig) -> ObservationLog:
    """Run every sensor deployment of a scenario over a simulated week.

    Args:
        world: Stage 1 output.
        config: The scenario (its ``sensors`` and ``seed`` are used).

    Returns:
        The observation log: records sorted by (slot, sensor), the devices table (sensor, name, kind, zone) and
        the watchlist (the first ``watchlist_size`` residents of the watchlist order; each face-recognition
        deployment matches against the first ``watchlist_size`` of its own).

    Raises:
        ValueError: A placement names an unknown district or a zone outside the city, or a sampling interval is
            not a multiple of the world's slot.
    """
    sensors = [make_sensor(c, config.seed) for c in config.sensors]
    placed = [s.place(world.city, config.seed) for s in sensors]
    first = np.cumsum([0] + [len(p) for p in placed])
    devices = pd.DataFrame({
        "sensor": np.arange(first[-1], dtype=np.int32),
        "name": np.repeat([s.name for s in sensors], [len(p) for p in placed]).astype(object),
        "kind": pd.Categorical(np.repeat([s.kind for s in sensors], [len(p) for p in placed]), dtype=KIND_DTYPE),
        "zone": np.concatenate(placed).astype(np.int32) if placed else np.empty(0, np.int32),
    })
    with ThreadPoolExecutor(max_workers=DETECT_THREADS, thread_name_prefix="detect") as pool:
        chunks = list(pool.map(lambda s, p: s.detect(world, p, stream(config.seed, "sensor", s.name)), sensors, placed))
    records = assemble(chunks, [s.kind for s in sensors], first, devices["zone"].to_numpy(), world.n_slots)
    return ObservationLog(records=records, sensors=devices, slot_minutes=world.slot_minutes,
                          watchlist=watchlist(world, config.seed, watchlist_size(config)))
