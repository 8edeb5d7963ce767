"""Time stage 4 (assessment) at the default scale: 5,000 residents x 7 days, all seven sensor kinds.

Run: ``/work/venv/bin/python bench/bench_assess.py``. World from ``simulation.world.model.build_world``, sensors from
``bench/common.py``. For light controls (defaults, record
release) and heavy ones (hourly per-sensor keys, DP, k = 5, 2 x 2 blocks, aggregates only), prints the median wall and
CPU time of every utility metric, of all of them together (with the per-world truth grids cached, as when a control
changes, and without, as for a new world), and of the whole ``assess`` (utility + risk).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import SENSORS  # noqa: E402

from simulation.controls.pipeline import apply_controls  # noqa: E402
from simulation.metrics.assess import (
    assess,  # noqa: E402
    clear_remembered_attacks,  # noqa: E402
)
from simulation.metrics.base import AssessmentContext  # noqa: E402
from simulation.metrics.utility import UTILITY_METRICS  # noqa: E402
from simulation.metrics.utility.truth import clear_truth_grids  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sensors import observe  # noqa: E402
from simulation.world.model import build_world  # noqa: E402

HEAVY = {"pseudonymisation": {"rotation": "hourly", "scope": "per_sensor"},
         "differential_privacy": {"enabled": True, "epsilon": 1.0, "max_contributions": 8},
         "k_suppression": {"k": 5}, "generalisation": {"spatial_block_zones": 2, "temporal_bin_minutes": 60},
         "release": {"level": "aggregates"}}
REPEATS = 5


def median_seconds(action, repeats: int = REPEATS) -> tuple[float, float]:
    """Return the median wall time and the median CPU time of an action over several runs, after one warm-up.

    The CPU time (this process only) is the steadier figure on a shared machine.
    """
    action()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def fmt(seconds: tuple[float, float]) -> str:
    """Format (wall, cpu) seconds as milliseconds."""
    return f"{1000 * seconds[0]:7.1f} ms wall {1000 * seconds[1]:7.1f} ms cpu"


def report(label: str, world, config: ScenarioConfig) -> None:
    """Print the timings of one control setting."""
    log = observe(world, config)
    release = apply_controls(world, log, config)
    ctx = AssessmentContext(world=world, log=log, release=release, config=config)
    rows = sum(len(frame) for frame in release.records.values())
    print(f"\n{label} controls: {len(log.records):,} raw records, {rows:,} released records")
    for name, metric in UTILITY_METRICS.items():
        print(f"  {name:<24} {fmt(median_seconds(lambda m=metric: m(ctx)))}   value {metric(ctx).value:.3f}")
    total = median_seconds(lambda: [metric(ctx) for metric in UTILITY_METRICS.values()])
    print(f"  {'all utility metrics':<24} {fmt(total)}   (truth grids cached: a rerun on the same world)")

    def cold() -> None:
        clear_truth_grids()
        for metric in UTILITY_METRICS.values():
            metric(ctx)

    print(f"  {'all utility metrics':<24} {fmt(median_seconds(cold))}   (first assessment of a world)")
    def whole_assessment() -> None:
        clear_remembered_attacks()
        assess(world, log, release, config)

    whole = median_seconds(whole_assessment, repeats=3)
    print(f"  {'assess (utility + risk)':<24} {fmt(whole)}   (attack results not remembered)")


def main() -> None:
    """Print the figures."""
    base = ScenarioConfig.model_validate({"population": {"residents": 5000}, "world": {"days": 7},
                                         "sensors": SENSORS})
    world = build_world(base)
    print(f"world: {world.n_residents} residents x {world.n_slots} slots (simulation.world.model.build_world)")
    for label, controls in (("light", {}), ("heavy", HEAVY)):
        report(label, world, base.model_copy(update={"controls": base.controls.model_validate(controls)}))


if __name__ == "__main__":
    main()
