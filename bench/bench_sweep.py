"""Sweep throughput with 1 and 2 local workers: runs per second on the default preset, controls only.

Run: ``.venv/bin/python bench/bench_sweep.py [--repeat 2]``. The sweep moves controls that change the released
records (key rotation x time bin x retention of the Wi-Fi and of the transit-card records: 3 x 2 x 2 x 2 = 24 runs
on one world), so every run has its own attacks and all share stages 1-2. Each measurement runs in a fresh
process, as the command line's ``sweep --workers N`` would, and reports two figures: end to end (``run_sweep``
from its call to the last row: the import of the pipeline, the start of the pool and stages 1-2 included) and
steady (runs per second from the first row to the last: what a longer sweep approaches). Target: 2 workers at
least 1.7 times the throughput of 1.
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
                                              "controls.generalisation.temporal_bin_minutes": [60, 120],
                                              "controls.retention.days.wifi_bt": [365, 1],
                                              "controls.retention.days.transit_card": [56, 1]})


def one(workers: int) -> None:
    """Time one sweep with ``workers`` workers in this process; print runs, seconds, steady runs/s and a digest."""
    base = load_preset(DEFAULT_PRESET)
    done: list[float] = []
    started = time.perf_counter()
    if workers > 1:
        start_fork_server(base)  # as the command line does
    table = run_sweep(SPEC, base, workers=workers, on_done=lambda n: done.extend([time.perf_counter()] * n))
    seconds = time.perf_counter() - started
    steady = (len(done) - 1) / (done[-1] - done[0])
    outcomes = table[[c for c in table.columns if c.startswith(("risk_", "utility_"))]].round(12)
    digest = hashlib.blake2b(outcomes.to_csv(index=False).encode()).hexdigest()
    print(f"{len(table)} {seconds:.3f} {steady:.3f} {digest}")


def main() -> None:
    """Print both throughputs for 1 and 2 workers (best of the repeats) and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    best: dict[tuple[int, str], float] = {}
    digests = set()
    for _ in range(args.repeat):
        for workers in (1, 2):
            done = subprocess.run([sys.executable, __file__, "--one", str(workers)], capture_output=True, text=True,
                                  check=True)
            runs, seconds, steady, digest = done.stdout.split()[-4:]
            digests.add(digest)
            rate = int(runs) / float(seconds)
            best[workers, "end"] = max(best.get((workers, "end"), 0.0), rate)
            best[workers, "steady"] = max(best.get((workers, "steady"), 0.0), float(steady))
            print(f"{workers} worker(s): {runs} runs in {float(seconds):.2f} s = {rate:.2f} runs/s end to end, "
                  f"{float(steady):.2f} runs/s steady", flush=True)
    assert len(digests) == 1, "1 and 2 workers must give the same outcomes"
    for kind in ("end", "steady"):
        print(f"best {kind}: 1 worker {best[1, kind]:.2f} runs/s, 2 workers {best[2, kind]:.2f} runs/s, "
              f"speed-up {best[2, kind] / best[1, kind]:.2f}x")


if __name__ == "__main__":
    main()
