"""Time stage 2 (observe) with all seven sensor kinds: 5,000 residents x 7 days, then 100,000 x 7 days.

Run: ``/work/venv/bin/python bench/bench_sensors.py [--quick]`` (``--quick`` skips 100,000). Uses
``simulation.world.model.build_world`` and the deployments of ``bench/common.py``. Prints, per scale: how the world was
made and its build time, the records per kind, the time of
each deployment's detection, the median wall (and CPU) time of observe() over several runs after a warm-up, and the peak
memory observe() allocates (tracemalloc, which numpy reports to).
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import SENSORS  # noqa: E402

from simulation.rng import stream  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sensors import make_sensor, observe  # noqa: E402
from simulation.world.model import build_world  # noqa: E402


def make_world(config: ScenarioConfig):
    """Return the world of the scenario, how it was made, and the seconds it took."""
    start = time.perf_counter()
    world = build_world(config)
    return world, "simulation.world.model.build_world", time.perf_counter() - start


def bench(residents: int, repeats: int) -> None:
    """Print the figures of one scale."""
    config = ScenarioConfig.model_validate(
        {"seed": 42, "population": {"residents": residents}, "world": {"days": 7}, "sensors": SENSORS})
    world, how, build_seconds = make_world(config)
    print(f"\n== {residents:,} residents x {config.world.days} days x {world.slots_per_day} slots ==")
    print(f"world: {how}, built in {build_seconds:.2f} s")
    for sensor_config in config.sensors:
        sensor = make_sensor(sensor_config, config.seed)
        devices = sensor.place(world.city, config.seed)
        start = time.perf_counter()
        found = sensor.detect(world, devices, stream(config.seed, "sensor", sensor.name))
        print(f"  {sensor.kind:15s} {len(devices):4d} devices {len(found):>11,} records "
              f"{time.perf_counter() - start:6.3f} s")
    observe(world, config)
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        log = observe(world, config)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        del log
    tracemalloc.start()
    log = observe(world, config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = log.records.memory_usage(deep=True).sum()
    print(f"observe(): {len(log.records):,} records, median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, {repeats} runs; CPU median {statistics.median(cpu):.3f} s); "
          f"log {size / 2**20:.0f} MiB, peak allocated during observe {peak / 2**20:.0f} MiB")
    print(f"world + log: {build_seconds + statistics.median(times):.2f} s")


if __name__ == "__main__":
    bench(5_000, repeats=7)
    if "--quick" not in sys.argv:
        bench(100_000, repeats=3)
