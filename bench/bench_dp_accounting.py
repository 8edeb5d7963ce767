"""Differential privacy's accounting and the estimators under noise, on the presets (figures, not a speed test).

Run: ``.venv/bin/python bench/bench_dp_accounting.py``. Builds each preset's world and log once, then prints:

1. the person-level epsilon of each preset's release with differential privacy switched on at the preset's own
   epsilon and bound (``Release.epsilon_total``, with each table's share and whether it is a formal guarantee),
   and for gdpr_baseline the same with hourly and never-rotating keys (bounding per raw identifier makes the total
   independent of the rotation);
2. on gdpr_baseline, aggregates only, k = 0, epsilon 1: per kind, the total count as the utility estimators read it
   over the exact total of the same cells without differential privacy (1 is unbiased);
3. the wrong-direction cases of issue 12: overall utility of gdpr_baseline's aggregates with DP off and on;
   energy utility at 60-minute and 1-day bins; the largest utility over the presets.

On a commit before the accounting existed, the epsilon columns read "n/a" and the estimators' reading is the old
one (each noisy cell clipped at 0 before summing), so the same script gives the "before" figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.pipeline import apply_controls, assess, build_world, observe  # noqa: E402
from simulation.presets import load_preset, preset_names  # noqa: E402
from simulation.sweep import apply_settings  # noqa: E402

try:
    from simulation.metrics.utility.released import aggregate_counts  # noqa: E402
except ImportError:  # before the accounting: the estimators clipped each noisy cell at 0
    def aggregate_counts(release, kind, frame):  # noqa: ANN001, ANN201, D103
        return np.clip(np.nan_to_num(frame["count"].to_numpy(np.float64)), 0.0, None)

DP_ON = {"controls.differential_privacy.enabled": True}
AGGREGATES = {"controls.release.level": "aggregates"}


def epsilon_line(release) -> str:  # noqa: ANN001
    """Return the release's total epsilon and each table's, or n/a before the accounting existed."""
    if not hasattr(release, "epsilon_total"):
        return "n/a (no person-level accounting)"
    tables = ", ".join(f"{kind} {t.epsilon:.3g}{'' if t.formal else '*'}" for kind, t in release.noised.items())
    return f"{release.epsilon_total:.4g}  [{tables}]  (* no formal guarantee)"


def main() -> None:
    """Print the figures."""
    runs = {}
    for name in preset_names():
        config = load_preset(name)
        world = build_world(config)
        runs[name] = (config, world, observe(world, config))

    print("1. total epsilon per person, DP on at the preset's epsilon and bound")
    for name, (config, world, log) in runs.items():
        dp = config.controls.differential_privacy
        release = apply_controls(world, log, apply_settings(config, DP_ON))
        print(f"   {name:<26} eps={dp.epsilon:g} m={dp.max_contributions} "
              f"keys={config.controls.pseudonymisation.rotation:<7} total {epsilon_line(release)}")
    config, world, log = runs["gdpr_baseline"]
    for rotation in ("hourly", "never"):
        release = apply_controls(world, log, apply_settings(config, {**DP_ON, "controls.pseudonymisation.rotation":
                                                                     rotation}))
        print(f"   gdpr_baseline, {rotation} keys: total {epsilon_line(release)}")

    print("2. gdpr_baseline, aggregates only, k=0, epsilon 1: total as the estimators read it / exact total")
    base = apply_settings(config, {**AGGREGATES, "controls.k_suppression.k": 0,
                                   "controls.differential_privacy.epsilon": 1.0})
    exact = apply_controls(world, log, base)
    noisy = apply_controls(world, log, apply_settings(base, DP_ON))
    for kind, frame in noisy.aggregates.items():
        if kind == "env_iot":
            continue
        ratio = aggregate_counts(noisy, kind, frame).sum() / exact.aggregates[kind]["count"].sum()
        print(f"   {kind:<16} {ratio:.3f}")

    print("3. wrong-direction cases")
    aggregates = apply_settings(config, AGGREGATES)
    for label, scenario in (("DP off", aggregates), ("DP on", apply_settings(aggregates, DP_ON))):
        outcomes = assess(world, log, apply_controls(world, log, scenario), scenario).outcomes
        print(f"   gdpr_baseline aggregates only, {label}: utility_overall {outcomes['utility_overall']:.4f}")
    for minutes in (60, 1440):
        scenario = apply_settings(config, {"controls.generalisation.temporal_bin_minutes": minutes})
        outcomes = assess(world, log, apply_controls(world, log, scenario), scenario).outcomes
        print(f"   gdpr_baseline, {minutes}-minute bins: utility_energy {outcomes['utility_energy']:.4f}")
    largest = max((value, name, key) for name, (config, world, log) in runs.items()
                  for key, value in assess(world, log, apply_controls(world, log, config), config).outcomes.items()
                  if key.startswith("utility_"))
    print(f"   largest utility over the presets: {largest[0]!r} ({largest[2]}, {largest[1]})")


if __name__ == "__main__":
    main()
