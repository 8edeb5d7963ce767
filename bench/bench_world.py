"""Time stage 1 (build_world) and compare it with a plain Mesa model; time observe() on the same world.

Run: ``/work/venv/bin/python bench/bench_world.py [--quick]`` (``--quick`` skips 100,000 residents).

(a) 5,000 residents x 7 days x 15-min slots: build_world (best and median of several runs, after one warm-up),
    and observe() with all seven sensor kinds on that world (the target is world + log <= 1 s);
(b) 100,000 residents x 7 days: build_world + observe() wall time and peak RSS, in a fresh process
    (targets <= 20 s and <= 4 GB);
(c) plain Mesa (bench/plain_mesa.py: every resident's step() every slot), 2,000 residents x 1 day, and the ratio
    of seconds per resident-slot (target: ours >= 20x faster).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import SENSORS  # noqa: E402
from plain_mesa import PlainCityModel  # noqa: E402

from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.world.city_source import load_city  # noqa: E402
from simulation.world.model import build_world  # noqa: E402


def config(residents: int, days: int = 7) -> ScenarioConfig:
    return ScenarioConfig.model_validate({"seed": 42, "population": {"residents": residents},
                                         "world": {"days": days}, "sensors": SENSORS})


def observe_or_none():
    try:
        from simulation.sensors import observe
    except ImportError:  # hook: sensors not written yet
        return None
    return observe


def timed(function, *args):
    """Return the result, wall seconds and process CPU seconds (steadier on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu


def default_scale(repeats: int = 5) -> tuple[float, float]:
    cfg = config(5000)
    build_world(cfg)  # warm-up: imports, the default city read once per process
    runs = [timed(build_world, cfg) for _ in range(repeats)]
    world = runs[-1][0]
    times, cpus = [r[1] for r in runs], [r[2] for r in runs]
    per = (min(times) / (world.n_residents * world.n_slots), min(cpus) / (world.n_residents * world.n_slots))
    print(f"(a) 5,000 x 7 days x 15 min: build_world wall best {min(times):.3f} s, median "
          f"{statistics.median(times):.3f} s; CPU best {min(cpus):.3f} s ({world.trips:,} trips)")
    observe = observe_or_none()
    if observe is None:
        print("    observe(): simulation.sensors not available (hook: time it here)")
        return per
    observe(world, cfg)
    obs_runs = [timed(observe, world, cfg) for _ in range(repeats)]
    obs, obs_cpu = [r[1] for r in obs_runs], [r[2] for r in obs_runs]
    print(f"    observe() all seven kinds: wall best {min(obs):.3f} s, median {statistics.median(obs):.3f} s; "
          f"CPU best {min(obs_cpu):.3f} s")
    print(f"    world + log: wall best {min(times) + min(obs):.3f} s, median "
          f"{statistics.median(times) + statistics.median(obs):.3f} s; CPU best {min(cpus) + min(obs_cpu):.3f} s "
          f"(target <= 1 s)")
    return per


def large_scale_child() -> None:
    cfg = config(100_000)
    world, world_s, world_cpu = timed(build_world, cfg)
    observe = observe_or_none()
    log_s = log_cpu = None
    if observe is not None:
        _, log_s, log_cpu = timed(observe, world, cfg)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"world_s": world_s, "world_cpu": world_cpu, "log_s": log_s, "log_cpu": log_cpu,
                      "peak_gb": peak_gb, "trips": world.trips}))


def large_scale() -> None:
    out = subprocess.run([sys.executable, __file__, "--large-child"], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    total = figures["world_s"] + (figures["log_s"] or 0.0)
    cpu = figures["world_cpu"] + (figures["log_cpu"] or 0.0)
    log = f"{figures['log_s']:.2f} s" if figures["log_s"] is not None else "n/a (no sensors)"
    print(f"(b) 100,000 x 7 days: build_world {figures['world_s']:.2f} s ({figures['world_cpu']:.2f} s CPU), "
          f"observe() {log}, total {total:.2f} s wall, {cpu:.2f} s CPU (target <= 20 s); "
          f"peak RSS {figures['peak_gb']:.2f} GB (target <= 4 GB); {figures['trips']:,} trips")


def plain_mesa(ours: tuple[float, float]) -> None:
    cfg = config(2000, days=1)
    city = load_city(cfg.world, cfg.seed)
    model = PlainCityModel(cfg, city)
    _, seconds, cpu = timed(model.run_for, model.slots_per_day)
    per, per_cpu = seconds / (2000 * model.slots_per_day), cpu / (2000 * model.slots_per_day)
    print(f"(c) plain Mesa, step() every slot, 2,000 x 1 day: {seconds:.2f} s wall ({cpu:.2f} s CPU) = "
          f"{per * 1e6:.2f} us per resident-slot ({per_cpu * 1e6:.2f} us CPU); ours {ours[0] * 1e6:.3f} us "
          f"({ours[1] * 1e6:.3f} us CPU); ours is {per / ours[0]:.0f}x faster in wall time, "
          f"{per_cpu / ours[1]:.0f}x in CPU time (target >= 20x)")


def main() -> None:
    if "--large-child" in sys.argv:
        large_scale_child()
        return
    ours = default_scale()
    plain_mesa(ours)
    if "--quick" not in sys.argv:
        large_scale()


if __name__ == "__main__":
    main()
