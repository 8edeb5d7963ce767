"""Time the trajectory-recovery attack on released aggregates and print what it finds.

Run: ``.venv/bin/python bench/bench_aggregate_attack.py [--repeat 5] [--fine]``. For every preset at its own scale
(default 5,000 residents x 7 days) builds the world, the log and the release once, then times
``aggregate_recovery`` alone: "first" is the first call on the world (it also reads each table's truth from the
log, remembered per world), "best" and "median" are the later calls, as when the dashboard moves k or epsilon.
CPU time is printed beside wall time (the machines are shared). ``--fine`` also runs the fine-count scenario of
``tests/test_risk_aggregate_recovery.py`` at 5,000 residents: Wi-Fi counters in every zone, only counts per zone
and 15 minutes released, at several epsilon and k. The target: well under 0.15 s a preset, so that release plus
assessment stays within 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.metrics.base import AssessmentContext  # noqa: E402
from simulation.metrics.risk.aggregate_recovery import aggregate_recovery  # noqa: E402
from simulation.pipeline import apply_controls, build_world, observe  # noqa: E402
from simulation.presets import load_preset, preset_names  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sweep import apply_settings  # noqa: E402

FINE_SETTINGS: list[tuple[str, dict]] = [
    ("DP off, k 0", {}),
    ("epsilon 10", {"controls.differential_privacy.enabled": True, "controls.differential_privacy.epsilon": 10.0}),
    ("epsilon 5", {"controls.differential_privacy.enabled": True, "controls.differential_privacy.epsilon": 5.0}),
    ("epsilon 1", {"controls.differential_privacy.enabled": True, "controls.differential_privacy.epsilon": 1.0}),
    ("epsilon 0.1", {"controls.differential_privacy.enabled": True, "controls.differential_privacy.epsilon": 0.1}),
    ("k 2", {"controls.k_suppression.k": 2}),
    ("k 5", {"controls.k_suppression.k": 5}),
    ("k 10", {"controls.k_suppression.k": 10}),
    ("k 20", {"controls.k_suppression.k": 20}),
    ("2 x 2 blocks", {"controls.generalisation.spatial_block_zones": 2}),
    ("60-minute bins", {"controls.generalisation.temporal_bin_minutes": 60}),
]


def fine_counts(residents: int) -> ScenarioConfig:
    """Return the fine-count scenario: Wi-Fi counters in every zone, only 15-minute zone counts released."""
    return ScenarioConfig.model_validate({
        "name": "fine_counts", "seed": 1, "population": {"residents": residents},
        "sensors": [{"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 1.0}}],
        "controls": {"generalisation": {"spatial_block_zones": 1, "temporal_bin_minutes": 15},
                     "k_suppression": {"k": 0}, "differential_privacy": {"enabled": False},
                     "release": {"level": "aggregates"}},
    })


def time_attack(ctx: AssessmentContext, repeat: int) -> tuple[float, list[float], list[float], object]:
    """Return the first call's wall time, the later calls' wall and CPU times, and the last result."""
    start = time.perf_counter()
    result, _ = aggregate_recovery(ctx)
    first = time.perf_counter() - start
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result, _ = aggregate_recovery(ctx)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return first, walls, cpus, result


def line(label: str, first: float, walls: list[float], cpus: list[float], result) -> str:
    """Return one printed row."""
    return (f"{label:28s} {result.value:8.4f} {result.extra['risk_trajectory_recovery_accuracy']:8.3f} "
            f"{first * 1000:7.0f} {min(walls) * 1000:7.0f} {statistics.median(walls) * 1000:7.0f} "
            f"{min(cpus) * 1000:7.0f}")


def main() -> None:
    """Print one row per preset (and per fine-count setting)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fine", action="store_true", help="also the fine-count scenario at several epsilon and k")
    args = parser.parse_args()
    print(f"{'scenario':28s} {'risk':>8s} {'accuracy':>8s} {'first':>7s} {'best':>7s} {'median':>7s} {'cpu':>7s}"
          "  (risk: share of residents; times in ms)")
    for name in preset_names():
        config = load_preset(name)
        world = build_world(config)
        log = observe(world, config)
        ctx = AssessmentContext(world=world, log=log, release=apply_controls(world, log, config), config=config)
        print(line(name, *time_attack(ctx, args.repeat)), flush=True)
    if args.fine:
        base = fine_counts(5000)
        world = build_world(base)
        log = observe(world, base)
        for label, settings in FINE_SETTINGS:
            config = apply_settings(base, settings)
            ctx = AssessmentContext(world=world, log=log, release=apply_controls(world, log, config), config=config)
            print(line(f"fine counts, {label}", *time_attack(ctx, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
