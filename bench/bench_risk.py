"""Time every risk metric (stage 4, risk half) at the default scale: 5,000 residents x 7 days.

Run: ``/work/venv/bin/python bench/bench_risk.py [--residents 5000] [--days 7]``. Builds one world with the real
model and sensors (all seven kinds), then for several control settings applies the controls and prints the wall
time of every risk metric and of all of them together (traces are built once per release and shared, as in
``assess``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import SENSORS  # noqa: E402

from simulation.controls.pipeline import apply_controls  # noqa: E402
from simulation.metrics.base import AssessmentContext  # noqa: E402
from simulation.metrics.risk import RISK_METRICS  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sensors import observe  # noqa: E402
from simulation.world.model import build_world  # noqa: E402

SETTINGS = {
    "fixed keys": {"pseudonymisation": {"rotation": "never"}},
    "daily keys (default)": {},
    "hourly keys": {"pseudonymisation": {"rotation": "hourly"}},
    "2x2 blocks, 4 h bins": {"generalisation": {"spatial_block_zones": 2, "temporal_bin_minutes": 240}},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    base = {"name": "bench_risk", "seed": 1, "population": {"residents": args.residents},
            "world": {"days": args.days}, "sensors": SENSORS}
    config = ScenarioConfig.model_validate(base)
    world = build_world(config)
    log = observe(world, config)
    print(f"{args.residents} residents x {args.days} days, {len(log.records):,} detections")
    for label, controls in SETTINGS.items():
        config = ScenarioConfig.model_validate({**base, "controls": controls})
        release = apply_controls(world, log, config)
        ctx = AssessmentContext(world, log, release, config)
        times, total = [], time.perf_counter()
        for name, metric in RISK_METRICS.items():
            start = time.perf_counter()
            value = metric(ctx).value
            times.append(f"{name.removeprefix('risk_')} {value:.3f} ({time.perf_counter() - start:.2f} s)")
        print(f"{label}: all risk metrics {time.perf_counter() - total:.2f} s")
        print("   " + "; ".join(times))


if __name__ == "__main__":
    main()
