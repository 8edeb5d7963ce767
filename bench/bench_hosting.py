"""Safe to host: a real `streamlit run app.py` under honest visitors and a hostile one, and its memory.

Load test (default): starts the app on 127.0.0.1 (stopped at the end) at the default scale, warms it with one
session, then at once
- ``--sessions`` honest sessions (two thirds open the default preset, one third a link with another k-suppression,
  whose stages 3-4 must run),
- ``--heavy`` visitors with links of 10,000 residents x 7 days and distinct seeds (admitted, but each must
  simulate a new world: they queue, one at a time, and see their place),
- a hostile visitor opening a link of 200,000 residents x 28 days every ``--attack-every`` seconds until the
  honest sessions are done,
while the server's resident memory is sampled. Then every session closes and memory is read for ``--after``
seconds. Prints each figure and a verdict: every honest session got its chart, every oversize link was refused,
and the server's peak memory stayed under ``--ceiling-mb``.

Calibration (``--calibrate``): runs presets and extreme scenarios in fresh processes and prints each run's peak
memory beside ``simulation.run_size.estimated_bytes`` (the admission estimate must be above every measured peak).

Run: /work/main/.venv/bin/python bench/bench_hosting.py [--sessions 30] [--heavy 4] [--after 120]
     [--ceiling-mb 4000] [--quick]  |  --calibrate
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.share import encode_blob  # noqa: E402
from simulation.presets import DEFAULT_PRESET  # noqa: E402
from tests.browser.server import start_server, stop_server  # noqa: E402
from tests.browser.sessions import MemorySampler, SessionReport, memory_mb, open_session  # noqa: E402

REFUSAL_TEXT = "resident-days"
QUEUE_TEXT = "runs one large simulation at a time"
OVERSIZE = {"population": {"residents": 200_000}, "world": {"days": 28}}


def link(changes: dict) -> str:
    """Return the query string of a link to the default preset with these changes."""
    return urlencode({"preset": DEFAULT_PRESET, "s": encode_blob(changes)})


async def attacker(url: str, every: float, stop: asyncio.Event, timeout: float) -> list[SessionReport]:
    """Open an oversize link every ``every`` seconds until ``stop`` is set."""
    reports = []
    while not stop.is_set():
        reports.append(await open_session(url, link(OVERSIZE), timeout))
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass
    return reports


async def load(url: str, sessions: int, heavy: int, every: float, timeout: float
               ) -> tuple[list[SessionReport], list[SessionReport], list[SessionReport]]:
    """Run the honest, heavy and hostile sessions together; return their reports."""
    honest_queries = ["" if i % 3 else link({"controls": {"k_suppression": {"k": 2 + i}}}) for i in range(sessions)]
    heavy_queries = [link({"population": {"residents": 10_000}, "world": {"days": 7}, "seed": 100 + i})
                     for i in range(heavy)]
    stop = asyncio.Event()
    attack = asyncio.create_task(attacker(url, every, stop, timeout))
    honest_task = asyncio.gather(*(open_session(url, q, timeout) for q in honest_queries))
    heavy_task = asyncio.gather(*(open_session(url, q, timeout) for q in heavy_queries))
    honest = await honest_task
    heavy_reports = await heavy_task
    stop.set()
    return honest, heavy_reports, await attack


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    return f"min {min(values):.2f} s, median {statistics.median(values):.2f} s, max {max(values):.2f} s"


def run_load(args: argparse.Namespace) -> int:
    """The load test; returns 0 when every check passed."""
    env = {"DASHBOARD_RESIDENTS": "1000", "DASHBOARD_DAYS": "2"} if args.quick else {}
    process, url = start_server(env)
    try:
        pid = process.pid
        print(f"server {url} pid {pid}; memory after start {memory_mb(pid)['VmRSS']:.0f} MB")
        warm = asyncio.run(open_session(url, "", args.timeout))
        print(f"first session (cold: every preset simulated): chart after {warm.chart_seconds:.1f} s")
        time.sleep(2)
        before = memory_mb(pid)["VmRSS"]
        print(f"memory before the visitors: {before:.0f} MB")
        started = time.monotonic()
        with MemorySampler(pid) as sampler:
            honest, heavy, attacks = asyncio.run(load(url, args.sessions, args.heavy, args.attack_every,
                                                      args.timeout))
        wall = time.monotonic() - started
        end = memory_mb(pid)["VmRSS"]
        charted = [r.chart_seconds for r in honest if r.chart_seconds is not None]
        heavy_charted = [r.chart_seconds for r in heavy if r.chart_seconds is not None]
        refusals = [r.first_alert_with(REFUSAL_TEXT) for r in attacks]
        refused = [seconds for seconds in refusals if seconds is not None]
        queued = sum(r.first_alert_with(QUEUE_TEXT) is not None for r in heavy)
        print(f"during ({wall:.0f} s): peak memory {sampler.peak_mb:.0f} MB, at the end {end:.0f} MB")
        print(f"honest sessions: {len(charted)} of {len(honest)} got their chart ({_spread(charted)})")
        print(f"10,000 x 7-day visitors: {len(heavy_charted)} of {len(heavy)} got their chart "
              f"({_spread(heavy_charted)}); {queued} saw their place in the queue")
        print(f"oversize links (200,000 x 28 days): {len(refused)} of {len(attacks)} refused; time to the refusal "
              f"{_spread(refused)}")
        after = []
        for mark in range(30, args.after + 1, 30):
            time.sleep(max(0.0, started + wall + mark - time.monotonic()))
            after.append(memory_mb(pid)["VmRSS"])
            print(f"memory {mark} s after the visitors left: {after[-1]:.0f} MB")
        ok = (len(charted) == len(honest) and len(heavy_charted) == len(heavy) and len(refused) == len(attacks)
              and sampler.peak_mb < args.ceiling_mb)
        print(f"verdict: {'PASS' if ok else 'FAIL'} (ceiling {args.ceiling_mb} MB; memory before {before:.0f}, "
              f"peak during {sampler.peak_mb:.0f}, {args.after} s after {after[-1] if after else end:.0f} MB)")
        return 0 if ok else 1
    finally:
        stop_server(process)


CALIBRATION = {
    **{name: {"preset": name} for name in ("gdpr_baseline", "unregulated_surveillance", "edge_only",
                                              "data_commons", "public_safety", "amsterdam_register")},
    "unregulated 10,000 x 7": {"preset": "unregulated_surveillance", "set": {"population.residents": 10_000}},
    "every zone every 5 min, 1,000 x 7": {
        "preset": "unregulated_surveillance",
        "set": {"population.residents": 1000, "world.slot_minutes": 5, "sensors": [
            {"kind": kind, "name": kind, "placement": {"zone_share": 1.0}, "detection_probability": 1.0,
             "sampling_interval_minutes": 5}
            for kind in ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter", "people_counter", "env_iot")]}},
}
PROBE = """
import json, sys, time
sys.path.insert(0, {root!r})
from simulation import pipeline
from simulation.world.city_source import load_city
from simulation.presets import load_preset
from simulation.run_size import estimated_bytes
from simulation.scenario import ScenarioConfig
from tests.browser.sessions import memory_mb
import os
spec = json.loads({spec!r})
data = load_preset(spec["preset"]).model_dump(mode="json")
for path, value in spec.get("set", {{}}).items():
    node = data
    for part in path.split(".")[:-1]:
        node = node[part]
    node[path.split(".")[-1]] = value
config = ScenarioConfig.model_validate(data)
city = load_city(config.world, config.seed)
before = memory_mb(os.getpid())["VmRSS"]
start = time.perf_counter()
result = pipeline.run(config)
print(json.dumps({{"peak_mb": memory_mb(os.getpid())["VmHWM"] - before, "seconds": time.perf_counter() - start,
                  "records": len(result.log.records), "estimate_mb": estimated_bytes(config, city) / 2**20}}))
"""


def run_calibration() -> int:
    """Measure each calibration run's peak memory in a fresh process beside the admission estimate."""
    print(f"{'run':<36} {'records':>10} {'peak MB':>8} {'estimate MB':>12} {'seconds':>8}")
    worst = 0.0
    for name, spec in CALIBRATION.items():
        code = PROBE.format(root=str(ROOT), spec=json.dumps(spec))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        worst = max(worst, figures["peak_mb"] / figures["estimate_mb"])
        print(f"{name:<36} {figures['records']:>10,} {figures['peak_mb']:>8.0f} {figures['estimate_mb']:>12.0f} "
              f"{figures['seconds']:>8.1f}")
    print(f"largest measured / estimate: {worst:.2f} (must stay below 1)")
    return 0 if worst < 1 else 1


def main() -> int:
    """Parse the options and run the load test or the calibration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="honest sessions (default 30)")
    parser.add_argument("--heavy", type=int, default=4, help="visitors with 10,000 x 7-day links (default 4)")
    parser.add_argument("--attack-every", type=float, default=0.5, help="seconds between oversize links")
    parser.add_argument("--after", type=int, default=120, help="seconds of memory readings after the visitors")
    parser.add_argument("--ceiling-mb", type=int, default=4000, help="server memory that must not be reached")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a session may take")
    parser.add_argument("--quick", action="store_true", help="presets at 1,000 residents x 2 days")
    parser.add_argument("--calibrate", action="store_true", help="measure the memory estimate instead")
    args = parser.parse_args()
    return run_calibration() if args.calibrate else run_load(args)


if __name__ == "__main__":
    sys.exit(main())
