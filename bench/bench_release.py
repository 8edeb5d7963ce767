"""Time stage 3 (apply_controls) at the default scale: 5,000 residents x 7 days, all seven sensor kinds.

Run: ``/work/venv/bin/python bench/bench_release.py``. Uses ``simulation.model.build_world`` when it exists, else the
sensor tests' commuter world on a 24 x 24 grid (a stand-in with simpler days). Prints the records per kind, then the
time of apply_controls with light controls (defaults) and heavy controls (hourly keys, DP on, k = 5, 2 x 2 blocks,
opt-outs), as the median of several runs after a warm-up.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.controls.pipeline import apply_controls  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sensors import observe  # noqa: E402

SENSORS = [
    {"kind": "cctv", "name": "cctv", "placement": {"zone_share": 0.2}, "face_recognition": True},
    {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.3}},
    {"kind": "anpr", "name": "anpr", "placement": {"zone_share": 0.5}},
    {"kind": "transit_card", "name": "gates", "placement": {"zone_share": 1.0}},
    {"kind": "smart_meter", "name": "meters", "placement": {"zone_share": 1.0}},
    {"kind": "people_counter", "name": "counters", "placement": {"zone_share": 0.2}},
    {"kind": "env_iot", "name": "air", "placement": {"zone_share": 0.1}},
]
HEAVY = {"pseudonymisation": {"rotation": "hourly", "scope": "per_sensor"},
         "differential_privacy": {"enabled": True, "epsilon": 1.0, "max_contributions": 8},
         "k_suppression": {"k": 5}, "generalisation": {"spatial_block_zones": 2, "temporal_bin_minutes": 60},
         "opt_out": {"device_share": 0.1, "anonymous_card_share": 0.2, "meter_share": 0.2},
         "retention": {"days": {"wifi_bt": 1, "anpr": 3}}}


def make_world(config: ScenarioConfig):
    """Return the world of the scenario, and how it was made."""
    try:
        from simulation.model import build_world
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.sensor_fixtures import commuter_world, grid_city

        world = commuter_world(grid_city(24, 24), n=config.population.residents, days=config.world.days)
        return world, "commuter world stand-in (simulation.model.build_world not yet available)"
    return build_world(config), "simulation.model.build_world"


def timed(world, log, config, repeats: int = 5) -> list[float]:
    """Return the wall time of apply_controls over several runs (after one warm-up)."""
    apply_controls(world, log, config)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        apply_controls(world, log, config)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Build the world and log once, then time the release under light and heavy controls."""
    base = ScenarioConfig.model_validate({"population": {"residents": 5000}, "world": {"days": 7},
                                         "sensors": SENSORS})
    world, how = make_world(base)
    log = observe(world, base)
    print(f"world: {how}; {world.n_residents} residents x {world.n_slots} slots")
    print(f"records: {len(log.records):,}  " + ", ".join(f"{k}={v:,}" for k, v in
                                                        log.detections_per_kind().items()))
    for label, controls in (("light (defaults)", {}), ("heavy", HEAVY)):
        config = base.model_copy(update={"controls": base.controls.model_validate(controls)})
        times = timed(world, log, config)
        print(f"apply_controls {label}: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
