"""How large a run is before it runs: resident-days, records the sensors will write, and memory.

A server that runs scenarios for visitors (the dashboard) must refuse a run that would not fit before starting it.
Memory grows with the (slot, resident) arrays of stage 1 and, mostly, with the records the sensors write (stage 2),
which stages 3 and 4 copy, pseudonymise, link and attack. :func:`estimated_records` predicts the records from
where each deployment stands (placed on the real city, so districts and explicit zones count as they will), its
detection probability and sampling interval; :func:`estimated_bytes` turns that into the peak memory of a whole
run (stages 1 to 4, as ``simulation.pipeline.run`` holds them).

The constants were measured (``bench/bench_hosting.py --calibrate``; figures in bench/README.md, "Hosting") and
set so that the estimate is above the measured peak of every calibration run: it is an upper bound for admission,
not a prediction to report.
"""

from __future__ import annotations

from simulation.scenario import ScenarioConfig
from simulation.sensors import make_sensor
from simulation.world.city import City

RECORDS_PER_RESIDENT_SLOT: dict[str, float] = {
    "cctv": 0.31,
    "wifi_bt": 1.0,
    "anpr": 0.011,
    "transit_card": 0.013,
    "smart_meter": 0.47,
}
"""Records per (slot, resident) of a deployment covering every eligible zone, detecting everyone present (1.0) and
sampling every slot, in the default city with the default population (measured; wifi_bt as if every phone
emitted)."""
PER_DEVICE_KINDS: tuple[str, ...] = ("people_counter", "env_iot")
"""Kinds that write one record per device and sample (a count or a reading), whoever is there."""
BYTES_PER_RECORD = 400
"""Peak memory of a whole run per record (measured 185-351 bytes across the calibration runs)."""
BYTES_PER_RESIDENT_SLOT = 40
"""Peak memory of a whole run per (slot, resident) cell besides the records (presence arrays, plans, truths)."""


def resident_days(config: ScenarioConfig) -> int:
    """Return residents x days: the scale a hosting limit is stated in."""
    return config.population.residents * config.world.days


def resident_slots(config: ScenarioConfig) -> int:
    """Return the number of (slot, resident) cells of the presence arrays."""
    return resident_days(config) * (1440 // config.world.slot_minutes)


def estimated_records(config: ScenarioConfig, city: City) -> float:
    """Return the number of records the scenario's sensors are expected to write (an upper estimate).

    Args:
        config: The scenario.
        city: Its city (deployments are placed on it as stage 2 will place them).
    """
    cells = resident_slots(config)
    total = 0.0
    for sensor_config in config.sensors:
        sensor = make_sensor(sensor_config, config.seed)
        placed = len(sensor.place(city, config.seed))
        samples = config.world.slot_minutes / sensor_config.sampling_interval_minutes
        if sensor_config.kind in PER_DEVICE_KINDS:
            total += placed * samples * cells / config.population.residents
            continue
        coverage = min(1.0, placed / max(1, len(sensor.eligible_zones(city))))
        total += (RECORDS_PER_RESIDENT_SLOT[sensor_config.kind] * coverage * sensor_config.detection_probability
                  * samples * cells)
    return total


def estimated_bytes(config: ScenarioConfig, city: City) -> int:
    """Return an upper estimate of the peak memory of running the scenario through its four stages, in bytes."""
    return int(BYTES_PER_RESIDENT_SLOT * resident_slots(config) + BYTES_PER_RECORD * estimated_records(config, city))
