"""Time the recommendations for a preset (default: the default preset at its own scale, 5,000 x 7 days).

Run: ``.venv/bin/python bench/bench_recommend.py [--preset gdpr_baseline] [--workers 2] [--repeat 3]``. Each
repeat is a fresh ``simulation.recommend.engine.recommend`` on a new local pool (stages 1-2 built in each worker,
no remembered results): the wall time the command line's ``recommend`` takes, with its progress bar, and the CPU
time of this process and its workers (the pool is the engine's own, passed in so its workers can be read). The
first repeat also imports the pipeline (here and in the fork server, side by side), as a fresh ``python -m
simulation recommend`` does. Target: 20 or more alternatives in 10 s or less on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402
from tqdm import tqdm  # noqa: E402

from simulation.engine import local_pool, start_fork_server  # noqa: E402
from simulation.presets import DEFAULT_PRESET, load_preset  # noqa: E402
from simulation.recommend.engine import recommend  # noqa: E402


def cpu_seconds(pool: object | None = None) -> float:
    """Return the CPU time (user + system) of this process and of the pool's live worker processes."""
    own = psutil.Process().cpu_times()
    total = own.user + own.system
    for process in getattr(pool, "_processes", {}).values():  # the workers are the fork server's children
        times = psutil.Process(process.pid).cpu_times()
        total += times.user + times.system
    return total


def main() -> None:
    """Print the time of each repeat, then the best and median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tqdm.monitor_interval = 0
    config = load_preset(args.preset)
    if args.workers > 1:
        start_fork_server(config)  # as the command line does
    walls = []
    for repeat in range(args.repeat):
        cpu, started = cpu_seconds(), time.perf_counter()
        pool = local_pool(args.workers) if args.workers > 1 else None  # kept open to read its workers' CPU time
        with tqdm(unit="run", desc=f"repeat {repeat + 1}") as bar:
            def progress(done: int, planned: int) -> None:
                bar.total = planned
                bar.update(done - bar.n)

            found = recommend(config, executor=pool, workers=args.workers, on_progress=progress)
        wall = time.perf_counter() - started
        used = cpu_seconds(pool) - cpu
        if pool is not None:
            pool.shutdown()
        walls.append(wall)
        runs = 1 + len(found.singles) + len(found.combinations)
        print(f"{args.preset}: {len(found.singles)} alternatives + {len(found.combinations)} combinations "
              f"({runs} runs) with {args.workers} workers: {wall:.2f} s wall, {used:.1f} s CPU (load average "
              f"{os.getloadavg()[0]:.1f})")
    print(f"best {min(walls):.2f} s, median {statistics.median(walls):.2f} s")
    print("top five:", *found.sentences(5), sep="\n  ")


if __name__ == "__main__":
    main()
