"""Time and memory of each pipeline stage, per resident-day: what a run of a real city's size would need.

Run: ``.venv/bin/python bench/bench_stages.py [--residents 100000] [--days 7] [--scenario gdpr_baseline]
[--plain-malloc]``.

The scenario runs in a fresh child process, stage after stage as the command line does (``run --out``): world,
observe, release (stage 3 alone: the attacks are not started ahead, so each stage is timed apart), assess, and
writing the results with the observation log (here after stage 4, not behind it). Like the command line, the child
keeps freed memory for reuse (:mod:`simulation.allocator`) and remembers no stage-3 state; ``--plain-malloc``
leaves malloc as it is, so that the RSS follows the memory each stage really holds. A thread samples the
process's resident memory (RSS) every 20 ms.
For each stage the script prints wall and CPU seconds, the peak RSS during the stage, the memory the stage added
on top of what was held when it started (its peak minus the RSS at its start) and the memory it left held, each
also per resident-day (bytes / (residents x days)), and the end-to-end wall time and peak.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class RssSampler:
    """Sample the process's RSS in a thread; ``peak()`` returns the highest value since the last ``reset()``."""

    def __init__(self, interval: float = 0.02) -> None:
        self.process = psutil.Process()
        self.interval = interval
        self.highest = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            self.highest = max(self.highest, self.process.memory_info().rss)
            time.sleep(self.interval)

    def now(self) -> int:
        return self.process.memory_info().rss

    def reset(self) -> int:
        self.highest = self.now()
        return self.highest

    def peak(self) -> int:
        return max(self.highest, self.now())


def child(scenario: str, residents: int, days: int, plain_malloc: bool) -> None:
    started = time.perf_counter()
    if not plain_malloc:
        from simulation.allocator import keep_freed_memory

        keep_freed_memory()  # as ``python -m simulation`` does
    from simulation.cli import resolve_scenario
    from simulation.controls.pipeline import apply_controls
    from simulation.controls.state_memo import no_states_remembered
    from simulation.export import write_run
    from simulation.metrics.assess import assess
    from simulation.pipeline import RunResult
    from simulation.sensors import observe
    from simulation.sweep import apply_settings
    from simulation.world.model import build_world

    config = apply_settings(resolve_scenario(scenario), {"population.residents": residents, "world.days": days})
    sampler = RssSampler()
    rows = []
    held = {}

    def stage(name, function, *args):
        start_rss = sampler.reset()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append({"stage": name, "wall_s": wall, "cpu_s": cpu, "start_rss": start_rss, "peak_rss": sampler.peak(),
                     "end_rss": sampler.now()})
        return result

    world = stage("1 world", build_world, config)
    log = stage("2 observe", observe, world, config)
    with no_states_remembered():  # as ``run`` does: one run remembers no stage-3 state
        release = stage("3 release", apply_controls, world, log, config)
    assessment = stage("4 assess", assess, world, log, release, config)
    result = RunResult(config=config, world=world, log=log, release=release, assessment=assessment)
    with tempfile.TemporaryDirectory() as out:
        stage("5 write results", write_run, result, out, True)
    held["world_arrays"] = int(world.zone.nbytes + world.activity.nbytes + world.mode.nbytes)
    held["log_records"] = int(log.records.memory_usage(deep=False).sum())
    print(json.dumps({"rows": rows, "held": held, "total_wall": time.perf_counter() - started,
                      "trips": world.trips, "records": len(log.records)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--scenario", default="gdpr_baseline")
    parser.add_argument("--plain-malloc", action="store_true",
                        help="leave glibc's malloc as it is (freed memory given back: RSS then follows live memory)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scenario, args.residents, args.days, args.plain_malloc)
        return
    out = subprocess.run([sys.executable, __file__, "--child", "--residents", str(args.residents), "--days",
                          str(args.days), "--scenario", args.scenario, *(["--plain-malloc"] if args.plain_malloc
                                                                        else [])],
                         capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    resident_days = args.residents * args.days
    gb = 1024**3
    print(f"{args.scenario}: {args.residents:,} residents x {args.days} days = {resident_days:,} resident-days; "
          f"{figures['trips']:,} trips, {figures['records']:,} records; malloc "
          f"{'plain' if args.plain_malloc else 'as the command line (freed memory kept: RSS is the high-water mark)'}")
    print(f"{'stage':<16}{'wall s':>8}{'CPU s':>8}{'us/res-day':>11}{'peak GB':>9}{'added GB':>9}"
          f"{'B/res-day':>10}{'held GB':>9}{'B/res-day':>10}")
    for row in figures["rows"]:
        added = row["peak_rss"] - row["start_rss"]
        print(f"{row['stage']:<16}{row['wall_s']:>8.2f}{row['cpu_s']:>8.2f}{row['cpu_s'] / resident_days * 1e6:>11.1f}"
              f"{row['peak_rss'] / gb:>9.2f}{added / gb:>9.2f}{added / resident_days:>10.0f}"
              f"{row['end_rss'] / gb:>9.2f}{row['end_rss'] / resident_days:>10.0f}")
    peak = max(row["peak_rss"] for row in figures["rows"])
    print(f"end to end (with imports): {figures['total_wall']:.1f} s wall; peak RSS {peak / gb:.2f} GB "
          f"({peak / resident_days:.0f} B per resident-day); world arrays {figures['held']['world_arrays'] / gb:.2f} "
          f"GB, observation log {figures['held']['log_records'] / gb:.2f} GB")


if __name__ == "__main__":
    main()
