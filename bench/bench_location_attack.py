"""Our exact LocationAttack against scikit-mobility's, on the same synthetic table.

Usage:
    /work/venv/bin/python bench/bench_location_attack.py [--users 500] [--k 2] [--skmob-targets 10]
    /work/venv/bin/python bench/bench_location_attack.py --oracle 300   # equality check on 300 targets

The synthetic table follows privacy-metrics.md section 4: 400 zones, 15 records per user over 3 days (each user
mostly at a home and a work zone plus a few other places). scikit-mobility runs in its own Python 3.11 venv
(/work/skmob-venv, recipe in privacy-metrics.md) through a subprocess, on a sample of targets, because it needs
seconds per target; it is skipped if that venv is missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.metrics.risk.location_attack import location_risk  # noqa: E402

SKMOB_PYTHON = Path("/work/skmob-venv/bin/python")
SKMOB_SCRIPT = r"""
import json, sys, time
import pandas as pd
from skmob import TrajDataFrame
from skmob.privacy import attacks
table, k, targets, with_time = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4] == "1"
df = pd.read_csv(table, parse_dates=["datetime"])
tdf = TrajDataFrame(df, latitude="lat", longitude="lng", datetime="datetime", user_id="uid")
attack = attacks.LocationTimeAttack(k, time_precision="Day") if with_time else attacks.LocationAttack(k)
out = {}
for uid in targets:
    start = time.perf_counter()
    risk = attack.assess_risk(tdf, targets=[uid])["risk"].iloc[0]
    out[str(uid)] = [float(risk), time.perf_counter() - start]
print(json.dumps(out))
"""


def synthetic_table(users: int, zones: int, records: int, days: int, seed: int) -> pd.DataFrame:
    """Return (uid, zone, day, lat, lng, datetime) records: home, work and a few random places per user."""
    rng = np.random.default_rng(seed)
    home = rng.integers(0, zones, users)
    work = rng.integers(0, zones, users)
    uid = np.repeat(np.arange(users), records)
    pick = rng.random(users * records)
    zone = np.where(pick < 0.4, home[uid], np.where(pick < 0.7, work[uid], rng.integers(0, zones, uid.size)))
    day = rng.integers(0, days, uid.size)
    hour = rng.integers(0, 24, uid.size)
    side = int(np.ceil(np.sqrt(zones)))
    return pd.DataFrame({
        "uid": uid, "zone": zone, "day": day,
        "lat": 45.0 + (zone // side) * 0.01, "lng": 10.0 + (zone % side) * 0.01,
        # days 10..28 of one month, so skmob's separator-less "Day" strings stay unambiguous
        "datetime": pd.Timestamp("2024-03-10") + pd.to_timedelta(day, "D") + pd.to_timedelta(hour, "h"),
    })


def run_skmob(table: pd.DataFrame, k: int, targets: list[int], with_time: bool) -> dict[int, tuple[float, float]]:
    """Run scikit-mobility on some targets; return {uid: (risk, seconds)}."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        table[["uid", "lat", "lng", "datetime"]].to_csv(path, index=False)
        done = subprocess.run([str(SKMOB_PYTHON), "-c", SKMOB_SCRIPT, str(path), str(k), json.dumps(targets),
                               "1" if with_time else "0"], capture_output=True, text=True, check=True)
    return {int(u): (r, s) for u, (r, s) in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def ours(table: pd.DataFrame, k: int, with_time: bool) -> tuple[pd.Series, float]:
    """Run our implementation on every user; return (risks, seconds)."""
    start = time.perf_counter()
    risks = location_risk(table, k, user="uid", location=["lat", "lng"], time="day" if with_time else None)
    return risks, time.perf_counter() - start


def speed(args: argparse.Namespace) -> None:
    """Print per-user times of both implementations and the speed-up."""
    table = synthetic_table(args.users, 400, 15, 3, seed=1)
    for with_time in (False, True):
        name = "LocationTimeAttack(Day)" if with_time else "LocationAttack"
        risks, seconds = ours(table, args.k, with_time)
        per_user = seconds / args.users
        print(f"{name} k={args.k} N={args.users}: ours {seconds:.3f} s for all users "
              f"({per_user * 1e3:.3f} ms/user), mean risk {risks.mean():.3f}")
        if not SKMOB_PYTHON.exists():
            print("  scikit-mobility venv missing: skipped")
            continue
        targets = np.random.default_rng(2).choice(args.users, args.skmob_targets, replace=False).tolist()
        theirs = run_skmob(table, args.k, targets, with_time)
        same = all(risks.loc[u] == r for u, (r, _) in theirs.items())
        sk_per_user = float(np.mean([s for _, s in theirs.values()]))
        print(f"  skmob {sk_per_user:.2f} s/user on {len(targets)} targets; identical risks: {same}; "
              f"speed-up x{sk_per_user / per_user:,.0f}")


def oracle(args: argparse.Namespace) -> None:
    """Check equality with scikit-mobility on many targets: small tables (60 users) so risks vary below 1."""
    per_table = 60
    for with_time in (False, True):
        checked, differ, seen = 0, 0, set()
        for seed in range(int(np.ceil(args.oracle / per_table))):
            table = synthetic_table(per_table, 12, 4, 2, seed=100 + seed)
            risks, _ = ours(table, args.k, with_time)
            theirs = run_skmob(table, args.k, list(range(per_table)), with_time)
            differ += sum(risks.loc[u] != r for u, (r, _) in theirs.items())
            checked += len(theirs)
            seen |= set(risks.round(4))
        print(f"oracle {'LocationTimeAttack(Day)' if with_time else 'LocationAttack'} k={args.k}: "
              f"{checked} targets, {differ} differ; distinct risks {sorted(seen)}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--k", type=int, default=2)
    parser.add_argument("--skmob-targets", type=int, default=10)
    parser.add_argument("--oracle", type=int, default=0, help="check equality on this many users instead")
    arguments = parser.parse_args()
    oracle(arguments) if arguments.oracle else speed(arguments)
