"""Sweep throughput with 1 and 2 local workers: runs per second on the default preset, controls only.

Run: ``.venv/bin/python bench/bench_sweep.py [--repeat 2]``. The sweep moves two controls that change the released
records (key rotation x retention of the Wi-Fi and transit-card records: 3 x 4 = 12 runs on one world), so every
run has its own attacks and every run shares stages 1-2. Each measurement runs in a fresh process, as the command
line's ``sweep --workers N`` would: ``run_sweep`` is timed from its call to the last row, the import of the
pipeline, the start of the pool and stages 1-2 included (each worker builds them once). Target: 2 workers at least
1.7 times the throughput of 1.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.engine import start_fork_server  # noqa: E402
from simulation.presets import DEFAULT_PRESET, load_preset  # noqa: E402
from simulation.sweep import SweepSpec, run_sweep  # noqa: E402

SPEC = SweepSpec(base=DEFAULT_PRESET, levers={"controls.pseudonymisation.rotation": ["never", "daily", "hourly"],
                                              "controls.retention.days.wifi_bt": [365, 1],
                                              "controls.retention.days.transit_card": [56, 1]})


def one(workers: int) -> None:
    """Time one sweep with ``workers`` workers in this process and print the seconds and a digest of the table."""
    base = load_preset(DEFAULT_PRESET)
    started = time.perf_counter()
    if workers > 1:
        start_fork_server(base)  # as the command line does
    table = run_sweep(SPEC, base, workers=workers)
    seconds = time.perf_counter() - started
    digest = table.drop(columns=[c for c in table.columns if not c.startswith(("risk_", "utility_"))]).round(12)
    print(f"{len(table)} {seconds:.3f} {hashlib.blake2b(digest.to_csv(index=False).encode()).hexdigest()}")


def main() -> None:
    """Print runs per second for 1 and 2 workers (best of the repeats) and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    best: dict[int, float] = {}
    digests = set()
    for _ in range(args.repeat):
        for workers in (1, 2):
            done = subprocess.run([sys.executable, __file__, "--one", str(workers)], capture_output=True, text=True,
                                  check=True)
            runs, seconds, digest = done.stdout.split()[-3:]
            digests.add(digest)
            rate = int(runs) / float(seconds)
            best[workers] = max(best.get(workers, 0.0), rate)
            print(f"{workers} worker(s): {runs} runs in {float(seconds):.2f} s = {rate:.2f} runs/s", flush=True)
    assert len(digests) == 1, "1 and 2 workers must give the same outcomes"
    print(f"best: 1 worker {best[1]:.2f} runs/s, 2 workers {best[2]:.2f} runs/s, speed-up {best[2] / best[1]:.2f}x")


if __name__ == "__main__":
    main()
