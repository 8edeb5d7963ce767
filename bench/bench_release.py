"""Time stage 3 (apply_controls) at the default scale: 5,000 residents x 7 days, all seven sensor kinds.

Run: ``/work/venv/bin/python bench/bench_release.py``. Builds the world and the observation log as
``bench_sensors.py`` does (``simulation.world.model.build_world``, the sensors of ``bench/common.py``), then
times apply_controls under light controls (the defaults: daily city-wide keys) and heavy controls (hourly per-sensor
keys, DP on, k = 5, 2 x 2 blocks, opt-outs, short retention): "cold" clears the remembered capture states first (a
new log or capture setting), "warm" reuses them (the dashboard moving a storage or release control). Medians of
several runs, wall and process CPU time (CPU time is steadier on a shared machine), plus the time of each control.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_sensors import make_world  # noqa: E402
from common import SENSORS  # noqa: E402

from simulation.controls.base import ReleaseState  # noqa: E402
from simulation.controls.pipeline import (  # noqa: E402
    CONTROLS,
    apply_controls,
    initial_records,
    make_context,
    to_release,
)
from simulation.controls.state_memo import clear_remembered_states  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sensors import observe  # noqa: E402

HEAVY = {"pseudonymisation": {"rotation": "hourly", "scope": "per_sensor"},
         "differential_privacy": {"enabled": True, "epsilon": 1.0, "max_contributions": 8},
         "k_suppression": {"k": 5}, "generalisation": {"spatial_block_zones": 2, "temporal_bin_minutes": 60},
         "opt_out": {"device_share": 0.1, "anonymous_card_share": 0.2, "meter_share": 0.2},
         "retention": {"days": {"wifi_bt": 1, "anpr": 3}}}
REPEATS = 5


def timed(world, log, config, cold: bool) -> tuple[float, float]:
    """Return the median wall and CPU seconds of apply_controls."""
    apply_controls(world, log, config)
    walls, cpus = [], []
    for _ in range(REPEATS):
        if cold:
            clear_remembered_states()
        wall, cpu = time.perf_counter(), time.process_time()
        apply_controls(world, log, config)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def per_control(world, log, config) -> str:
    """Return the CPU milliseconds of each control in one run."""
    context = make_context(world, log, config)
    start = time.process_time()
    state = ReleaseState(records=initial_records(log), units=world.city.zones.index.to_numpy(),
                         time_bin_minutes=log.slot_minutes)
    parts = [f"split {1000 * (time.process_time() - start):.0f}"]
    for control in CONTROLS:
        if control.stage != "capture" and state.captured is None:
            state = state.evolve(captured=dict(state.records))
        start = time.process_time()
        state, _ = control.apply(state, context)
        parts.append(f"{control.name} {1000 * (time.process_time() - start):.0f}")
    start = time.process_time()
    to_release(state, config.world.days * 1440)
    parts.append(f"to_release {1000 * (time.process_time() - start):.0f}")
    return ", ".join(parts)


def main() -> None:
    """Build the world and log once, then time the release under light and heavy controls."""
    base = ScenarioConfig.model_validate({"seed": 42, "population": {"residents": 5000}, "world": {"days": 7},
                                         "sensors": SENSORS})
    world, how, _ = make_world(base)
    log = observe(world, base)
    print(f"world: {how}; {world.n_residents} residents x {world.n_slots} slots")
    print(f"records: {len(log.records):,} ("
          + ", ".join(f"{k} {v:,}" for k, v in log.detections_per_kind().items()) + ")")
    for label, controls in (("light (defaults)", {}), ("heavy", HEAVY)):
        config = base.model_copy(update={"controls": base.controls.model_validate(controls)})
        for cold in (True, False):
            wall, cpu = timed(world, log, config, cold)
            print(f"apply_controls {label}, {'cold' if cold else 'warm'}: median wall {wall:.3f} s, "
                  f"CPU {cpu:.3f} s ({REPEATS} runs)")
        print(f"  per control, CPU ms: {per_control(world, log, config)}")


if __name__ == "__main__":
    main()
