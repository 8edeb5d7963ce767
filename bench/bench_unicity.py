"""Unicity at p = 4 over 100,000 traces (target: at most 10 s).

Usage: /work/venv/bin/python bench/bench_unicity.py [--traces 100000] [--p 4] [--samples 0]

Synthetic week of hourly (zone, hour) points: each trace holds 40 distinct points over 400 zones x 168 hours,
mostly at a home and a work zone (so points are shared, as in real traces). --samples 0 attacks every trace.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.metrics.risk.location_attack import unicity  # noqa: E402


def synthetic_traces(n_traces: int, points: int, seed: int) -> pd.DataFrame:
    """Return distinct (trace, point) rows of home/work/elsewhere hourly points."""
    rng = np.random.default_rng(seed)
    home, work = rng.integers(0, 400, n_traces), rng.integers(0, 400, n_traces)
    trace = np.repeat(np.arange(n_traces), points)
    hour = rng.integers(0, 168, trace.size)
    where = rng.random(trace.size)
    zone = np.where(where < 0.5, home[trace], np.where(where < 0.8, work[trace], rng.integers(0, 400, trace.size)))
    return pd.DataFrame({"trace": trace, "point": zone * 168 + hour}).drop_duplicates()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traces", type=int, default=100_000)
    parser.add_argument("--p", type=int, default=4)
    parser.add_argument("--samples", type=int, default=0, help="traces sampled (0: all)")
    args = parser.parse_args()
    table = synthetic_traces(args.traces, 40, seed=1)
    start = time.perf_counter()
    value = unicity(table, args.p, np.random.default_rng(0), n_samples=args.samples or None)
    seconds = time.perf_counter() - start
    print(f"unicity p={args.p} over {args.traces:,} traces ({len(table):,} points, "
          f"{'all' if not args.samples else args.samples} attacked): {value:.4f} in {seconds:.2f} s")
